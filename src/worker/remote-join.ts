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
import { errorData, RemoteError } from './error.js';
import { jsonSafe, PAYLOAD_BYTES } from './shared.js';

export const P_PENDING = 0;
export const P_OK = 1;
export const P_ERR = 2;
export const P_CANCELLED = 3;
/** running inside its proxy task: `value` is the child's iterator (see {@link RemoteJoin.runHere}) */
export const P_LOCAL = 4;

// RemoteJoin.#f: the state (P_*) in bits 0-2, then the flags, then the
// definition id (one field instead of five: 8 bytes each per task in flight)
const STATE_MASK = 7;
const F_BLOCKING = 8;
const F_CANCELLING = 16;
/** `argv` is the only argument itself, not an array (`spawn(def, x)`: no array per task) */
const F_ONE = 32;
const DEF_SHIFT = 6;
const LOW_MASK = (1 << DEF_SHIFT) - 1;

/**
 * The result object of a proxy whose task returned a primitive: shared, since
 * the scheduler reads `value` at once and a primitive holds nothing alive
 * (one object fewer per remote task).
 */
const DONE_PRIMITIVE: { done: true; value: unknown } = { done: true, value: undefined };

/** Who can forward an abort for a {@link RemoteJoin}. @internal */
export interface RemoteOwner {
  abortRemote(leaf: RemoteJoin): void;
  /** The name of `leaf`'s task definition (not stored in every leaf). */
  nameOf(leaf: RemoteJoin): string;
  /** A child run in its proxy task (see {@link RemoteJoin.runHere}) ended: free its slot. */
  localEnded?(leaf: RemoteJoin): void;
}

/** @internal */
export class RemoteJoin implements Iterator<Suspend, unknown, unknown>, Waiting, NamesTask {
  /**
   * While pending: the arguments ({@link argv}); then the result, the error,
   * or (P_LOCAL) the child's iterator. One field for both: the arguments are
   * never needed once there is an outcome.
   */
  value: unknown;
  waiter: Task | null = null;
  /** slot (multi-thread) or job id (blocking pool); -1 while in a backlog */
  g = -1;
  readonly owner: RemoteOwner;
  /** state | F_BLOCKING | F_CANCELLING | F_ONE | defId << DEF_SHIFT (see above) */
  #f: number;

  /** `args` null: the task's only argument is `a0` (no array made for it). */
  constructor(owner: RemoteOwner, args: unknown[] | null, a0: unknown, blocking: boolean) {
    this.owner = owner;
    this.value = args === null ? a0 : args;
    this.#f = (blocking ? F_BLOCKING : 0) | (args === null ? F_ONE : 0);
  }

  /**
   * The task definition's name: the proxy task's name (see {@link NamesTask}),
   * asked of the owner (one field fewer per task in flight).
   */
  get taskName(): string {
    return this.owner.nameOf(this);
  }

  /**
   * The arguments until they are handed over (then null), read and written
   * only while pending: an array, or with {@link RemoteJoin.one} the only
   * argument itself. See {@link argList}.
   */
  get argv(): unknown {
    return this.value;
  }
  set argv(v: unknown) {
    this.value = v;
  }

  /** P_PENDING, P_OK, P_ERR, P_CANCELLED or P_LOCAL. */
  get state(): number {
    return this.#f & STATE_MASK;
  }
  set state(v: number) {
    this.#f = (this.#f & ~STATE_MASK) | v;
  }

  /** The task definition's id in the shared table (multi-thread leaves). */
  get defId(): number {
    return this.#f >>> DEF_SHIFT;
  }
  set defId(v: number) {
    this.#f = (this.#f & LOW_MASK) | (v << DEF_SHIFT);
  }

