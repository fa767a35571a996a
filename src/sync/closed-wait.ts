/**
 * The leaf under every sender's `closed()` (mpsc, oneshot, watch, broadcast):
 * complete once the other side is gone, else park until it is.
 *
 * How and why: the four differ only in how "closed" is read and where the
 * parked task is registered, so each subclasses this with those three hooks.
 * Completing spends one unit of coop budget (once: not again after a wake),
 * as Tokio's `cooperative()` wrapper does.
 * @internal
 */
import type { Suspend } from '../future/future.js';
import {
  coopProceed,
  currentTask,
  parkForBudget,
  SUSPENDED,
  type Waiting,
} from '../runtime/context.js';
import type { Task } from '../runtime/task.js';

/** @internal */
export abstract class ClosedWait implements Iterator<Suspend, void, unknown>, Waiting {
  #task: Task | null = null;
  #parked = false;

  /** True once the awaited side is gone. */
  protected abstract isClosed(): boolean;
  /** Registers `t` to be woken when it goes. */
  protected abstract register(t: Task): void;
  /** Undoes {@link register}. */
  protected abstract unregister(t: Task): void;
  abstract describe(): string;

  next(): IteratorResult<Suspend, void> {
    if (this.isClosed()) {
      if (!this.#parked && !coopProceed()) {
        this.#parked = true;
        return parkForBudget(this);
      }
      return { done: true, value: undefined };
    }
    const t = currentTask();
    this.#parked = true;
    this.#task = t;
    this.register(t);
    t.waitingOn = this;
    return SUSPENDED;
  }

  cancelWait(): void {
    const t = this.#task;
    if (t !== null) {
      this.#task = null;
      this.unregister(t);
    }
  }
}

/** A channel whose senders' `closed()` tasks sit in a set. @internal */
export interface ClosedSource {
  /** True once every receiver is gone (or the receiver closed). */
  readonly rxGone: boolean;
  readonly closedWaiters: Set<Task>;
}

/** `closed()` of mpsc, watch and broadcast senders. @internal */
export class SetClosedWait extends ClosedWait {
  readonly #src: ClosedSource;
  readonly #what: string;
  constructor(src: ClosedSource, what: string) {
    super();
    this.#src = src;
    this.#what = what;
  }
  protected isClosed(): boolean {
    return this.#src.rxGone;
  }
  protected register(t: Task): void {
    this.#src.closedWaiters.add(t);
  }
  protected unregister(t: Task): void {
    this.#src.closedWaiters.delete(t);
  }
  describe(): string {
    return this.#what;
  }
}
