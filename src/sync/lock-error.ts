/** Errors of the locks and synchronisation primitives (Mutex, RwLock, Semaphore, OnceCell). */

/**
 * A wait for permits (`Semaphore.acquire`, `acquireMany`) failed because the
 * semaphore was closed, before or while waiting. `kind` is `'closed'`.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { AcquireError, Semaphore } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const sem = new Semaphore(0);
 *   sem.close();
 *   try {
 *     yield* sem.acquire();
 *   } catch (e) {
 *     console.log(e instanceof AcquireError, (e as AcquireError).kind); // true closed
 *   }
 * });
 * ```
 */
export class AcquireError extends Error {
  readonly kind = 'closed' as const;

  constructor() {
    super('the semaphore was closed');
    this.name = 'AcquireError';
  }
}

/**
 * `OnceCell.set(value)` failed: the cell already holds a value
 * (`kind: 'alreadyInitialized'`) or an initializer is running
 * (`kind: 'initializing'`). The rejected value is in `value`.
 *
 * @example
 * ```ts
 * import { OnceCell, SetError } from 'tokio-ts/sync';
 *
 * const cell = new OnceCell<number>();
 * cell.set(1);
 * try {
 *   cell.set(2);
 * } catch (e) {
 *   console.log((e as SetError<number>).kind, (e as SetError<number>).value); // alreadyInitialized 2
 * }
 * ```
 */
export class SetError<T> extends Error {
  readonly kind: 'alreadyInitialized' | 'initializing';
  /** The value that was not stored. */
  readonly value: T;

  constructor(kind: 'alreadyInitialized' | 'initializing', value: T) {
    super(
      kind === 'alreadyInitialized'
        ? 'the OnceCell is already initialized'
        : 'the OnceCell is being initialized by getOrInit',
    );
    this.name = 'SetError';
    this.kind = kind;
    this.value = value;
  }
}

/**
 * A guard or permit was used after it was released (its `value` read or
 * written after `release()`, or a write guard downgraded twice).
 * `kind` is `'released'`.
 *
 * @example
 * ```ts
 * import { Mutex, GuardReleasedError } from 'tokio-ts/sync';
 *
 * const m = new Mutex(1);
 * const g = m.tryLock()!;
 * g.release();
 * try {
 *   g.value;
 * } catch (e) {
 *   console.log(e instanceof GuardReleasedError); // true
 * }
 * ```
 */
export class GuardReleasedError extends Error {
  readonly kind = 'released' as const;

  constructor(what: string) {
    super(`the ${what} was used after it was released`);
    this.name = 'GuardReleasedError';
  }
}
