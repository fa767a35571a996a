/**
 * `sleep`, `sleepUntil` and `Sleep`.
 */
import type { Future, Suspend } from '../future/future.js';
import { coopProceed, currentTask, parkForBudget, SUSPENDED } from '../runtime/context.js';
import { debugFutures, markDriven, trackCreated } from '../runtime/debug.js';
import { currentScheduler } from '../runtime/runtime.js';
import type { Task } from '../runtime/task.js';
import { driverOf, type TimeDriver, type TimerEntry } from '../runtime/time/driver.js';
import { Instant } from './instant.js';

function checkMs(ms: number, what: string): void {
  if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0) {
    throw new RangeError(`${what}: duration must be a number >= 0 ms, got ${String(ms)}`);
  }
}

/**
 * Waits `ms` milliseconds on the runtime's clock. `sleep(0)` completes at once;
 * `sleep(Infinity)` never completes (but can be cancelled).
 *
 * The clock and timer are those of the runtime current when `sleep` is
 * called: the current task's. Called outside any task (a Node callback) it
 * uses the runtime `main` or a `tokio-ts/test` test is running, else the
 * thread's default runtime. This differs from Tokio, where creating a `Sleep`
 * outside a runtime panics: in Node, code outside any task is everywhere
 * (callbacks, module top level), and failing there would make every such
 * `sleep` a crash; the default runtime's clock is real time, so the deadline
 * is still right, but a test's paused clock does not apply to it.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { sleep } from 'tokio-ts/time';
 *
 * main(function* () {
 *   yield* sleep(100);
 *   console.log('100 ms later');
 * });
 * ```
 *
 * ## Cancel safety
 * Cancel safe: cancelling removes the timer.
 *
 * ## Errors
 * `RangeError` for a negative or NaN duration.
 */
export function sleep(ms: number): Sleep {
  checkMs(ms, 'sleep');
  const d = driverOf(currentScheduler());
  // whole ms from the one clock read (the constructor then reads no clock):
  // up for a future deadline, down for sleep(0), which is due now
  const now = d.now();
  return new Sleep(d, ms === 0 ? Math.floor(now) : Math.ceil(now + ms));
}

/**
 * Waits until `deadline`.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { Instant, sleepUntil } from 'tokio-ts/time';
 *
 * main(function* () {
 *   yield* sleepUntil(Instant.now().add(50));
 * });
 * ```
 *
 * ## Cancel safety
 * Cancel safe.
 */
export function sleepUntil(deadline: Instant): Sleep {
  return new Sleep(driverOf(currentScheduler()), deadline.ms);
}

/** `when` of a Sleep that never completes (`Infinity` would make every Sleep's `when` a boxed double). */
const NEVER = -1;

/**
 * A deadline in whole ms: rounded up (the wheel's resolution: the timer fires
 * at that tick anyway), or down if it has passed already (so it stays passed).
 * Whole numbers keep `when` a small integer stored in the object, not a
 * separately allocated double: 16 bytes less per sleeping task.
 */
function wholeMs(d: TimeDriver, ms: number): number {
  if (ms === Number.POSITIVE_INFINITY) return NEVER;
  const up = Math.ceil(ms);
  return up === ms || ms > d.now() ? up : Math.floor(ms);
}

enum S {
  Init = 0,
  Waiting = 1,
  Fired = 2,
  Done = 3,
  /** never awaited nor reset: Tokio has no timer for it yet, so it is not elapsed */
  Fresh = 4,
}

/**
 * A sleep: a Future that completes at its deadline. It can be `reset` while
 * it is being waited on, and waited on again (e.g. inside a `select` loop).
 * The Sleep is itself the timer's entry in the runtime's timing wheel.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { Instant, sleep } from 'tokio-ts/time';
 *
 * main(function* () {
 *   const s = sleep(1000);
 *   s.reset(Instant.now().add(10)); // earlier
 *   yield* s;
 *   console.log(s.isElapsed()); // true
 * }, { startPaused: true });
 * ```
 *
 * ## Cancel safety
 * Cancel safe.
 */
