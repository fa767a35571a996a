/**
 * The waiter shape shared by accept, UDP recv, pipe reads/writes and the
 * Node/web stream adapters (`src/compat/op-leaf.ts`).
 *
 * How and why: a waiter takes its result only when its task resumes, never
 * when it is woken (the "lazy take"). So a waiter cancelled after its wake-up
 * and before it ran has taken nothing; it hands the wake-up to the next
 * waiter (`passOn`), and nothing is lost. A ready source is taken at once on
 * the first poll, after one unit of coop budget. docs/internals.md
 * ("how a waiting primitive is written") describes the protocol.
 * @internal
 */
import type { Suspend } from '../../future/future.js';
import { coopProceed, currentTask, parkForBudget, SUSPENDED, type Waiting } from '../context.js';
import type { LinkedList, ListNode } from '../linked-list.js';
import type { Task } from '../task.js';

/** @internal */
export abstract class LazyTakeLeaf<R>
  implements Iterator<Suspend, R, unknown>, Waiting, ListNode<LazyTakeLeaf<R>>
{
  pv: LazyTakeLeaf<R> | null = null;
  nx: LazyTakeLeaf<R> | null = null;
  list: LinkedList<LazyTakeLeaf<R>> | null = null;
  task: Task | null = null;

  /** True when `take()` would succeed now. */
  protected abstract ready(): boolean;
  /** Takes the result (only called when `ready()`). */
  protected abstract take(): R;
  /** The FIFO this waiter queues on. */
  protected abstract waiters(): LinkedList<LazyTakeLeaf<R>>;
  /** Woken, then cancelled before it ran: give the wake-up to the next waiter. */
  protected abstract passOn(): void;
  abstract describe(): string;
  /** Called once the waiter is queued (a source that must be asked for an event arms it here). */
  protected parked(): void {}

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<Suspend, R> {
    if (this.list !== null) {
      // still queued (a spurious poll): keep waiting
      this.task!.waitingOn = this;
      return SUSPENDED;
    }
    if (this.ready()) {
      if (!coopProceed()) return parkForBudget(this);
      return { done: true, value: this.take() };
    }
    const t = currentTask();
    this.task = t;
    this.waiters().push(this);
    t.waitingOn = this;
    this.parked();
    return SUSPENDED;
  }

  cancelWait(): void {
    if (this.list !== null) this.list.remove(this);
    else this.passOn();
  }
}
