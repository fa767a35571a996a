/**
 * `JoinHandle<T>`: the owned handle of a spawned task. It is a Future (join it
 * with `yield*` inside a task) and a PromiseLike (`await` it from plain async
 * code). Dropping it detaches the task, as in Tokio.
 */
import type { Future, Suspend } from '../future/future.js';
import {
  coopProceed,
  ctx,
  currentTask,
  parkForBudget,
  SUSPENDED,
  type Waiting,
} from '../runtime/context.js';
import { LinkedList } from '../runtime/linked-list.js';
import type { JoinWaiter, Task } from '../runtime/task.js';
import { Outcome, State } from '../runtime/task-state.js';
import { JoinError, type TaskId } from './error.js';

/**
 * The handle of a spawned task.
 *
 * @example
 * ```ts
 * import { spawn, main } from 'tokio-ts';
 *
 * main(function* () {
 *   const h = spawn(function* () { return 40 + 2; });
 *   console.log(yield* h); // 42
 * });
 * ```
 *
 * ## Cancel safety
 * Joining (`yield* handle`) is cancel safe: cancelling the joiner leaves the
 * task running and the handle joinable again.
 *
 * ## Errors
 * Joining throws {@link JoinError} if the task was cancelled or threw.
 */
export class JoinHandle<T> implements Future<T>, PromiseLike<T> {
  // The handle is its task's record (`Task` extends this class and `spawn`
  // returns the task itself): no object of its own per spawn. Its methods
  // read the record through `taskOf(this)`.

  /** The task's id. */
  declare readonly id: TaskId;

  /** @internal */
  protected constructor() {}

  /**
   * Cancels the task at its next suspension point: what it was granted but did
   * not take (a message, a permit) goes back, its `finally` blocks run, the
   * tasks of the `JoinSet`s it owns are aborted, its `defer`red cleanups run
   * (which kill its `killOnDrop` child processes), and joining it then throws
   * a cancelled `JoinError`. Nothing else closes: JS has no drop, so a socket
   * or file the task opened stays open unless one of those closes it (`using`
   * or `finally`). Aborting a finished task changes nothing.
   */
  abort(): void {
    const task = taskOf(this);
    task.sched.cancel(task);
  }

  /** True once the task has completed (including its cleanup). */
  isFinished(): boolean {
    return taskOf(this).state === State.Done;
  }

  /** A handle that can abort the task but not join it. */
  abortHandle(): AbortHandle {
    return new AbortHandle(taskOf(this));
  }

  /**
   * This handle as an {@link AbortOnDropHandle}: joinable the same way, and
   * aborting the task when it is disposed (`using`) or closed — the task
   * then cannot outlive the scope that holds it (tokio-util's
   * `AbortOnDropHandle`).
   *
   * @example
   * ```ts
   * import { main, spawn } from 'tokio-ts';
   * import { pending } from 'tokio-ts/future';
   * import type { JoinError } from 'tokio-ts/task';
   *
   * main(function* () {
   *   const h = spawn(pending<void>());
   *   {
   *     using _guard = h.abortOnDrop();
   *   } // the task is aborted here
   *   try {
   *     yield* h;
   *   } catch (e) {
   *     console.log((e as JoinError).isCancelled()); // true
   *   }
   * });
   * ```
   */
  abortOnDrop(): AbortOnDropHandle<T> {
    return new AbortOnDropHandle<T>(taskOf(this));
  }

  // One join at a time goes through the handle itself (`joining`), so a
  // spawn+join whose task is finished or runs inline allocates no leaf; one
  // that must wait parks on a leaf registered as the task's joiner
  // (`joinParked`: the leaf is found there, no field of its own); a second
  // join at the same time gets a leaf of its own.
  [Symbol.iterator](): Iterator<Suspend, T, unknown> {
    const task = taskOf(this);
    if (task.joining) return new JoinLeaf<T>(task);
    task.joining = true;
    return this as unknown as Iterator<Suspend, T, unknown>;
  }

