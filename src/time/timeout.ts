/**
 * `timeout` and `timeoutAt`: run a future with a deadline, cancelling it when
 * time runs out.
 *
 * How and why: the timeout is one leaf that drives the inner future inline, in
 * the same task (no child task, no `select`), and is itself the timer entry.
 * Like Tokio's `Timeout`, it polls the inner future first: a future that is
 * ready at once never touches the timer, and one that finishes before the
 * deadline costs one O(1) insert and one O(1) removal. When the inner future
 * suspends, its leaf has set `task.waitingOn`; the timeout takes it over (to
 * cancel it later) and stands in front of it. On the deadline the inner leaf's
 * cancel hook runs (a Future it returns is driven to its end), then the inner
 * iterator is returned so its `finally` blocks run, then the inner future's
 * `defer`red cleanups (and so its kill-on-drop children) run, then `Elapsed`
 * is thrown.
 *
 * The inner future has its own cleanup frame: while it is polled, the task's
 * `deferred` list is swapped for the timeout's, so a `defer` (or a
 * `killOnDrop` child) inside it belongs to it, as a `select` branch's belong to
 * the branch. They run when the inner future ends — returned, thrown or timed
 * out — before the timeout returns. If the task itself is cancelled, they join
 * the task's cleanup (they run first).
 */
import type { Future, FutureLike, Suspend } from '../future/future.js';
import { toIterator } from '../future/future.js';
import { currentTask, SUSPEND, SUSPENDED, type Waiting } from '../runtime/context.js';
import { currentScheduler } from '../runtime/runtime.js';
import type { Task } from '../runtime/task.js';
import { driverOf, type TimeDriver, type TimerEntry } from '../runtime/time/driver.js';
import { SuspendedDuringCancelError } from '../task/error.js';
import { Elapsed } from './error.js';
import type { Instant } from './instant.js';

function checkMs(ms: number): void {
  if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0) {
    throw new RangeError(`timeout: duration must be a number >= 0 ms, got ${String(ms)}`);
  }
}

/**
 * Runs `fut`; if it has not finished after `ms`, cancels it and throws
 * {@link Elapsed}. Before it throws, `fut`'s cleanup has finished: its
 * `finally` blocks, then its `defer`red cleanups (which kill the `killOnDrop`
 * children it spawned) — the same as for a losing `select` branch. When `fut`
 * finishes first, its timer is removed and its `defer`red cleanups run before
 * its value is returned. The deadline is fixed when `timeout`
 * is called; `fut` is polled first, so a future that is ready at once is never
 * timed out (as in Tokio).
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
 * Cancel safe if `fut` is: cancelling the timeout removes its timer and
 * cancels `fut` the same way the runtime would.
 *
 * ## Errors
 * `RangeError` for a negative or NaN duration; {@link Elapsed} on the deadline.
 */
