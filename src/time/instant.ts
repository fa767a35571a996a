/**
 * `Instant`: a point on the runtime's clock (paused in tests), in milliseconds.
 */

import { currentScheduler } from '../runtime/runtime.js';
import { driverOf } from '../runtime/time/driver.js';

/** below this many ms, a duration in ns is an exact integer in a double */
const NS_EXACT = 2 ** 53 / 1e6;

/**
 * A monotonic instant on the current runtime's clock. With a paused clock it
 * only moves when time is advanced (or auto-advances).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { Instant, sleep } from 'tokio-ts/time';
 *
 * main(function* () {
 *   const start = Instant.now();
 *   yield* sleep(250);
 *   console.log(start.elapsed()); // 250 (the clock is paused)
 * }, { startPaused: true });
 * ```
 */
export class Instant {
  /** Milliseconds since the runtime's clock started. */
  readonly ms: number;

  constructor(ms: number) {
    if (Number.isNaN(ms)) throw new RangeError('Instant: NaN');
    this.ms = ms;
  }

  /** The current instant of the current runtime's clock. */
  static now(): Instant {
    return new Instant(driverOf(currentScheduler()).now());
  }

  add(ms: number): Instant {
    return new Instant(this.ms + ms);
  }

  sub(ms: number): Instant {
    return new Instant(this.ms - ms);
  }

  /**
   * `this - earlier` in ms, rounded to whole nanoseconds as Tokio's durations
   * are (0 if `earlier` is later, as Tokio saturates).
   */
  durationSince(earlier: Instant): number {
    const d = this.ms - earlier.ms;
    if (!(d > 0)) return 0;
    // Tokio's durations are whole nanoseconds: round the float difference to
    // them, so `advance(0.001)` then `elapsed()` is 0.001, not 0.00099999…
    return d < NS_EXACT ? Math.round(d * 1e6) / 1e6 : d;
  }

  /** Milliseconds since this instant. */
  elapsed(): number {
    return Instant.now().durationSince(this);
  }

  isBefore(other: Instant): boolean {
    return this.ms < other.ms;
  }

  isAfter(other: Instant): boolean {
    return this.ms > other.ms;
  }

  equals(other: Instant): boolean {
    return this.ms === other.ms;
  }

  compare(other: Instant): number {
    return this.ms - other.ms;
  }

  toString(): string {
    return `Instant(${this.ms} ms)`;
  }
}