  /** True while `argv` is the only argument itself rather than an array. */
  get one(): boolean {
    return (this.#f & F_ONE) !== 0;
  }

  /** The arguments as an array (made now for a one-argument task). */
  argList(): unknown[] {
    if ((this.#f & F_ONE) !== 0) {
      this.#f &= ~F_ONE;
      this.argv = [this.argv];
    }
    return this.argv as unknown[];
  }

  /** What the proxy waits on (built on demand: no string per spawn). */
  get what(): string {
    return (this.#f & F_BLOCKING) !== 0
      ? `blocking ${this.taskName}`
      : `task ${this.taskName} on a worker`;
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<Suspend, unknown> {
    // the child running here (see runHere) is the hot case: kept small
    if (this.state !== P_LOCAL) return this.#notLocal();
    let r: IteratorResult<Suspend, unknown>;
    try {
      r = (this.value as Iterator<Suspend>).next();
    } catch (e) {
      this.#ended(P_ERR);
      throw new RemoteError(errorData(e));
    }
    return r.done === true ? this.#returned(r, 0) : r;
  }

  /** {@link next} while the task is not running here: an outcome, or park the proxy. */
  #notLocal(): IteratorResult<Suspend, unknown> {
    const s = this.state;
    if (s === P_OK) {
      const v = this.value;
      if ((typeof v !== 'object' && typeof v !== 'function') || v === null) {
        DONE_PRIMITIVE.value = v;
        return DONE_PRIMITIVE;
      }
      return { done: true, value: v };
    }
    if (s === P_ERR) throw this.value;
    const t = currentTask();
    if (s === P_CANCELLED && (this.#f & F_CANCELLING) === 0) {
      // the remote side cancelled the task (shutdown): complete the proxy as cancelled too
      this.#f |= F_CANCELLING;
      t.sched.cancel(t);
    }
    this.waiter = t;
    t.waitingOn = this;
    return SUSPENDED;
  }

  /**
   * Runs the child in this proxy task from now on: used when the spawning
   * worker claimed the child's descriptor itself (no other worker stole it).
   * The leaf then *delegates* to the child's iterator, so the proxy task is
   * the child, instead of a second task whose result travels back through
   * the slot: that halves the tasks and drops the argument decode, runner
   * record and result hand-over of every fork-join child that stays on its
   * thread (most of them). Errors and results are converted exactly as the
   * slot path would (RemoteError; JSON copy). The iterator is kept in
   * `value`, unused while the child runs (no field per remote task).
   */
  runHere(inner: Iterator<Suspend, unknown, unknown>): void {
    this.value = inner;
    this.state = P_LOCAL;
  }

  /** An error injected by the scheduler: the child's, while it runs here. */
  throw(err: unknown): IteratorResult<Suspend, unknown> {
    if (this.state === P_LOCAL) return this.#step(this.value as Iterator<Suspend>, 1, err);
    throw err;
  }

  return(value?: unknown): IteratorResult<Suspend, unknown> {
    if (this.state === P_LOCAL) return this.#step(this.value as Iterator<Suspend>, 2, value);
    return { done: true, value };
  }

  /** Throws into (1) or returns (2) the child running in this proxy ({@link next} steps it). */
  #step(
    inner: Iterator<Suspend, unknown, unknown>,
    mode: number,
    arg: unknown,
  ): IteratorResult<Suspend, unknown> {
    let r: IteratorResult<Suspend, unknown>;
    try {
      if (mode === 1) {
        if (typeof inner.throw !== 'function') throw arg;
        r = inner.throw(arg);
      } else {
        r = typeof inner.return === 'function' ? inner.return(arg) : { done: true, value: arg };
      }
    } catch (e) {
      this.#ended(P_ERR);
      throw new RemoteError(errorData(e));
    }
    return r.done === true ? this.#returned(r, mode) : r;
  }

  /** The child's iterator finished (`mode` as in {@link #step}): its result. */
  #returned(r: IteratorResult<Suspend, unknown>, mode: number): IteratorResult<Suspend, unknown> {
    this.#ended(mode === 2 ? P_CANCELLED : P_OK);
    const v = r.value;
    // primitives (the common case) need no copy: hand back the child's own result object
    if (mode === 2 || typeof v !== 'object' || v === null) return r;
    return { done: true, value: cloneResult(v) };
  }

  #ended(state: number): void {
    this.value = undefined;
    this.state = state;
    this.owner.localEnded?.(this);
  }

  /** Delivers the outcome and wakes the proxy task. */
  finish(state: number, value: unknown): void {
    if (this.state !== P_PENDING) return;
    this.state = state;
    this.value = value;
    const w = this.waiter;
    if (w !== null) w.wake();
  }

  cancelWait(): Future<unknown> | undefined {
    // running here: the scheduler returns the child's generator next
    if (this.state !== P_PENDING || (this.#f & F_CANCELLING) !== 0) return undefined;
    this.#f |= F_CANCELLING;
    this.owner.abortRemote(this);
    if (this.state !== P_PENDING) return undefined;
    return new AbortWait(this);
  }

  describe(): string {
    return this.what;
  }
}

/**
 * A child's result as the slot path hands it over on the same thread: numbers
 * and other primitives as they are, small plain data through a JSON round
 * trip (a copy, as a result from another thread), anything else as is.
 */
function cloneResult(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (!jsonSafe(v)) return v;
  const text = JSON.stringify(v);
  return text.length <= PAYLOAD_BYTES ? JSON.parse(text) : v;
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
