/** Errors of `tokio-ts/sync/shared`. */

/**
 * A send on a shared channel whose receiver closed; the value is returned in
 * `.value`.
 *
 * @example
 * ```ts
 * import { SharedSendError } from 'tokio-ts/sync/shared';
 *
 * const e = new SharedSendError(5);
 * console.log(e.kind, e.value); // closed 5
 * ```
 */
export class SharedSendError<T = unknown> extends Error {
  readonly kind = 'closed';
  readonly value: T;
  constructor(value: T) {
    super('send on a closed shared channel');
    this.name = 'SharedSendError';
    this.value = value;
  }
}

/**
 * An acquire on a closed {@link SharedSemaphore}.
 *
 * @example
 * ```ts
 * import { SharedAcquireError } from 'tokio-ts/sync/shared';
 *
 * console.log(new SharedAcquireError().kind); // closed
 * ```
 */
export class SharedAcquireError extends Error {
  readonly kind = 'closed';
  constructor() {
    super('the shared semaphore was closed');
    this.name = 'SharedAcquireError';
  }
}
