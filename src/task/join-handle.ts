/**
 * `JoinHandle<T>`: the owned handle of a spawned task. It is a Future (join it
 * with `yield*` inside a task) and a PromiseLike (`await` it from plain async
 * code). Dropping it detaches the task, as in Tokio.
 */
import type { Future, Suspend } from '../future/future.js';
import {
  coopProceed,
  currentTask,
  parkForBudget,
  SUSPENDED,
  type Waiting,
} from '../runtime/context.js';
import { LinkedList } from '../runtime/linked-list.js';
import { joinErrorOf } from '../runtime/scheduler.js';
import { type JoinWaiter, Outcome, State, type Task } from '../runtime/task.js';
import type { TaskId } from './error.js';

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
  /** @internal */
  readonly task: Task;

  /** @internal */
  constructor(task: Task) {
    this.task = task;
  }

  /** The task's id. */
  get id(): TaskId {
    return this.task.id;
  }

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
    this.task.sched.cancel(this.task);
  }

  /** True once the task has completed (including its cleanup). */
  isFinished(): boolean {
    return this.task.state === State.Done;
  }

  /** A handle that can abort the task but not join it. */
  abortHandle(): AbortHandle {
    return new AbortHandle(this.task);
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
    return new AbortOnDropHandle<T>(this.task);
  }

  [Symbol.iterator](): Iterator<Suspend, T, unknown> {
    return new JoinLeaf<T>(this.task);
  }

  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return (taskPromise(this.task) as Promise<T>).then(onfulfilled, onrejected);
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
export class AbortOnDropHandle<T> implements Future<T>, PromiseLike<T> {
  readonly #task: Task;

  /** @internal */
  constructor(task: Task) {
    this.#task = task;
  }

  /** The task's id. */
  get id(): TaskId {
    return this.#task.id;
  }

  /** Aborts the task (see `JoinHandle.abort`). */
  abort(): void {
    this.#task.sched.cancel(this.#task);
  }

  /** True once the task has completed (including its cleanup). */
  isFinished(): boolean {
    return this.#task.state === State.Done;
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

/** The leaf a task parks on while joining another. */
/** How deep joins run their task inline (a recursion of spawn+join must not grow the stack without bound). */
const MAX_INLINE_DEPTH = 8;
let inlineDepth = 0;

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
      task.observed = true;
      if (task.outcome === Outcome.Ok) return { done: true, value: task.result as T };
      throw joinErrorOf(task);
    }
    const me = currentTask();
    if (me === task) throw new Error(`tokio-ts: task ${task.id} tried to join itself (deadlock)`);
    if (
      this.#waiter === null &&
      task.state === State.Scheduled &&
      task.sched === me.sched &&
      me.parent === null && // not inside select/join: a branch's readiness stays as it was
      task.sched.queueDepth === 1 &&
      inlineDepth < MAX_INLINE_DEPTH &&
      !task.sched.shuffled &&
      coopProceed() // an inline join spends budget: a spawn+join loop still yields
    ) {
      // The joined task is the only one ready to run, and the joiner would
      // just wait for it: run it now, nested in this poll. The order of tasks
      // is what parking would give (nothing else is queued), without the park
      // and wake of the joiner when the task completes at once.
      const wasObserved = task.observed;
      task.observed = true; // joined: its failure is reported to the joiner, not as unhandled
      inlineDepth++;
      try {
        task.sched.pollNow(task);
      } finally {
        inlineDepth--;
      }
      if ((task.state as State) !== State.Done) task.observed = wasObserved;
      // (pollNow changed the state: TypeScript cannot see it.)
      if ((task.state as State) === State.Done) {
        task.observed = true;
        if (task.outcome === Outcome.Ok) return { done: true, value: task.result as T };
        throw joinErrorOf(task);
      }
    }
    if (this.#waiter === null) {
      this.#waiter = me;
      if (task.joiner === null) task.joiner = this;
      else {
        if (task.joiners === null) task.joiners = new LinkedList<JoinWaiter>();
        task.joiners.push(this);
      }
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
