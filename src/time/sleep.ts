/**
 * `sleep`, `sleepUntil` and `Sleep`.
 */
import type { Future, Suspend } from '../future/future.js';
import {
  coopProceed,
  currentTask,
  parkForBudget,
  SUSPENDED,
  type Waiting,
} from '../runtime/context.js';
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
  return new Sleep(d, d.now() + ms);
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

/**
 * A sleep: a Future that completes at its deadline. It can be `reset` while
 * it is being waited on, and waited on again (e.g. inside a `select` loop).
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
export class Sleep implements Future<void> {
  readonly #driver: TimeDriver;
  #deadline: number;
  #wait: SleepWait | null = null;

  /** @internal */
  constructor(driver: TimeDriver, deadline: number) {
    this.#driver = driver;
    this.#deadline = deadline;
  }

  get deadline(): Instant {
    return new Instant(this.#deadline);
  }

  /** @internal */
  get deadlineMs(): number {
    return this.#deadline;
  }

  isElapsed(): boolean {
    return this.#driver.now() >= this.#deadline;
  }

  /** Moves the deadline (earlier or later, also after it elapsed). */
  reset(deadline: Instant): void {
    this.#deadline = deadline.ms;
    const w = this.#wait;
    if (w !== null && w.heapIndex >= 0) {
      this.#driver.remove(w);
      w.deadline = deadline.ms;
      if (this.isElapsed()) w.fire();
      else if (!this.#driver.insert(w)) w.fire();
    }
  }

  [Symbol.iterator](): Iterator<Suspend, void, unknown> {
    const w = new SleepWait(this.#driver, this);
    this.#wait = w;
    return w;
  }
}

enum S {
  Init = 0,
  Waiting = 1,
  Fired = 2,
  Done = 3,
}

class SleepWait implements Iterator<Suspend, void, unknown>, TimerEntry, Waiting {
  deadline = 0;
  heapIndex = -1;
  #state = S.Init;
  #task: Task | null = null;
  readonly #driver: TimeDriver;
  readonly #sleep: Sleep;

  constructor(driver: TimeDriver, sleep: Sleep) {
    this.#driver = driver;
    this.#sleep = sleep;
  }

  next(): IteratorResult<Suspend, void> {
    const s = this.#state;
    if (s === S.Init) {
      const deadline = this.#sleep.deadlineMs;
      if (this.#driver.now() >= deadline) {
        if (!coopProceed()) return parkForBudget(this);
        this.#state = S.Done;
        return { done: true, value: undefined };
      }
      const task = currentTask();
      this.#task = task;
      this.deadline = deadline;
      this.#state = S.Waiting;
      if (deadline !== Number.POSITIVE_INFINITY && !this.#driver.insert(this)) {
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
    return { done: true, value: undefined };
  }

  fire(): void {
    if (this.#state !== S.Waiting) return;
    this.#state = S.Fired;
    this.#task!.wake();
  }

  cancelWait(): void {
    this.#driver.remove(this);
    this.#state = S.Done;
  }

  describe(): string {
    const left = this.deadline - this.#driver.now();
    return this.deadline === Number.POSITIVE_INFINITY
      ? 'sleep forever'
      : `sleep until +${Math.max(0, Math.round(left))} ms`;
  }
}
