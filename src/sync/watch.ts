/**
 * `watch`: one value, many observers; receivers see the latest value and are
 * told when it changed.
 */
import type { Future, Suspend } from '../future/future.js';
import {
  coopProceed,
  currentTask,
  getBudget,
  parkForBudget,
  SUSPENDED,
  type Waiting,
} from '../runtime/context.js';
import { inspect, instrument, type ResourceInfo } from '../runtime/instrument.js';
import type { Task } from '../runtime/task.js';
import { SetClosedWait } from './closed-wait.js';
import { RecvError, SendError } from './error.js';

/** @internal */
class Shared<T> {
  value: T;
  version = 0;
  /** live senders; the channel is closed for receivers at 0 */
  senders = 1;
  receivers = 0;
  readonly waiters = new Set<Task>();
  readonly closedWaiters = new Set<Task>();

  constructor(value: T) {
    this.value = value;
    if (instrument !== null) instrument.resource(this);
  }

  /** what the console shows */
  [inspect](): ResourceInfo {
    return {
      kind: 'watch',
      waiters: this.waiters,
      fields: {
        version: this.version,
        senders: this.senders,
        receivers: this.receivers,
        closed: this.senders === 0,
      },
      groups: { changed: this.waiters, closedWaiters: this.closedWaiters },
    };
  }

  get rxGone(): boolean {
    return this.receivers === 0;
  }

  get txClosed(): boolean {
    return this.senders === 0;
  }

  notify(): void {
    for (const t of this.waiters) t.wake();
    this.waiters.clear();
  }

  rxDropped(): void {
    this.receivers--;
    if (this.receivers === 0) {
      for (const t of this.closedWaiters) t.wake();
      this.closedWaiters.clear();
    }
  }
}

/**
 * Creates a watch channel holding `init`.
 *
 * @example
 * ```ts
 * import { main, spawn } from 'tokio-ts';
 * import { watch } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const [tx, rx] = watch.channel('starting');
 *   spawn(function* () { tx.send('running'); });
 *   yield* rx.changed();
 *   console.log(rx.borrowAndUpdate()); // running
 * });
 * ```
 */
export function channel<T>(init: T): [WatchSender<T>, WatchReceiver<T>] {
  const s = new Shared<T>(init);
  return [new WatchSender<T>(s), new WatchReceiver<T>(s)];
}

/**
 * The sending half of a watch channel.
 *
 * @example
 * ```ts
 * import { watch } from 'tokio-ts/sync';
 *
 * const [tx, rx] = watch.channel(0);
 * tx.sendModify((v) => v + 1);
 * console.log(rx.borrow(), tx.receiverCount()); // 1 1
 * ```
 */
export class WatchSender<T> {
  readonly #s: Shared<T>;
  #closed = false;

  /** @internal */
  constructor(s: Shared<T>) {
    this.#s = s;
  }