// Also the iterator that awaits it, its timer entry (`TimerEntry`) and its
// `Waiting` record; the internal members are stripped from the public types.
export class Sleep implements Future<void> {
  /** @internal deadline in whole ms, or NEVER (TimerEntry) */
  when: number;
  /** @internal */
  pv: TimerEntry | null = null;
  /** @internal */
  nx: TimerEntry | null = null;
  /** @internal */
  slot = -1;
  readonly #driver: TimeDriver;
  #state = S.Fresh;
  #task: Task | null = null;

  /** @internal */
  constructor(driver: TimeDriver, deadline: number) {
    this.#driver = driver;
    this.when = wholeMs(driver, deadline);
    if (debugFutures) trackCreated(this, 'sleep(…)');
  }

  /**
   * When this sleep completes: the requested deadline rounded up to a whole
   * millisecond, the timer's resolution.
   */
  get deadline(): Instant {
    return new Instant(this.when === NEVER ? Number.POSITIVE_INFINITY : this.when);
  }

  /**
   * True once the sleep's timer has fired: it was awaited (or `reset`) and
   * the runtime's clock has reached the deadline. As in Tokio, a sleep never
   * awaited nor reset is not elapsed, even past its deadline (Tokio registers
   * the timer on the first poll; `sleepUntil(now)` is not elapsed before it
   * is awaited).
   */
  isElapsed(): boolean {
    return this.#state !== S.Fresh && this.when !== NEVER && this.#driver.now() >= this.when;
  }

  /** Moves the deadline (earlier or later, also after it elapsed). */
  reset(deadline: Instant): void {
    const d = this.#driver;
    this.when = wholeMs(d, deadline.ms);
    const s = this.#state;
    if (s !== S.Waiting && s !== S.Fired) {
      if (s === S.Fresh) this.#state = S.Init; // Tokio's reset creates the timer
      return;
    }
    d.remove(this);
    if (this.isElapsed()) {
      this.fire();
    } else if (s === S.Fired) {
      // fired but not yet resumed: wait again (the pending wake re-parks)
      this.#state = S.Waiting;
      if (this.when !== NEVER && !d.insert(this)) this.fire();
    } else if (this.when !== NEVER && !d.insert(this)) {
      this.fire();
    }
  }

  /** Starts a wait (a Sleep can be awaited again after it completed). */
  [Symbol.iterator](): Iterator<Suspend, void, unknown> {
    if (debugFutures) markDriven(this);
    if (this.#state === S.Waiting || this.#state === S.Fired)
      throw new Error('tokio-ts: this Sleep is already being awaited');
    this.#state = S.Init;
    return this;
  }

  /** @internal */
  next(): IteratorResult<Suspend, void> {
    const s = this.#state;
    if (s === S.Init) {
      const driver = this.#driver;
      const deadline = this.when;
      if (deadline !== NEVER && driver.now() >= deadline) {
        if (!coopProceed()) return parkForBudget(this);
        this.#state = S.Done;
        return { done: true, value: undefined };
      }
      const task = currentTask();
      this.#task = task;
      this.#state = S.Waiting;
      if (deadline !== NEVER && !driver.insert(this)) {
        this.#state = S.Done; // the deadline passed meanwhile
        return { done: true, value: undefined };
      }
      task.waitingOn = this;
      return SUSPENDED;
    }
    if (s === S.Waiting) {
      this.#task!.waitingOn = this;
      return SUSPENDED;
    }
    this.#state = S.Done;
    this.#task = null;
    return { done: true, value: undefined };
  }

  /** @internal the deadline passed (TimerEntry) */
  fire(): void {
    if (this.#state !== S.Waiting) return;
    this.#state = S.Fired;
    this.#task!.wake();
  }

  /** @internal the waiting task is cancelled (Waiting) */
  cancelWait(): void {
    this.#driver.remove(this);
    this.#state = S.Done;
    this.#task = null;
  }

  /** @internal */
  describe(): string {
    const left = this.when - this.#driver.now();
    return this.when === NEVER
      ? 'sleep forever'
      : `sleep until +${Math.max(0, Math.round(left))} ms`;
  }
}