  /** The join through the handle itself. @internal */
  next(): IteratorResult<Suspend, T> {
    const task = taskOf(this);
    if (task.joinParked) {
      if (task.state === State.Done) {
        task.joinParked = false;
        task.joining = false;
        return joinResult<T>(task);
      }
      // woken before the task finished: wait on, still registered
      return ((task.joinLeaf ?? task.joiner) as JoinLeaf<T>).next();
    }
    if (task.state === State.Done ? coopProceed() : tryInline(task)) {
      task.joining = false;
      return joinResult<T>(task);
    }
    // out of budget: the next step starts over (no leaf kept)
    if (task.state === State.Done) return parkForBudget(new JoinLeaf<T>(task));
    const l = new JoinLeaf<T>(task);
    const r = l.park();
    task.joinParked = true;
    if (task.joiner !== l) task.joinLeaf = l;
    return r;
  }

  /** The join was abandoned (its task cancelled): the handle is joinable again. @internal */
  return(value?: unknown): IteratorResult<Suspend, T> {
    const task = taskOf(this);
    task.joinParked = false;
    task.joining = false;
    return { done: true, value: value as T };
  }

  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return (taskPromise(taskOf(this)) as Promise<T>).then(onfulfilled, onrejected);
  }
}

/**
 * Aborts a task without owning its result; any number may exist.
 *
 * @example
 * ```ts
 * import { spawn, pending } from 'tokio-ts';
 *
 * const ah = spawn(pending()).abortHandle();
 * ah.abort();
 * ```
 */
export class AbortHandle {
  readonly #task: Task;

  /** @internal */
  constructor(task: Task) {
    this.#task = task;
  }

  get id(): TaskId {
    return this.#task.id;
  }

  /** See {@link JoinHandle.abort}. */
  abort(): void {
    this.#task.sched.cancel(this.#task);
  }

  isFinished(): boolean {
    return this.#task.state === State.Done;
  }
}

/**
 * A task handle that aborts the task when disposed (`using`) or closed
 * (tokio-util's `AbortOnDropHandle`); otherwise a {@link JoinHandle}: join
 * it with `yield*` or `await`. Made by `handle.abortOnDrop()`.
 *
 * @example
 * ```ts
 * import { main, spawn } from 'tokio-ts';
 * import { sleep } from 'tokio-ts/time';
 *
 * main(function* () {
 *   using h = spawn(function* () { yield* sleep(10); return 'done'; }).abortOnDrop();
 *   console.log(yield* h); // done
 * });
 * ```
 *
 * ## Cancel safety
 * Joining is cancel safe, as for `JoinHandle`; a task cancelled while it
 * holds the handle in a `using` declaration aborts the task (disposal runs
 * in its cleanup).
 */
export class AbortOnDropHandle<T> extends AbortHandle implements Future<T>, PromiseLike<T> {
  readonly #task: Task;

  /** @internal */
  constructor(task: Task) {
    super(task);
    this.#task = task;
  }

