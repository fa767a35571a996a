/**
 * Controlling the runtime's clock in tests: `pause`, `resume`, `advance`, `isPaused`.
 */
import type { Suspend } from '../future/future.js';
import { currentScheduler } from '../runtime/runtime.js';
import { driverOf } from '../runtime/time/driver.js';
import { yieldNow } from '../task/spawn.js';

/**
 * Pauses the current runtime's clock: time moves only with {@link advance}, or
 * jumps to the next timer when the runtime has nothing else to do.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { advance, Instant, isPaused, pause } from 'tokio-ts/time';
 *
 * main(function* () {
 *   pause();
 *   const t = Instant.now();
 *   yield* advance(1000);
 *   console.log(isPaused(), t.elapsed()); // true 1000
 * });
 * ```
 *
 * ## Errors
 * Throws if the clock is already paused (Tokio panics: "time is already
 * frozen"), e.g. in a runtime built with `startPaused`.
 */
export function pause(): void {
  const d = driverOf(currentScheduler());
  if (d.paused) throw new Error('tokio-ts: time.pause(): the clock is already paused');
  d.pause();
}

/**
 * Lets a paused clock run again (from where it stopped).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { pause, resume } from 'tokio-ts/time';
 *
 * main(function* () { pause(); resume(); });
 * ```
 *
 * ## Errors
 * Throws if the clock is not paused (Tokio panics: "time is not frozen").
 */
export function resume(): void {
  const d = driverOf(currentScheduler());
  if (!d.paused) throw new Error('tokio-ts: time.resume(): the clock is not paused');
  d.resume();
}

/** True if the current runtime's clock is paused. */
export function isPaused(): boolean {
  return driverOf(currentScheduler()).paused;
}

/**
 * Moves a paused clock forward by `ms`, wakes the timers that expire, and
 * yields so that the woken tasks run.
 *
 * ## Cancel safety
 * Cancel safe: the clock has already moved.
 */
export function* advance(ms: number): Generator<Suspend, void, unknown> {
  if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0) {
    throw new RangeError(`advance: ms must be >= 0, got ${String(ms)}`);
  }
  driverOf(currentScheduler()).advance(ms);
  yield* yieldNow();
}
