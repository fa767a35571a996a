/**
 * The local face of a task that runs on another thread: a leaf future that a
 * *proxy task* on the spawning thread's scheduler parks on until the result
 * arrives. The proxy task is what `spawn(def, ...args)` returns a `JoinHandle`
 * to, so handles, `JoinSet`, `select`, `abort()`, dumps and shutdown work
 * unchanged; aborting the proxy forwards the abort and waits for the remote
 * task's cleanup before the handle reports cancellation.
 * @internal
 */
import type { Future, Suspend } from '../future/future.js';
import { currentTask, SUSPENDED, type Waiting } from '../runtime/context.js';
import type { NamesTask, Task } from '../runtime/task.js';

export const P_PENDING = 0;
export const P_OK = 1;
export const P_ERR = 2;
export const P_CANCELLED = 3;

/** Who can forward an abort for a {@link RemoteJoin}. @internal */
export interface RemoteOwner {
  abortRemote(leaf: RemoteJoin): void;
}

/** @internal */
export class RemoteJoin implements Iterator<Suspend, unknown, unknown>, Waiting, NamesTask {
  state = P_PENDING;
  value: unknown = undefined;
  waiter: Task | null = null;
  /** slot (multi-thread) or job id (blocking pool); -1 while in a backlog */
  g = -1;
  defId = 0;
  args: unknown[] | null;
  readonly owner: RemoteOwner;
  /** the task definition's name: the proxy task's name (see {@link NamesTask}) */
  readonly taskName: string;
  readonly #blocking: boolean;
  #cancelling = false;

  constructor(owner: RemoteOwner, args: unknown[], name: string, blocking: boolean) {
    this.owner = owner;
    this.args = args;
    this.taskName = name;
    this.#blocking = blocking;
  }

  /** What the proxy waits on (built on demand: no string per spawn). */
  get what(): string {
    return this.#blocking ? `blocking ${this.taskName}` : `task ${this.taskName} on a worker`;
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<Suspend, unknown> {
    const s = this.state;
    if (s === P_OK) return { done: true, value: this.value };
    if (s === P_ERR) throw this.value;
    const t = currentTask();
    if (s === P_CANCELLED && !this.#cancelling) {
      // the remote side cancelled the task (shutdown): complete the proxy as cancelled too
      this.#cancelling = true;
      t.sched.cancel(t);
    }
    this.waiter = t;
    t.waitingOn = this;
    return SUSPENDED;
  }

  return(value?: unknown): IteratorResult<Suspend, unknown> {
    return { done: true, value };
  }

  /** Delivers the outcome and wakes the proxy task. */
  finish(state: number, value: unknown): void {
    if (this.state !== P_PENDING) return;
    this.state = state;
    this.value = value;
    this.args = null;
    const w = this.waiter;
    if (w !== null) w.wake();
  }

  cancelWait(): Future<unknown> | undefined {
    if (this.state !== P_PENDING || this.#cancelling) return undefined;
    this.#cancelling = true;
    this.owner.abortRemote(this);
    if (this.state !== P_PENDING) return undefined;
    return new AbortWait(this);
  }

  describe(): string {
    return this.what;
  }
}

/** Parks the cancelling proxy until the remote task has finished its cleanup. */
class AbortWait implements Future<void>, Iterator<Suspend, void, unknown>, Waiting {
  readonly #leaf: RemoteJoin;
  constructor(leaf: RemoteJoin) {
    this.#leaf = leaf;
  }
  [Symbol.iterator](): this {
    return this;
  }
  next(): IteratorResult<Suspend, void> {
    if (this.#leaf.state !== P_PENDING) return { done: true, value: undefined };
    const t = currentTask();
    this.#leaf.waiter = t;
    t.waitingOn = this;
    return SUSPENDED;
  }
  cancelWait(): void {}
  describe(): string {
    return `${this.#leaf.what} (aborting)`;
  }
}