  /** A handle that can abort the task but not join it. */
  abortHandle(): AbortHandle {
    return new AbortHandle(this.#task);
  }

  /** Aborts the task, as dropping the handle does in Rust. */
  close(): void {
    this.abort();
  }

  /** Same as {@link close}. */
  [Symbol.dispose](): void {
    this.abort();
  }

  [Symbol.iterator](): Iterator<Suspend, T, unknown> {
    return new JoinLeaf<T>(this.#task);
  }

  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return (taskPromise(this.#task) as Promise<T>).then(onfulfilled, onrejected);
  }
}

/** The task's outcome as a promise (rejects with JoinError), created lazily. @internal */
export function taskPromise(task: Task): Promise<unknown> {
  if (task.promise === null) {
    if (task.state === State.Done) {
      task.observed = true;
      task.promise =
        task.outcome === Outcome.Ok
          ? Promise.resolve(task.result)
          : Promise.reject(joinErrorOf(task));
    } else {
      task.promise = new Promise((resolve, reject) => {
        task.settle = (ok, v) => (ok ? resolve(v) : reject(v));
      });
    }
  }
  return task.promise;
}

/** The task record a handle is (see `JoinHandle`). */
function taskOf(h: JoinHandle<unknown>): Task {
  return h as unknown as Task;
}

/** A task's handle: the task record itself. @internal */
export function handleOf<T>(task: Task): JoinHandle<T> {
  return task as unknown as JoinHandle<T>;
}

/** The JoinError for a finished, unsuccessful task (created once). @internal */
export function joinErrorOf(task: Task): JoinError {
  if (task.joinError === null) {
    task.joinError =
      task.outcome === Outcome.Cancelled
        ? new JoinError('cancelled', task.id, task.cancelError ?? undefined)
        : new JoinError('failed', task.id, task.result);
  }
  return task.joinError as JoinError;
}

/** How deep joins run their task inline (a recursion of spawn+join must not grow the stack without bound). */
const MAX_INLINE_DEPTH = 8;
let inlineDepth = 0;

/**
 * The result of every successful join, reused: `yield*` (and the scheduler,
 * and the combinators) read `done` and `value` the moment `next()` returns,
 * and a fresh object was ~10 % of what a spawn+join allocated. It holds the
 * last joined value until the next join or until the runtime runs out of
 * work ({@link releaseJoined}).
 */
const JOINED: { done: true; value: unknown } = { done: true, value: undefined };

/** Drops the last joined value (the scheduler, when its run queue empties). @internal */
export function releaseJoined(): void {
  JOINED.value = undefined;
}

/** The outcome of a finished task, for its joiner. */
function joinResult<T>(task: Task): IteratorResult<Suspend, T> {
  task.observed = true;
  if (task.outcome === Outcome.Ok) {
    JOINED.value = task.result;
    return JOINED as IteratorReturnResult<T>;
  }
  throw joinErrorOf(task);
}

/**
 * Runs the not yet finished `task` now, nested in the joiner's poll, when it
 * is the only task ready to run: the joiner would just wait for it, and the
 * order of tasks is what parking would give (nothing else is queued), without
 * the park and wake of the joiner when the task completes at once. Returns
 * true if the task finished. Throws if the joiner is the task itself.
 */
function tryInline(task: Task): boolean {
  const me = currentTask();
  if (me === task) throw new Error(`tokio-ts: task ${task.id} tried to join itself (deadlock)`);
  const sched = task.sched;
  if (
    task.state !== State.Scheduled ||
    sched !== me.sched ||
    me.parent !== null || // not inside select/join: a branch's readiness stays as it was
    inlineDepth >= MAX_INLINE_DEPTH ||
    !sched.isSole(task) ||
    !coopProceed() // an inline join spends budget: a spawn+join loop still yields
  )
    return false;
  sched.takeSole(task);
  const wasObserved = task.observed;
  task.observed = true; // joined: its failure is reported to the joiner, not as unhandled
  inlineDepth++;
  try {
    sched.pollInline(task);
  } finally {
    inlineDepth--;
  }
  if ((task.state as State) === State.Done) return true;
  task.observed = wasObserved;
  return false;
}

/** The leaf a task parks on while joining another. */
class JoinLeaf<T> implements Iterator<Suspend, T, unknown>, Waiting, JoinWaiter {
  readonly #task: Task;
  #waiter: Task | null = null;
  pv: JoinWaiter | null = null;
  nx: JoinWaiter | null = null;
  list: LinkedList<any> | null = null;

  constructor(task: Task) {
    this.#task = task;
  }

  next(): IteratorResult<Suspend, T> {
    const task = this.#task;
    if (task.state === State.Done) {
      if (this.#waiter === null && !coopProceed()) return parkForBudget(this);
      return joinResult<T>(task);
    }
    const w = this.#waiter;
    if (w === null) return tryInline(task) ? joinResult<T>(task) : this.park();
    w.waitingOn = this; // woken before the task finished
    return SUSPENDED;
  }

  /** Registers the current task as a joiner and suspends it. */
  park(): IteratorResult<Suspend, T> {
    const task = this.#task;
    const me = ctx.current!;
    this.#waiter = me;
    if (task.joiner === null) task.joiner = this;
    else {
      if (task.joiners === null) task.joiners = new LinkedList<JoinWaiter>();
      task.joiners.push(this);
    }
    me.waitingOn = this;
    return SUSPENDED;
  }

  return(value?: unknown): IteratorResult<Suspend, T> {
    return { done: true, value: value as T };
  }

  taskFinished(): void {
    this.#waiter?.wake();
  }

  cancelWait(): void {
    const task = this.#task;
    if (task.joiner === this) task.joiner = null;
    else task.joiners?.remove(this);
  }

  describe(): string {
    return `join task ${this.#task.id}`;
  }
}
