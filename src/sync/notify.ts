/**
 * `Notify`: wake one waiting task, or all of them, without sending data.
 *
 * @example
 * ```ts
 * import { main, spawn } from 'tokio-ts';
 * import { Notify } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const notify = new Notify();
 *   const waiter = spawn(function* () {
 *     yield* notify.notified();
 *     console.log('notified');
 *   });
 *   notify.notifyOne(); // stored as a permit if the waiter is not waiting yet
 *   yield* waiter;
 * });
 * ```
 */
import type { Future, Suspend } from '../future/future.js';
import { currentTask, SUSPENDED, type Waiting } from '../runtime/context.js';
import { LinkedList, type ListNode } from '../runtime/linked-list.js';
import type { Task } from '../runtime/task.js';

// Notified states
const IDLE = 0;
const WAITING = 1;
/** chosen by notifyOne/notifyLast: on cancel, the notification is passed on */
const NOTIFIED_ONE = 2;
/** woken by notifyWaiters: nothing to pass on */
const NOTIFIED_ALL = 3;
const DONE = 4;

/**
 * A notification point, Tokio's `Notify`: like a semaphore that holds at most
 * one permit.
 *
 * - `notifyOne()` wakes the longest-waiting `notified()`; if nobody waits, it
 *   stores one permit (many calls still store one), which the next
 *   `notified()` takes at once.
 * - `notifyLast()` is the same but wakes the newest waiter.
 * - `notifyWaiters()` wakes every `notified()` future created before the call
 *   (even one not polled yet), and stores nothing.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { Notify } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const n = new Notify();
 *   n.notifyOne();
 *   n.notifyOne(); // still one permit
 *   yield* n.notified(); // takes it at once
 *   console.log('one permit used');
 * });
 * ```
 */
export class Notify {
  /** @internal */
  readonly waiters = new LinkedList<Notified>();
  /** @internal */
  permit = false;
  /** @internal number of notifyWaiters() calls */
  gen = 0;

  /**
   * A future that completes when this Notify is notified: by a stored permit,
   * `notifyOne`/`notifyLast` while it waits, or a `notifyWaiters()` called after
   * `notified()` was called (even before it was first polled).
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { Notify } from 'tokio-ts/sync';
   *
   * main(function* () {
   *   const n = new Notify();
   *   const f = n.notified(); // created before the call: notifyWaiters reaches it
   *   n.notifyWaiters();
   *   yield* f;
   *   console.log('done');
   * });
   * ```
   *
   * ## Cancel safety
   * A notification is never lost: if the task is cancelled after `notifyOne`
   * or `notifyLast` chose it but before it resumed, the notification passes to
   * the next waiter (or is stored as the permit). The place in the queue is
   * lost, as in Tokio.
   */
  notified(): Future<void> {
    return new Notified(this, this.gen);
  }

  /**
   * Wakes the first waiter, or stores one permit if nobody waits.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { Notify } from 'tokio-ts/sync';
   *
   * main(function* () {
   *   const n = new Notify();
   *   n.notifyOne();
   *   yield* n.notified();
   *   console.log('ok'); // ok
   * });
   * ```
   */
  notifyOne(): void {
    const w = this.waiters.shift();
    if (w === null) this.permit = true;
    else w.wakeOne();
  }

  /**
   * Wakes the newest waiter, or stores one permit if nobody waits.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { Notify } from 'tokio-ts/sync';
   *
   * main(function* () {
   *   const n = new Notify();
   *   n.notifyLast();
   *   yield* n.notified();
   *   console.log('ok'); // ok
   * });
   * ```
   */
  notifyLast(): void {
    const waiters = this.waiters;
    const w = waiters.tail;
    if (w === null) {
      this.permit = true;
    } else {
      waiters.remove(w);
      w.wakeOne();
    }
  }

  /**
   * Wakes every `notified()` future created before this call; stores no permit.
   *
   * @example
   * ```ts
   * import { main, spawn, yieldNow } from 'tokio-ts';
   * import { Notify } from 'tokio-ts/sync';
   *
   * main(function* () {
   *   const n = new Notify();
   *   const a = spawn(n.notified());
   *   const b = spawn(n.notified());
   *   yield* yieldNow();
   *   n.notifyWaiters();
   *   yield* a;
   *   yield* b;
   *   console.log('both woken');
   * });
   * ```
   */
  notifyWaiters(): void {
    this.gen++;
    const waiters = this.waiters;
    for (let w = waiters.shift(); w !== null; w = waiters.shift()) w.wakeAll();
  }
}

/** The `notified()` leaf future. */
class Notified
  implements Future<void>, Iterator<Suspend, void, unknown>, Waiting, ListNode<Notified>
{
  pv: Notified | null = null;
  nx: Notified | null = null;
  list: LinkedList<any> | null = null;
  readonly #notify: Notify;
  readonly #gen: number;
  #st = IDLE;
  #task: Task | null = null;

  constructor(notify: Notify, gen: number) {
    this.#notify = notify;
    this.#gen = gen;
  }

  [Symbol.iterator](): Iterator<Suspend, void, unknown> {
    if (this.#st !== IDLE) throw new Error('tokio-ts: this notified() future was already polled');
    return this;
  }

  next(): IteratorResult<Suspend, void> {
    const st = this.#st;
    if (st === IDLE) {
      const n = this.#notify;
      if (n.gen !== this.#gen) {
        // a notifyWaiters() happened after notified() was called
        this.#st = DONE;
        return { done: true, value: undefined };
      }
      if (n.permit) {
        n.permit = false;
        this.#st = DONE;
        return { done: true, value: undefined };
      }
      const task = currentTask();
      this.#task = task;
      this.#st = WAITING;
      n.waiters.push(this);
      task.waitingOn = this;
      return SUSPENDED;
    }
    if (st === NOTIFIED_ONE || st === NOTIFIED_ALL) {
      this.#st = DONE;
      this.#task = null;
      return { done: true, value: undefined };
    }
    if (st === WAITING) {
      this.#task!.waitingOn = this;
      return SUSPENDED;
    }
    throw new Error('tokio-ts: notified() future polled after it completed');
  }

  /** @internal */
  wakeOne(): void {
    this.#st = NOTIFIED_ONE;
    this.#task!.wake();
  }

  /** @internal */
  wakeAll(): void {
    this.#st = NOTIFIED_ALL;
    this.#task!.wake();
  }

  cancelWait(): void {
    const st = this.#st;
    this.#st = DONE;
    this.#task = null;
    if (st === WAITING) this.#notify.waiters.remove(this);
    else if (st === NOTIFIED_ONE) this.#notify.notifyOne(); // pass it on
  }

  describe(): string {
    return 'notify notified';
  }
}
