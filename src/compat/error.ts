/** Errors of the compat module. */

/**
 * A `fromEvents` stream with `overflow: 'error'` received more events than
 * its capacity while nobody read them: the stream stopped listening, and
 * `next()` throws this after the buffered events.
 *
 * @example
 * ```ts
 * import { OverflowError } from 'tokio-ts/compat';
 *
 * const e = new OverflowError('tick', 2);
 * console.log(e.kind, e.event, e.capacity); // overflow tick 2
 * ```
 */
export class OverflowError extends Error {
  readonly kind = 'overflow';
  /** The event that overflowed. */
  readonly event: string;
  /** The stream's capacity. */
  readonly capacity: number;

  constructor(event: string, capacity: number) {
    super(`fromEvents: more than ${capacity} '${event}' events were not read (overflow: 'error')`);
    this.name = 'OverflowError';
    this.event = event;
    this.capacity = capacity;
  }
}
