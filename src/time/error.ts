/** Errors of the time module. */

/**
 * A {@link timeout} ran out: the inner future was cancelled (its `finally`
 * blocks have run).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { Elapsed, sleep, timeout } from 'tokio-ts/time';
 *
 * main(function* () {
 *   try {
 *     yield* timeout(10, sleep(1000));
 *   } catch (e) {
 *     console.log(e instanceof Elapsed); // true
 *   }
 * }, { startPaused: true });
 * ```
 */
export class Elapsed extends Error {
  readonly kind = 'elapsed';
  constructor(ms: number) {
    super(`deadline has elapsed (${ms} ms)`);
    this.name = 'Elapsed';
  }
}