export function timeout<T>(ms: number, fut: FutureLike<T>): Future<T> {
  checkMs(ms);
  const d = driverOf(currentScheduler());
  return new Timeout<T>(d, d.now() + ms, ms, fut);
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
export function timeoutAt<T>(deadline: Instant, fut: FutureLike<T>): Future<T> {
  return new Timeout<T>(driverOf(currentScheduler()), deadline.ms, deadline.ms, fut);
}

enum S {
  Init = 0,
  /** the inner future is suspended, the timer may be registered */
  Waiting = 1,
  /** the timer fired; the task was woken */
  Fired = 2,
  /** the inner leaf's cancel hook returned a Future, being driven */
  Draining = 3,
  /** the inner future ended; its deferred cleanups are being driven */
  Cleanup = 4,
  Done = 5,
}

/** The timeout leaf: iterator, timer entry and waiting record in one object. @internal */
// (TypeScript-`private` methods, not `#private` ones: those add a brand slot per instance)
class Timeout<T> implements Future<T>, Iterator<Suspend, T, unknown>, TimerEntry, Waiting {
  // TimerEntry fields (the driver links the entry into its wheel)
  when: number;
  pv: TimerEntry | null = null;
  nx: TimerEntry | null = null;
  slot = -1;
  #state = S.Init;
  readonly #driver: TimeDriver;
  /** shown in Elapsed's message */
  readonly #ms: number;
  #fut: FutureLike<T> | null;
  #inner: Iterator<Suspend, T, unknown> | null = null;
  /** what the inner future is parked on (its leaf), to cancel it */
  #innerWait: Waiting | null = null;
  #task: Task | null = null;
  /** the inner cancel hook's iterator while draining, then the cleanup iterator */
  #hook: Iterator<Suspend, unknown, unknown> | null = null;
  /** the inner future's `defer`red cleanups (its own frame, see the module doc) */
  #frame: Future<unknown>[] | null = null;
  /** what the timeout returns (ok) or throws once the cleanups ran */
  #ok = true;
  #result: unknown = undefined;

  constructor(driver: TimeDriver, deadline: number, ms: number, fut: FutureLike<T>) {
    this.#driver = driver;
    this.when = deadline;
    this.#ms = ms;
    this.#fut = fut;
  }

  [Symbol.iterator](): Iterator<Suspend, T, unknown> {
    if (this.#state !== S.Init || this.#inner !== null)
      throw new Error('tokio-ts: this timeout() future was already polled');
    return this;
  }

  next(): IteratorResult<Suspend, T> {
    const s = this.#state;
    if (s === S.Draining) return this.drain();
    if (s === S.Cleanup) return this.cleanup();
    if (s === S.Done) return { done: true, value: undefined as T };
    let inner = this.#inner;
    if (inner === null) {
      this.#task = currentTask();
      inner = toIterator(this.#fut!, 'timeout');
      this.#fut = null;
      this.#inner = inner;
    }
    const task = this.#task!;
    const saved = this.enterFrame(task);
    let r: IteratorResult<Suspend, T>;
    try {
      r = inner.next();
    } catch (err) {
      this.leaveFrame(task, saved);
      return this.settle(false, err);
    }
    this.leaveFrame(task, saved);
    return this.step(r);
  }

  throw(err: unknown): IteratorResult<Suspend, T> {
    const inner = this.#inner;
    const s = this.#state;
    if (s === S.Draining || s === S.Cleanup || inner === null || typeof inner.throw !== 'function')
      return this.settle(false, err);
    const task = this.#task!;
    const saved = this.enterFrame(task);
    let r: IteratorResult<Suspend, T>;
    try {
      r = inner.throw(err);
    } catch (e) {
      this.leaveFrame(task, saved);
      return this.settle(false, e);
    }
    this.leaveFrame(task, saved);
    return this.step(r);
  }

  /**
   * The task is being cancelled (after `cancelWait`): run the inner `finally`
   * blocks; the inner deferred cleanups join the task's, to run first.
   */
  return(value?: unknown): IteratorResult<Suspend, T> {
    this.finish();
    const inner = this.#inner;
    const task = this.#task;
    if (inner !== null && task !== null && typeof inner.return === 'function') {
      const saved = this.enterFrame(task);
      let r: IteratorResult<Suspend, T>;
      try {
        r = inner.return(value as T);
      } finally {
        this.leaveFrame(task, saved);
      }
      // a suspended inner finally goes to the runtime's return loop
      if (r.done !== true) return r;
    }
    this.#inner = null;
    const frame = this.#frame;
    if (task !== null && frame !== null && frame.length > 0) {
      this.#frame = null;
      const list = task.deferred ?? [];
      for (let i = 0; i < frame.length; i++) list.push(frame[i]!);
      task.deferred = list;
    }
    return { done: true, value: value as T };
  }

  /** Makes the inner future's cleanup frame the task's while it runs; returns the task's. */
  private enterFrame(task: Task): Future<unknown>[] | null {
    const saved = task.deferred;
    task.deferred = this.#frame;
    return saved;
  }

  private leaveFrame(task: Task, saved: Future<unknown>[] | null): void {
    this.#frame = task.deferred;
    task.deferred = saved;
  }

  /**
   * The inner future ended (returned, threw or timed out): drop the timer, run
   * its deferred cleanups, then return `value` (`ok`) or throw it.
   */
  private settle(ok: boolean, value: unknown): IteratorResult<Suspend, T> {
    this.finish();
    this.#inner = null;
    const frame = this.#frame;
    if (frame === null || frame.length === 0) {
      if (ok) return { done: true, value: value as T };
      throw value;
    }
    this.#frame = null;
    this.#ok = ok;
    this.#result = value;
    this.#hook = this.runFrame(frame);
    this.#state = S.Cleanup;
    return this.cleanup();
  }

  /** Drives the deferred cleanups; a cancel of the task lets the runtime finish them. */
  private cleanup(): IteratorResult<Suspend, T> {
    const r = this.#hook!.next();
    if (r.done !== true) {
      const task = this.#task!;
      this.#innerWait = task.waitingOn;
      task.waitingOn = this;
      return r as IteratorResult<Suspend, T>;
    }
    this.#hook = null;
    this.#state = S.Done;
    this.#innerWait = null;
    if (this.#ok) return { done: true, value: this.#result as T };
    throw this.#result;
  }

  /** As the runtime's deferred list: last registered first; an error replaces a result. */
  private *runFrame(frame: Future<unknown>[]): Generator<Suspend, void, unknown> {
    for (let f = frame.pop(); f !== undefined; f = frame.pop()) {
      try {
        yield* f;
      } catch (err) {
        if (this.#ok || this.#result instanceof Elapsed) {
          this.#ok = false;
          this.#result = err;
        } else {
          const task = this.#task!;
          task.sched.reportCleanupError(task, err);
        }
      }
    }
  }

  /** One result of the inner iterator, polled first as Tokio does. */
  private step(r: IteratorResult<Suspend, T>): IteratorResult<Suspend, T> {
    if (r.done === true) return this.settle(true, r.value);
    if (r.value !== SUSPEND) return r; // a bare `yield`: the runtime throws a TypeError in
    const task = this.#task!;
    this.#innerWait = task.waitingOn;
    if (this.#state === S.Init) {
      this.#state = S.Waiting;
      // a deadline that already passed is not inserted: time out at once
      if (this.when !== Number.POSITIVE_INFINITY && !this.#driver.insert(this))
        this.#state = S.Fired;
    }
    if (this.#state === S.Fired) return this.elapse();
    task.waitingOn = this;
    return SUSPENDED;
  }

  /** Deadline reached and the inner future is parked: cancel it, then throw. */
  private elapse(): IteratorResult<Suspend, T> {
    const task = this.#task!;
    this.#driver.remove(this);
    const w = this.#innerWait;
    this.#innerWait = null;
    task.waitingOn = null;
    if (w !== null) {
      const f = w.cancelWait();
      if (f !== undefined && f !== null) {
        this.#hook = toIterator(f, 'a cancel hook');
        this.#state = S.Draining;
        return this.drain();
      }
    }
    return this.returnInner();
  }

  /** Drives the inner cancel hook's Future, then returns the inner iterator. */
  private drain(): IteratorResult<Suspend, T> {
    const hook = this.#hook!;
    const r = hook.next();
    if (r.done !== true) {
      const task = this.#task!;
      this.#innerWait = task.waitingOn;
      task.waitingOn = this;
      return r;
    }
    this.#hook = null;
    return this.returnInner();
  }

  private returnInner(): IteratorResult<Suspend, T> {
    this.#state = S.Done;
    const inner = this.#inner!;
    this.#inner = null;
    let err: unknown = new Elapsed(this.#ms);
    if (typeof inner.return === 'function') {
      const task = this.#task!;
      const saved = this.enterFrame(task);
      try {
        returnLoop(task, inner);
      } catch (e) {
        err = e; // a finally block threw: that, not Elapsed, is the outcome
      } finally {
        this.leaveFrame(task, saved);
      }
    }
    return this.settle(false, err);
  }

  /** The inner future ended (or is being returned): drop the timer. */
  private finish(): void {
    this.#state = S.Done;
    this.#innerWait = null;
    this.#driver.remove(this);
  }

  /** Timer entry: the deadline passed. */
  fire(): void {
    if (this.#state !== S.Waiting) return;
    this.#state = S.Fired;
    this.#task!.wake();
  }

  /** Waiting: the task is cancelled while parked in the timeout. */
  cancelWait(): Future<unknown> | undefined | void {
    if (this.#state === S.Draining || this.#state === S.Cleanup) {
      // let the runtime drive the rest of the inner cancel hook, or of the
      // deferred cleanups (cleanup is not cancelled, as a task's is not)
      const hook = this.#hook!;
      this.#hook = null;
      this.#innerWait = null;
      return { [Symbol.iterator]: () => hook };
    }
    this.#driver.remove(this);
    const w = this.#innerWait;
    this.#innerWait = null;
    // stays Waiting/Fired until return(): fire() is then a no-op (entry removed)
    return w === null ? undefined : w.cancelWait();
  }

  describe(): string {
    const w = this.#innerWait;
    return `timeout(${w === null ? '' : w.describe()})`;
  }

  /** For task dumps: the inner leaf's subtasks (a select inside a timeout). */
  subtasks(): Task[] {
    const w = this.#innerWait as { subtasks?: () => Task[] } | null;
    return w !== null && typeof w.subtasks === 'function' ? w.subtasks() : [];
  }
}

/** Returns `inner`, never resuming a `finally` that suspends (as the runtime's cancel does). */
function returnLoop(task: Task, inner: Iterator<Suspend, unknown, unknown>): void {
  let r = inner.return!(undefined);
  let guard = 0;
  while (r.done !== true) {
    // A finally block suspended during cancellation: undo its registration
    // and finish the return without resuming it.
    const w = task.waitingOn;
    task.waitingOn = null;
    if (w !== null) {
      try {
        w.cancelWait();
      } catch {
        // abandoned leaf
      }
    }
    if (guard === 0)
      task.sched.reportCleanupError(task, new SuspendedDuringCancelError(task.id, task.name));
    if (++guard > 100_000) break;
    r = inner.return!(undefined);
  }
}