  /**
   * Another sender of the same channel (Tokio's `Sender::clone`): receivers
   * see the channel closed only once every sender is closed.
   *
   * @example
   * ```ts
   * import { watch } from 'tokio-ts/sync';
   *
   * const [tx, rx] = watch.channel(0);
   * const tx2 = tx.clone();
   * tx.close();
   * tx2.send(1); // still open: tx2 is alive
   * console.log(rx.hasChanged(), rx.borrowAndUpdate()); // true 1
   * tx2.close();
   * try { rx.hasChanged(); } catch (e) { console.log((e as Error).name); } // RecvError
   * ```
   *
   * ## Errors
   * Throws if this sender was closed.
   */
  clone(): WatchSender<T> {
    if (this.#closed) throw new Error('tokio-ts: this watch sender was closed');
    this.#s.senders++;
    return new WatchSender<T>(this.#s);
  }

  /** Live senders (this one and its clones), as Tokio's `sender_count`. */
  senderCount(): number {
    return this.#s.senders;
  }

  /** Replaces the value and notifies receivers. Throws {@link SendError} if there are none. */
  send(value: T): void {
    const s = this.#s;
    if (s.receivers === 0) throw new SendError(value);
    this.sendReplace(value);
  }

  /** Replaces the value (even with no receivers) and returns the old one. Throws if this sender was closed. */
  sendReplace(value: T): T {
    if (this.#closed) throw new Error('tokio-ts: this watch sender was closed');
    const s = this.#s;
    const old = s.value;
    s.value = value;
    s.version++;
    s.notify();
    return old;
  }

  /** Sets the value to `fn(current)` and notifies receivers. */
  sendModify(fn: (value: T) => T): void {
    this.sendReplace(fn(this.#s.value));
  }

  /**
   * Calls `fn(current)`; if it returns `{ modified: true, value }` the value is
   * replaced and receivers are notified. Returns whether it was modified.
   */
  sendIfModified(fn: (value: T) => { modified: boolean; value: T }): boolean {
    const r = fn(this.#s.value);
    if (!r.modified) return false;
    this.sendReplace(r.value);
    return true;
  }

  /** The current value. */
  borrow(): T {
    return this.#s.value;
  }

  /** A new receiver that has seen the current value. */
  subscribe(): WatchReceiver<T> {
    return new WatchReceiver<T>(this.#s);
  }

  receiverCount(): number {
    return this.#s.receivers;
  }

  /** True once every receiver is closed. */
  isClosed(): boolean {
    return this.#s.receivers === 0;
  }

  /**
   * Waits until every receiver is closed (a `subscribe()` meanwhile reopens
   * the channel, and the wait goes on). Spends one unit of coop budget when
   * it completes, as Tokio's.
   *
   * ## Cancel safety
   * Cancel safe.
   */
  closed(): Future<void> {
    const s = this.#s;
    return { [Symbol.iterator]: () => new SetClosedWait(s, 'watch closed()') };
  }

  /**
   * Drops this sender. Once every sender (clones included) is closed,
   * receivers' `changed()` throws `RecvError` (`closed`) after they saw the
   * last value, and `hasChanged()` throws. Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const s = this.#s;
    s.senders--;
    if (s.senders === 0) s.notify();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * A receiving half of a watch channel; `clone()` or `tx.subscribe()` for more.
 *
 * @example
 * ```ts
 * import { watch } from 'tokio-ts/sync';
 *
 * const [tx, rx] = watch.channel(1);
 * tx.send(2);
 * console.log(rx.hasChanged(), rx.borrowAndUpdate(), rx.hasChanged()); // true 2 false
 * ```
 */
export class WatchReceiver<T> {
  readonly #s: Shared<T>;
  #seen: number;
  #closed = false;

  /** @internal */
  constructor(s: Shared<T>) {
    this.#s = s;
    this.#seen = s.version;
    s.receivers++;
  }

  /** The current value (without marking it seen). */
  borrow(): T {
    return this.#s.value;
  }

  /** The current value, marking it seen. */
  borrowAndUpdate(): T {
    this.#seen = this.#s.version;
    return this.#s.value;
  }

  /**
   * True if a value was sent since this receiver last marked one seen.
   *
   * ## Errors
   * Throws {@link RecvError} (`closed`) whenever every sender is gone, even
   * if the last value was not seen yet (as Tokio's `has_changed`): read it
   * with `borrowAndUpdate()`.
   */
  hasChanged(): boolean {
    if (this.#s.txClosed) throw new RecvError('closed');
    return this.#seen !== this.#s.version;
  }

  markChanged(): void {
    this.#seen = this.#s.version - 1;
  }

  markUnchanged(): void {
    this.#seen = this.#s.version;
  }

  /**
   * Waits for a value this receiver has not seen, and marks it seen: however
   * many sends happened, it completes once per new version. It spends one unit
   * of coop budget when it completes (or fails), as Tokio's.
   *
   * ## Cancel safety
   * Cancel safe: nothing is marked seen unless it completes.
   *
   * ## Errors
   * Throws {@link RecvError} (`closed`) when the sender is gone.
   */
  changed(): Future<void> {
    return { [Symbol.iterator]: () => new ChangedLeaf<T>(this) };
  }

  /**
   * Waits until `pred(value)` holds (checking the current value first) and
   * returns that value, marked seen. Spends one unit of coop budget when it
   * completes, as Tokio's.
   *
   * ## Cancel safety
   * Cancel safe.
   *
   * ## Errors
   * Throws {@link RecvError} (`closed`) once every sender is gone and the
   * last value did not satisfy `pred`.
   */
  waitFor(pred: (value: T) => boolean): Future<T> {
    if (typeof pred !== 'function') throw new TypeError('waitFor(pred): pred must be a function');
    return { [Symbol.iterator]: () => new WaitForLeaf<T>(this, pred) };
  }

  /** Another receiver, having seen what this one has seen. */
  clone(): WatchReceiver<T> {
    const r = new WatchReceiver<T>(this.#s);
    r.#seen = this.#seen;
    return r;
  }

  /** Drops this receiver. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#s.rxDropped();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal */
  get shared(): Shared<T> {
    return this.#s;
  }

  /** @internal */
  get seen(): number {
    return this.#seen;
  }

  /** @internal */
  set seen(v: number) {
    this.#seen = v;
  }
}

/** What `changed()` and `waitFor()` share: parking on the next send or close. */
abstract class ChangeWait<T, R> implements Iterator<Suspend, R, unknown>, Waiting {
  protected readonly rx: WatchReceiver<T>;
  #task: Task | null = null;
  /** woken or budget-parked once: completing spends no further budget */
  protected parked = false;

  constructor(rx: WatchReceiver<T>) {
    this.rx = rx;
  }

  abstract next(): IteratorResult<Suspend, R>;

  protected park(): IteratorResult<Suspend, never> {
    const t = currentTask();
    this.parked = true;
    this.#task = t;
    this.rx.shared.waiters.add(t);
    t.waitingOn = this;
    return SUSPENDED;
  }

  cancelWait(): void {
    if (this.#task !== null) this.rx.shared.waiters.delete(this.#task);
  }

  abstract describe(): string;
}

class ChangedLeaf<T> extends ChangeWait<T, void> {
  next(): IteratorResult<Suspend, void> {
    const rx = this.rx;
    const s = rx.shared;
    const changed = rx.seen !== s.version;
    if (changed || s.txClosed) {
      if (!this.parked && !coopProceed()) {
        this.parked = true;
        return parkForBudget(this);
      }
      if (!changed) throw new RecvError('closed');
      rx.seen = s.version;
      return { done: true, value: undefined };
    }
    return this.park();
  }

  describe(): string {
    return 'watch changed()';
  }
}

class WaitForLeaf<T> extends ChangeWait<T, T> {
  readonly #pred: (value: T) => boolean;
  /** pred saw the current value (Tokio checks it once even when unchanged) */
  #checked = false;

  constructor(rx: WatchReceiver<T>, pred: (value: T) => boolean) {
    super(rx);
    this.#pred = pred;
  }

  next(): IteratorResult<Suspend, T> {
    const rx = this.rx;
    const s = rx.shared;
    // out of budget: yield before calling pred (it may have side effects)
    if (!this.parked && getBudget() <= 0) {
      this.parked = true;
      return parkForBudget(this);
    }
    const changed = rx.seen !== s.version;
    if (changed || !this.#checked) {
      this.#checked = true;
      rx.seen = s.version;
      const v = s.value;
      if (this.#pred(v)) {
        if (!this.parked) coopProceed();
        return { done: true, value: v };
      }
    }
    if (s.txClosed) {
      if (!this.parked) coopProceed();
      throw new RecvError('closed');
    }
    return this.park();
  }

  describe(): string {
    return 'watch waitFor()';
  }
}
