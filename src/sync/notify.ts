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
import { currentTask, SUSPENDED } from '../runtime/context.js';
import { inspect, instrument, type ResourceInfo } from '../runtime/instrument.js';
import { LinkedList } from '../runtime/linked-list.js';
import type { Task } from '../runtime/task.js';

// Notified states
const IDLE = 0;
const WAITING = 1;
/** chosen by notifyOne: on cancel, the notification passes to the oldest waiter */
const NOTIFIED_FIFO = 2;
/** chosen by notifyLast: on cancel, the notification passes to the newest waiter */
const NOTIFIED_LIFO = 3;
/** woken by notifyWaiters (or took the stored permit in enable()): nothing to pass on */
const NOTIFIED_ALL = 4;
const DONE = 5;

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
 * Like Tokio's, `notified()` spends no coop budget: a loop that stores a
 * permit and takes it back at once never yields by itself.
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

  constructor() {
    if (instrument !== null) instrument.resource(this);
  }

  /** @internal what the console shows */
  [inspect](): ResourceInfo {
    const waiters: object[] = [];
    for (let w = this.waiters.head; w !== null; w = w.nx) waiters.push(w);
    return { kind: 'notify', waiters, fields: { permit: this.permit } };
  }

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
   * the next waiter — the oldest one for `notifyOne`, the newest one for
   * `notifyLast` — or is stored as the permit. The place in the queue is lost,
   * as in Tokio. A future that was {@link Notified.enable | enabled} but will
   * not be awaited should be closed (`close()` or `using`), which does the
   * same: JavaScript has no drop to do it.
   */
  notified(): Notified {
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
    else w.wakeOne(NOTIFIED_FIFO);
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
      w.wakeOne(NOTIFIED_LIFO);
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

/**
 * The future {@link Notify.notified} returns: await it (`yield*`) to wait for
 * a notification. `enable()` puts it in the queue before it is awaited, so
 * that a `notifyOne()` in between reaches it; `close()` gives it up.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { Notify } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const n = new Notify();
 *   const f = n.notified();
 *   console.log(f.enable()); // false: queued, not notified yet
 *   n.notifyOne(); // reaches f (nobody else waits), no permit is stored
 *   console.log(f.enable()); // true: notified
 *   yield* f; // completes at once
 * });
 * ```
 */
export class Notified implements Future<void>, Iterator<Suspend, void, unknown> {
  /** @internal */
  pv: Notified | null = null;
  /** @internal */
  nx: Notified | null = null;
  /** @internal */
  list: LinkedList<any> | null = null;
  readonly #notify: Notify;
  readonly #gen: number;
  #st = IDLE;
  #task: Task | null = null;
  #polled = false;

  /** @internal */
  constructor(notify: Notify, gen: number) {
    this.#notify = notify;
    this.#gen = gen;
  }

  [Symbol.iterator](): Iterator<Suspend, void, unknown> {
    if (this.#polled || this.#st === DONE)
      throw new Error('tokio-ts: this notified() future was already polled');
    return this;
  }

  /**
   * Registers this future as a waiter without waiting (Tokio's
   * `Notified::enable`): from now on `notifyOne()`/`notifyLast()` may choose
   * it, and a stored permit is taken now. Returns true if it is already
   * notified (awaiting it then completes at once), false if it is queued.
   *
   * @example
   * ```ts
   * import { Notify } from 'tokio-ts/sync';
   *
   * const n = new Notify();
   * n.notifyOne(); // stores a permit
   * const a = n.notified();
   * const b = n.notified();
   * console.log(a.enable(), b.enable()); // true false: a took the permit
   * b.close(); // b will not be awaited: leave the queue
   * ```
   */
  enable(): boolean {
    const st = this.#st;
    if (st === IDLE) {
      const n = this.#notify;
      if (n.gen !== this.#gen) {
        this.#st = NOTIFIED_ALL;
        return true;
      }
      if (n.permit) {
        n.permit = false;
        this.#st = NOTIFIED_ALL;
        return true;
      }
      this.#st = WAITING;
      n.waiters.push(this);
      return false;
    }
    return st !== WAITING;
  }

  next(): IteratorResult<Suspend, void> {
    this.#polled = true;
    let st = this.#st;
    if (st === IDLE) {
      if (this.enable()) {
        this.#st = DONE;
        return { done: true, value: undefined };
      }
      st = WAITING;
    }
    if (st === WAITING) {
      const task = this.#task ?? currentTask();
      this.#task = task;
      task.waitingOn = this;
      return SUSPENDED;
    }
    if (st !== DONE) {
      this.#st = DONE;
      this.#task = null;
      return { done: true, value: undefined };
    }
    throw new Error('tokio-ts: notified() future polled after it completed');
  }

  /** @internal chosen by notifyOne (FIFO) or notifyLast (LIFO) */
  wakeOne(how: number): void {
    this.#st = how;
    this.#task?.wake();
  }

  /** @internal */
  wakeAll(): void {
    this.#st = NOTIFIED_ALL;
    this.#task?.wake();
  }

  /** @internal the runtime cancels a parked wait */
  cancelWait(): void {
    this.close();
  }

  /**
   * Gives this future up (what dropping it does in Rust): it leaves the
   * queue, and a notification `notifyOne`/`notifyLast` had handed it passes
   * on to the next waiter as if it had never been chosen. Idempotent; a
   * closed future cannot be awaited.
   */
  close(): void {
    const st = this.#st;
    this.#st = DONE;
    this.#task = null;
    if (st === WAITING) this.#notify.waiters.remove(this);
    else if (st === NOTIFIED_FIFO) this.#notify.notifyOne();
    else if (st === NOTIFIED_LIFO) this.#notify.notifyLast();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal */
  describe(): string {
    return 'notify notified';
  }
}
