/**
 * `JoinSet`: a collection of spawned tasks, joined in completion order.
 */
import type { Future, FutureLike, Suspend } from '../future/future.js';
import {
  coopProceed,
  currentTask,
  parkForBudget,
  SUSPENDED,
  type Waiting,
} from '../runtime/context.js';
import { RingBuffer } from '../runtime/ring-buffer.js';
import { currentScheduler, type SpawnOptions, spawnName } from '../runtime/runtime.js';
import { joinErrorOf } from '../runtime/scheduler.js';
import { Outcome, type Task } from '../runtime/task.js';
import type { JoinError, TaskId } from './error.js';
import { AbortHandle } from './join-handle.js';

/** The outcome of one task of a {@link JoinSet}. */
export type JoinResult<T> =
  | { ok: true; value: T; id: TaskId }
  | { ok: false; error: JoinError; id: TaskId };

/**
 * A set of tasks that are joined as they finish. Disposing of the set (or
 * `abortAll`) aborts every task in it; `shutdown` aborts and awaits them.
 *
 * @example
 * ```ts
 * import { main, sleep } from 'tokio-ts';
 * import { JoinSet } from 'tokio-ts/task';
 *
 * main(function* () {
 *   const set = new JoinSet<number>();
 *   for (const ms of [30, 10, 20]) set.spawn(function* () { yield* sleep(ms); return ms; });
 *   for (let r = yield* set.joinNext(); r !== undefined; r = yield* set.joinNext()) {
 *     if (r.ok) console.log(r.value); // 10, 20, 30
 *   }
 * });
 * ```
 */
export class JoinSet<T> {
  // A TaskObserver, structurally: `implements` would name an internal type in the shipped .d.ts.
  readonly #running = new Set<Task>();
  readonly #done = new RingBuffer<Task>(8);
  #waiter: JoinNextLeaf<T> | null = null;

  /** Spawns `fut` into the set; returns a handle that can abort it. */
  spawn(fut: FutureLike<T>, opts?: SpawnOptions): AbortHandle {
    const task = currentScheduler().spawn(fut, spawnName(opts, 'JoinSet.spawn'), this);
    this.#running.add(task);
    return new AbortHandle(task);
  }

  /** Number of tasks in the set, finished or not, not yet joined. */
  get size(): number {
    return this.#running.size + this.#done.length;
  }

  isEmpty(): boolean {
    return this.size === 0;
  }

  /**
   * Waits for the next task to finish and returns its result; `undefined` when
   * the set is empty.
   *
   * ## Cancel safety
   * Cancel safe: a result is taken out of the set only when the caller resumes.
   */
  joinNext(): Future<JoinResult<T> | undefined> {
    return { [Symbol.iterator]: () => new JoinNextLeaf<T>(this) };
  }

  /** The result of a finished task, if any, without waiting. */
  tryJoinNext(): JoinResult<T> | undefined {
    const t = this.#done.shift();
    return t === undefined ? undefined : resultOf<T>(t);
  }

  /**
   * Waits for every task and returns their values in completion order. On the
   * first failure, aborts the rest, waits for them, and throws its `JoinError`.
   *
   * ## Cancel safety
   * Not cancel safe: results collected so far are lost if it is cancelled.
   */
  *joinAll(): Generator<Suspend, T[], unknown> {
    const out: T[] = [];
    for (let r = yield* this.joinNext(); r !== undefined; r = yield* this.joinNext()) {
      if (!r.ok) {
        yield* this.shutdown();
        throw r.error;
      }
      out.push(r.value);
    }
    return out;
  }

  /** Aborts every task; they stay in the set until joined. */
  abortAll(): void {
    for (const t of this.#running) t.sched.cancel(t);
  }

  /**
   * Aborts every task and waits for all of them to finish, discarding results.
   *
   * ## Cancel safety
   * Cancel safe: the tasks stay aborted; call it again to finish waiting.
   */
  *shutdown(): Generator<Suspend, void, unknown> {
    this.abortAll();
    while ((yield* this.joinNext()) !== undefined) {
      // discard
    }
  }

  /** Removes every task from the set without aborting them (they run detached). */
  detachAll(): void {
    for (const t of this.#running) t.observer = null;
    this.#running.clear();
    this.#done.clear();
  }

  [Symbol.dispose](): void {
    this.abortAll();
  }

  /** @internal */
  taskDone(task: Task): void {
    if (!this.#running.delete(task)) return;
    this.#done.push(task);
    const w = this.#waiter;
    if (w !== null) {
      this.#waiter = null;
      w.wakeUp();
    }
  }

  /** @internal */
  take(): Task | undefined {
    return this.#done.shift();
  }

  /** @internal */
  get runningCount(): number {
    return this.#running.size;
  }

  /** @internal */
  setWaiter(w: JoinNextLeaf<T> | null): void {
    this.#waiter = w;
  }

  /** @internal */
  isWaiter(w: JoinNextLeaf<T>): boolean {
    return this.#waiter === w;
  }
}

function resultOf<T>(t: Task): JoinResult<T> {
  return t.outcome === Outcome.Ok
    ? { ok: true, value: t.result as T, id: t.id }
    : { ok: false, error: joinErrorOf(t), id: t.id };
}

class JoinNextLeaf<T> implements Iterator<Suspend, JoinResult<T> | undefined, unknown>, Waiting {
  readonly #set: JoinSet<T>;
  #task: Task | null = null;
  #parked = false;

  constructor(set: JoinSet<T>) {
    this.#set = set;
  }

  next(): IteratorResult<Suspend, JoinResult<T> | undefined> {
    const set = this.#set;
    if (!this.#parked && !coopProceed()) {
      this.#parked = true;
      return parkForBudget(this);
    }
    const t = set.take();
    if (t !== undefined) {
      if (set.isWaiter(this)) set.setWaiter(null);
      return { done: true, value: resultOf<T>(t) };
    }
    if (set.runningCount === 0) return { done: true, value: undefined };
    this.#parked = true;
    this.#task = currentTask();
    this.#task.waitingOn = this;
    set.setWaiter(this);
    return SUSPENDED;
  }

  wakeUp(): void {
    this.#task?.wake();
  }

  cancelWait(): void {
    if (this.#set.isWaiter(this)) this.#set.setWaiter(null);
  }

  describe(): string {
    return `JoinSet.joinNext (${this.#set.size} tasks)`;
  }
}
