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

import { LazyTakeLeaf } from '../runtime/io/lazy-take.js';
import type { LinkedList } from '../runtime/linked-list.js';
import type { Task } from '../runtime/task.js';

/** The parked operations of a side (an intrusive list). @internal */
export type OpWaiters = LinkedList<LazyTakeLeaf<unknown>>;

/** An adapter side, as its operations see it. @internal */
export interface Side {
  /** The parked operations. */
  readonly waiters: OpWaiters;
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
export function wakeAll(waiters: OpWaiters): void {
  for (let w = waiters.shift(); w !== null; w = waiters.shift()) w.task!.wake();
}

/**
 * One operation of a {@link Side}: the runtime's lazy-take waiter (it takes
 * only when its task resumes), parked on the side's list. A woken operation
 * that is cancelled passes nothing on: every event wakes all of them.
 * @internal
 */
export class OpLeaf extends LazyTakeLeaf<unknown> {
  readonly #side: Side;
  readonly #op: number;
  readonly #arg: unknown;

  constructor(side: Side, op: number, arg: unknown) {
    super();
    this.#side = side;
    this.#op = op;
    this.#arg = arg;
  }

  protected ready(): boolean {
    return this.#side.ready(this.#op);
  }

  protected take(): unknown {
    return this.#side.take(this.#op, this.#arg);
  }

  protected waiters(): OpWaiters {
    return this.#side.waiters;
  }

  protected passOn(): void {}

  protected override parked(): void {
    this.#side.arm(this.#op);
  }

  override cancelWait(): void {
    super.cancelWait();
    const t = this.task;
    if (t !== null && isTaskCancelled(t)) this.#side.taskCancelled();
  }

  describe(): string {
    return this.#side.describe(this.#op);
  }
}
