/**
 * The waiting operation every Node/web adapter parks its task on.
 *
 * How and why: an adapter side (a Node `Readable` seen as an `AsyncRead`, a
 * `Writable` seen as an `AsyncWrite`, …) has a few operations that wait for
 * an event of the other side (`readable`, `drain`, `finish`, a settled
 * promise). Each operation is one `OpLeaf`: it asks the side whether it can
 * complete (`ready`), completes it (`take`) when the task resumes — so a
 * cancelled operation took nothing (cancel safe) — or parks in the side's
 * intrusive waiter list. Events wake every parked operation; each re-checks.
 * The side's listeners are bound once: no closure per operation.
 *
 * Cancelling the *task* that waits (not one operation inside a `select` or a
 * `timeout`) calls the side's `taskCancelled()`, which destroys or cancels
 * the Node or web stream, as dropping the adapter would in Rust.
 */
import type { Suspend } from '../future/future.js';
import {
  coopProceed,
  currentTask,
  parkForBudget,
  SUSPENDED,
  type Waiting,
} from '../runtime/context.js';
import type { LinkedList, ListNode } from '../runtime/linked-list.js';
import type { Task } from '../runtime/task.js';

/** An adapter side, as its operations see it. @internal */
export interface Side {
  /** The parked operations. */
  readonly waiters: LinkedList<OpLeaf>;
  /** True if `op` can complete (or fail) without waiting. */
  ready(op: number): boolean;
  /** Completes `op` (called only when `ready`); may throw the side's error. */
  take(op: number, arg: unknown): unknown;
  /** `op` is about to park: make sure an event will wake it. */
  arm(op: number): void;
  /** The task waiting on an operation is being cancelled. */
  taskCancelled(): void;
  /** What a task dump shows for `op`. */
  describe(op: number): string;
}

/**
 * True if `t` is being cancelled as a task: a combinator branch (`select`,
 * `join`) stands for its parent, whose own cancellation is what counts.
 * @internal
 */
export function isTaskCancelled(t: Task): boolean {
  let x = t;
  while (x.branch && x.parent !== null) x = x.parent;
  return x.cancelRequested;
}

/** Wakes every parked operation of a side. @internal */
export function wakeAll(waiters: LinkedList<OpLeaf>): void {
  for (let w = waiters.shift(); w !== null; w = waiters.shift()) w.task!.wake();
}

/** One operation of a {@link Side}; its own iterator (single use). @internal */
export class OpLeaf implements Iterator<Suspend, unknown, unknown>, Waiting, ListNode<OpLeaf> {
  pv: OpLeaf | null = null;
  nx: OpLeaf | null = null;
  list: LinkedList<OpLeaf> | null = null;
  task: Task | null = null;
  readonly #side: Side;
  readonly #op: number;
  readonly #arg: unknown;

  constructor(side: Side, op: number, arg: unknown) {
    this.#side = side;
    this.#op = op;
    this.#arg = arg;
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<Suspend, unknown> {
    if (this.list !== null) {
      this.task!.waitingOn = this;
      return SUSPENDED;
    }
    const side = this.#side;
    if (side.ready(this.#op)) {
      if (!coopProceed()) return parkForBudget(this);
      return { done: true, value: side.take(this.#op, this.#arg) };
    }
    const t = currentTask();
    this.task = t;
    side.waiters.push(this);
    t.waitingOn = this;
    side.arm(this.#op);
    return SUSPENDED;
  }

  cancelWait(): void {
    if (this.list !== null) this.list.remove(this);
    const t = this.task;
    if (t !== null && isTaskCancelled(t)) this.#side.taskCancelled();
  }

  describe(): string {
    return this.#side.describe(this.#op);
  }
}
