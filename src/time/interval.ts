/**
 * `interval` and `Interval`: ticks at a fixed period, with Tokio's three
 * policies for missed ticks.
 */
import type { Future, Suspend } from '../future/future.js';
import { inspect, instrument, type ResourceInfo } from '../runtime/instrument.js';
import { currentScheduler } from '../runtime/runtime.js';
import { driverOf, type TimeDriver } from '../runtime/time/driver.js';
import { Instant } from './instant.js';
import { Sleep } from './sleep.js';

/**
 * How late a tick may complete and still count as on time (Tokio's
 * `poll_tick` uses the same 5 ms): a real timer fires a millisecond or two
 * late, and without this slack `Delay` drifted by that much every tick
 * (50 ticks of 20 ms took 1,114 ms).
 */
const MISSED_TICK_SLACK_MS = 5;

/**
 * What an {@link Interval} does when ticks were missed: when a tick completes
 * more than 5 ms after its scheduled instant (the task was late). A tick at
 * most 5 ms late counts as on time, whatever the behaviour, as in Tokio.
 */
export enum MissedTickBehavior {
  /** Fire the missed ticks at once, one per `tick()`, until caught up (default). */
  Burst = 'burst',
  /** The next tick is one period after the late tick completed. */
  Delay = 'delay',
  /** Skip the missed ticks: the next tick is the next multiple of the period from the start. */
  Skip = 'skip',
}

/**
 * Ticks every `periodMs`; the first tick completes at once.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { Instant, interval } from 'tokio-ts/time';
 *
 * main(function* () {
 *   const start = Instant.now();
 *   const iv = interval(10);
 *   for (let i = 0; i < 3; i++) console.log((yield* iv.tick()).durationSince(start)); // 0, 10, 20
 * }, { startPaused: true });
 * ```
 */
export function interval(periodMs: number): Interval {
  const d = driverOf(currentScheduler());
  return new Interval(d, d.now(), periodMs);
}

/**
 * Ticks every `periodMs`, the first tick at `start`.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { Instant, intervalAt } from 'tokio-ts/time';
 *
 * main(function* () {
 *   const iv = intervalAt(Instant.now().add(5), 10);
 *   yield* iv.tick(); // at +5
 * }, { startPaused: true });
 * ```
 */
export function intervalAt(start: Instant, periodMs: number): Interval {
  return new Interval(driverOf(currentScheduler()), start.ms, periodMs);
}

/**
 * An interval; see {@link interval}.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { interval, MissedTickBehavior } from 'tokio-ts/time';
 *
 * main(function* () {
 *   const iv = interval(10);
 *   iv.missedTickBehavior = MissedTickBehavior.Skip;
 *   yield* iv.tick();
 * }, { startPaused: true });
 * ```
 */
export class Interval {
  readonly #driver: TimeDriver;
  readonly period: number;
  #next: number;
  /** the sleep of the `tick()` in progress (the console shows who waits) */
  #sleep: Sleep | null = null;
  missedTickBehavior: MissedTickBehavior = MissedTickBehavior.Burst;

  /** @internal */
  constructor(driver: TimeDriver, start: number, periodMs: number) {
    if (typeof periodMs !== 'number' || !(periodMs > 0) || !Number.isFinite(periodMs)) {
      throw new RangeError(
        `interval: period must be a finite number > 0 ms, got ${String(periodMs)}`,
      );
    }
    this.#driver = driver;
    this.period = periodMs;
    this.#next = start;
    if (instrument !== null) instrument.resource(this);
  }

  /** @internal what the console shows */
  [inspect](): ResourceInfo {
    const s = this.#sleep;
    return {
      kind: 'interval',
      waiters: s === null ? [] : [s],
      fields: {
        periodMs: this.period,
        nextTickInMs: Math.round(this.#next - this.#driver.now()),
        missedTickBehavior: this.missedTickBehavior,
      },
    };
  }

  /**
   * Waits for the next tick and returns its scheduled instant.
   *
   * ## Cancel safety
   * Cancel safe: a cancelled `tick()` consumes no tick.
   */
  *tick(): Generator<Suspend, Instant, unknown> {
    const deadline = this.#next;
    const sleep = new Sleep(this.#driver, deadline);
    this.#sleep = sleep;
    yield* sleep as Future<void>;
    this.#sleep = null;
    const now = this.#driver.now();
    const p = this.period;
    // On time, or late by timer granularity only: the next tick keeps the schedule.
    if (now <= deadline + MISSED_TICK_SLACK_MS) {
      this.#next = deadline + p;
      return new Instant(deadline);
    }
    switch (this.missedTickBehavior) {
      case MissedTickBehavior.Burst:
        this.#next = deadline + p;
        break;
      case MissedTickBehavior.Delay:
        this.#next = now + p;
        break;
      case MissedTickBehavior.Skip:
        this.#next = now + p - ((now - deadline) % p);
        break;
    }
    return new Instant(deadline);
  }

  /** The next tick is one period from now. */
  reset(): void {
    this.#next = this.#driver.now() + this.period;
  }

  /** The next tick completes at once. */
  resetImmediately(): void {
    this.#next = this.#driver.now();
  }

  /** The next tick is `ms` from now. */
  resetAfter(ms: number): void {
    this.#next = this.#driver.now() + ms;
  }

  /** The next tick is at `deadline`. */
  resetAt(deadline: Instant): void {
    this.#next = deadline.ms;
  }
}
