/**
 * `timeout` and `timeoutAt`: run a future with a deadline, cancelling it when
 * time runs out.
 */
import { select } from '../future/combinators.js';
import type { FutureLike, Suspend } from '../future/future.js';
import { Elapsed } from './error.js';
import type { Instant } from './instant.js';
import { sleep, sleepUntil } from './sleep.js';

/**
 * Runs `fut`; if it has not finished after `ms`, cancels it (its `finally`
 * blocks run before this returns) and throws {@link Elapsed}. When `fut`
 * finishes first, its timer is removed.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { sleep, timeout } from 'tokio-ts/time';
 *
 * main(function* () {
 *   console.log(yield* timeout(100, function* () { yield* sleep(10); return 'in time'; }));
 * });
 * ```
 *
 * ## Cancel safety
 * Cancel safe if `fut` is.
 */
export function* timeout<T>(ms: number, fut: FutureLike<T>): Generator<Suspend, T, unknown> {
  const r = yield* select({ value: fut as FutureLike<T>, elapsed: sleep(ms) }, { biased: true });
  if (r.key === 'elapsed') throw new Elapsed(ms);
  return r.value as T;
}

/**
 * Like {@link timeout}, with an absolute deadline.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { Instant, sleep, timeoutAt } from 'tokio-ts/time';
 *
 * main(function* () {
 *   yield* timeoutAt(Instant.now().add(50), sleep(10));
 * });
 * ```
 *
 * ## Cancel safety
 * Cancel safe if `fut` is.
 */
export function* timeoutAt<T>(
  deadline: Instant,
  fut: FutureLike<T>,
): Generator<Suspend, T, unknown> {
  const r = yield* select(
    { value: fut as FutureLike<T>, elapsed: sleepUntil(deadline) },
    { biased: true },
  );
  if (r.key === 'elapsed') throw new Elapsed(deadline.ms);
  return r.value as T;
}
