/**
 * The waiting half every shared primitive uses: park the current task until
 * another thread changes an Int32 word, with no lost wake-up.
 *
 * Protocol (waiter): read the word, try the operation, increment the waiter
 * count, try again, then `Atomics.waitAsync(word, valueReadFirst)`. Waker:
 * complete the operation, and if the waiter count is non-zero, change the word
 * and notify all. A waker that ran after the second try sees the count; a
 * change before the wait makes `waitAsync` return at once. Waiters retry on
 * wake (the operation happens in the task's own poll), so a task cancelled
 * after being woken has taken nothing: cancel safety comes for free.
 * @internal
 */
import type { Suspend } from '../../future/future.js';
import { currentTask, SUSPENDED, type Waiting } from '../../runtime/context.js';
import type { Task } from '../../runtime/task.js';
import { holdRef, releaseRef } from './keep-alive.js';

const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      a: Int32Array,
      i: number,
      v: number,
    ): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync;

/** @internal */
export class WordWait implements Waiting {
  #task: Task | null = null;
  #armed = false;
  #arr: Int32Array | null = null;
  #countIndex = 0;
  readonly #what: string;
  readonly #onWake = (): void => {
    if (!this.#armed) return;
    this.#disarm();
    this.#task!.wake();
  };

  constructor(what: string) {
    this.#what = what;
  }

  /** Registers as a waiter (count + 1) before the caller's second try. */
  announce(arr: Int32Array, countIndex: number): void {
    this.#arr = arr;
    this.#countIndex = countIndex;
    Atomics.add(arr, countIndex, 1);
  }

  /** The second try succeeded: withdraw. */
  withdraw(): void {
    Atomics.sub(this.#arr!, this.#countIndex, 1);
  }

  /** Parks until `arr[index]` differs from `seen`; returns null if it already does (retry). */
  park(arr: Int32Array, index: number, seen: number): IteratorResult<Suspend, never> | null {
    const r = waitAsync(arr, index, seen);
    if (!r.async) {
      this.withdraw();
      return null;
    }
    const t = currentTask();
    this.#task = t;
    this.#armed = true;
    holdRef();
    r.value.then(this.#onWake);
    t.waitingOn = this;
    return SUSPENDED;
  }

  #disarm(): void {
    this.#armed = false;
    Atomics.sub(this.#arr!, this.#countIndex, 1);
    releaseRef();
  }

  cancelWait(): void {
    if (this.#armed) this.#disarm();
  }

  describe(): string {
    return this.#what;
  }
}

/** Wakes every waiter of word `index` if the count at `countIndex` says there are any. @internal */
export function wakeAll(arr: Int32Array, index: number, countIndex: number): void {
  if (Atomics.load(arr, countIndex) > 0) {
    Atomics.add(arr, index, 1);
    Atomics.notify(arr, index);
  }
}
