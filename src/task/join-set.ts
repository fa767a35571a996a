/**
 * `JoinSet`: a collection of spawned tasks, joined in completion order.
 */
import type { Future, FutureLike, Suspend } from '../future/future.js';
import {
  coopProceed,
  ctx,
  currentTask,
  parkForBudget,
  SUSPENDED,
  type Waiting,
} from '../runtime/context.js';
import { RingBuffer } from '../runtime/ring-buffer.js';
import {
  currentScheduler,
  Handle,
  Runtime,
  type SpawnOptions,
  spawnName,
} from '../runtime/runtime.js';
import type { Scheduler } from '../runtime/scheduler.js';
import { Outcome, type Task } from '../runtime/task.js';
import type { JoinError, TaskId } from './error.js';
import { AbortHandle, joinErrorOf } from './join-handle.js';

/** The outcome of one task of a {@link JoinSet}. */
export type JoinResult<T> =
  | { ok: true; value: T; id: TaskId }
  | { ok: false; error: JoinError; id: TaskId };

/**
 * A set of tasks that are joined as they finish. Disposing of the set (or
 * `abortAll`) aborts every task in it; `shutdown` aborts and awaits them.
 *
 * ## Ownership: when the set aborts its tasks by itself
 * Rust drops a `JoinSet` — aborting its tasks — when its owner goes away. JS
 * has no drop, so a set belongs to a task instead:
 * - The task that creates it owns it (a `select`/`join` branch counts as its
 *   task). A set created outside any task is owned by the first task that
 *   spawns into it or waits on it.
 * - When the owner's future ends — returns, throws or is cancelled — the set
 *   aborts the tasks still running in it, even without `using`. (Aborted, not
 *   awaited, as Rust's drop; they stay in the set and can still be joined.)
 * - Ownership moves, as a Rust move does, to a task that waits on the set
 *   (`joinNext`, `joinAll`, `shutdown`): the set handed to a collector task
 *   lives as long as the collector. Spawning into a set does not move it.
 * - `disown()` makes the set belong to no task, for good: only `abortAll`,
 *   `shutdown` or `using` stop its tasks. Use it for a set shared by several
 *   tasks, or handed to a task that may first wait on it after its creator
 *   ended.
 *
 * So the common case — a set created and joined in one task — behaves as in
 * Rust: an aborted owner leaves no task of its set running.
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
  // A TaskObserver and OwnedByTask, structurally: `implements` would name internal
  // types in the shipped .d.ts (which must compile with skipLibCheck: false).
  readonly #running = new Set<Task>();
  readonly #done = new RingBuffer<Task>(8);
  #waiter: JoinNextLeaf<T> | null = null;
  /** the task that owns the set (see "Ownership"); registered in its `owned` while tasks run */
  #owner: Task | null = null;
  #disowned = false;

  /** An empty set, owned by the current task (see "Ownership"). */
  constructor() {
    const cur = ctx.current;
    if (cur !== null) this.#owner = rootOf(cur);
  }

  /**
   * A set running one task per future of `futures` (Tokio's
   * `JoinSet: FromIterator`).
   *
   * @example
   * ```ts
   * import { main, sleep } from 'tokio-ts';
   * import { JoinSet } from 'tokio-ts/task';
   *
   * main(function* () {
   *   const set = JoinSet.from([1, 2, 3].map((n) => function* () { yield* sleep(n); return n * 10; }));
   *   console.log((yield* set.joinAll()).length); // 3
   * });
   * ```
   */
  static from<T>(futures: Iterable<FutureLike<T>>): JoinSet<T> {
    if (
      futures === null ||
      typeof (futures as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function'
    )
      throw new TypeError('JoinSet.from(futures): futures must be iterable');
    const set = new JoinSet<T>();
    for (const f of futures) set.spawn(f);
    return set;
  }

  /**
   * Spawns `fut` into the set; returns a handle that can abort it.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { JoinSet } from 'tokio-ts/task';
   *
   * main(function* () {
   *   const set = new JoinSet<string>();
   *   const h = set.spawn(function* () { return 'done'; });
   *   console.log(typeof h.id, (yield* set.joinNext())?.ok); // number true
   * });
   * ```
   */
  spawn(fut: FutureLike<T>, opts?: SpawnOptions): AbortHandle {
    return this.#add(currentScheduler(), fut, spawnName(opts, 'JoinSet.spawn'));
  }

  /**
   * Spawns `fut` into the set on the runtime of `handle` (a {@link Handle} or
   * a {@link Runtime}), as Tokio's `JoinSet::spawn_on`.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { Runtime } from 'tokio-ts/runtime';
   * import { JoinSet } from 'tokio-ts/task';
   *
   * main(function* () {
   *   const other = Runtime.builder().build();
   *   const set = new JoinSet<boolean>();
   *   set.spawnOn(function* () { return Runtime.current() === other; }, other.handle());
   *   const r = yield* set.joinNext();
   *   console.log(r?.ok && r.value); // true
   * });
   * ```
   */
  spawnOn(fut: FutureLike<T>, handle: Handle | Runtime, opts?: SpawnOptions): AbortHandle {
    const rt = handle instanceof Handle ? handle.runtime : handle;
    if (!(rt instanceof Runtime))
      throw new TypeError('JoinSet.spawnOn(fut, handle): handle must be a Handle or a Runtime');
    return this.#add(rt.sched, fut, spawnName(opts, 'JoinSet.spawnOn'));
  }

  #add(sched: Scheduler, fut: FutureLike<T>, name: string | undefined): AbortHandle {
    const task = sched.spawn(fut, name, this);
    const running = this.#running;
    running.add(task);
    if (this.#owner === null) {
      const cur = ctx.current;
      if (cur !== null && !this.#disowned) this.#owner = rootOf(cur);
    }
    if (running.size === 1) this.#register();
    return new AbortHandle(task);
  }

  /**
   * Number of tasks in the set not yet joined, running or finished (Tokio's
   * `len()`): a finished task counts until `joinNext` or `tryJoinNext` takes
   * its result. {@link runningCount} counts only those still running.
   */
  get size(): number {
    return this.#running.size + this.#done.length;
  }

  /**
   * Number of tasks of the set still running (not finished), e.g. the
   * connections a server is serving, whatever has not been joined yet.
   *
   * @example
   * ```ts
   * import { main, yieldNow } from 'tokio-ts';
   * import { pending } from 'tokio-ts/future';
   * import { JoinSet } from 'tokio-ts/task';
   *
   * main(function* () {
   *   const set = new JoinSet<void>();
   *   set.spawn(function* () {});
   *   set.spawn(pending<void>());
   *   yield* yieldNow();
   *   console.log(set.size, set.runningCount()); // 2 1
   *   set.abortAll();
   * });
   * ```
   */
  runningCount(): number {
    return this.#running.size;
  }

  /**
   * Makes the set belong to no task, for good (see "Ownership"): it no longer
   * aborts its tasks when a task ends; `abortAll`, `shutdown` or `using` still do.
   *
   * @example
   * ```ts
   * import { main, spawn, sleep } from 'tokio-ts';
   * import { JoinSet } from 'tokio-ts/task';
   *
   * main(function* () {
   *   const set = new JoinSet<number>();
   *   yield* spawn(function* () {
   *     set.disown(); // the tasks outlive this short-lived task
   *     set.spawn(function* () { yield* sleep(10); return 1; });
   *   });
   *   console.log(yield* set.joinAll()); // [ 1 ]
   * });
   * ```
   */
  disown(): void {
    this.#unregister();
    this.#owner = null;
    this.#disowned = true;
  }

  /** The task that waits on the set takes it over (see "Ownership"). @internal */
  claim(task: Task): void {
    if (this.#disowned) return;
    const root = rootOf(task);
    if (root === this.#owner) return;
    this.#unregister();
    this.#owner = root;
    if (this.#running.size > 0) this.#register();
  }

  /** @internal */
  ownerEnded(task: Task): void {
    if (task !== this.#owner) return; // moved meanwhile
    this.#owner = null;
    this.abortAll();
  }

  #register(): void {
    const o = this.#owner;
    if (o === null) return;
    let owned = o.owned;
    if (owned === null) {
      owned = new Set();
      o.owned = owned;
    }
    owned.add(this);
  }

  #unregister(): void {
    const o = this.#owner;
    if (o !== null) o.owned?.delete(this);
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
    this.#unregister();
    this.#running.clear();
    this.#done.clear();
  }

  [Symbol.dispose](): void {
    this.abortAll();
  }

  /** @internal */
  taskDone(task: Task): void {
    if (!this.#running.delete(task)) return;
    if (this.#running.size === 0) this.#unregister(); // nothing left to abort
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
  setWaiter(w: JoinNextLeaf<T> | null): void {
    this.#waiter = w;
  }

  /** @internal */
  isWaiter(w: JoinNextLeaf<T>): boolean {
    return this.#waiter === w;
  }
}

/** The task a set used in `task` belongs to: a combinator branch's is its parent's. */
function rootOf(task: Task): Task {
  let t = task;
  while (t.branch && t.parent !== null) t = t.parent;
  return t;
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
    if (!this.#parked) {
      set.claim(currentTask()); // the task that waits on the set owns it
      if (!coopProceed()) {
        this.#parked = true;
        return parkForBudget(this);
      }
    }
    const t = set.take();
    if (t !== undefined) {
      if (set.isWaiter(this)) set.setWaiter(null);
      return { done: true, value: resultOf<T>(t) };
    }
    if (set.runningCount() === 0) return { done: true, value: undefined };
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
