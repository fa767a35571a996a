/**
 * `watch`: one value, many observers; receivers see the latest value and are
 * told when it changed.
 */
import type { Future, Suspend } from '../future/future.js';
import { currentTask, SUSPENDED, type Waiting } from '../runtime/context.js';
import type { Task } from '../runtime/task.js';
import { RecvError, SendError } from './error.js';

/** @internal */
class Shared<T> {
  value: T;
  version = 0;
  txClosed = false;
  receivers = 0;
  readonly waiters = new Set<Task>();
  readonly closedWaiters = new Set<Task>();

  constructor(value: T) {
    this.value = value;
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

  /** @internal */
  constructor(s: Shared<T>) {
    this.#s = s;
  }

  /** Replaces the value and notifies receivers. Throws {@link SendError} if there are none. */
  send(value: T): void {
    const s = this.#s;
    if (s.receivers === 0) throw new SendError(value);
    this.sendReplace(value);
  }

  /** Replaces the value (even with no receivers) and returns the old one. */
  sendReplace(value: T): T {
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
   * Waits until every receiver is closed.
   *
   * ## Cancel safety
   * Cancel safe.
   */
  closed(): Future<void> {
    const s = this.#s;
    return {
      [Symbol.iterator]: (): Iterator<Suspend, void, unknown> => {
        let task: Task | null = null;
        const leaf: Iterator<Suspend, void, unknown> & Waiting = {
          next: () => {
            if (s.receivers === 0) return { done: true, value: undefined };
            task = currentTask();
            s.closedWaiters.add(task);
            task.waitingOn = leaf;
            return SUSPENDED;
          },
          cancelWait: () => {
            if (task !== null) s.closedWaiters.delete(task);
          },
          describe: () => 'watch closed()',
        };
        return leaf;
      },
    };
  }

  /** Drops the sender: receivers' `changed()` then throws `RecvError` (`closed`). */
  close(): void {
    const s = this.#s;
    if (s.txClosed) return;
    s.txClosed = true;
    s.notify();
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

  /** True if a value was sent since this receiver last marked one seen. Throws RecvError if the sender is gone. */
  hasChanged(): boolean {
    if (this.#s.txClosed && this.#seen === this.#s.version) throw new RecvError('closed');
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
   * many sends happened, it completes once per new version.
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
   * returns that value, marked seen.
   *
   * ## Cancel safety
   * Cancel safe.
   */
  *waitFor(pred: (value: T) => boolean): Generator<Suspend, T, unknown> {
    for (;;) {
      const v = this.borrowAndUpdate();
      if (pred(v)) return v;
      yield* this.changed();
    }
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

class ChangedLeaf<T> implements Iterator<Suspend, void, unknown>, Waiting {
  readonly #rx: WatchReceiver<T>;
  #task: Task | null = null;

  constructor(rx: WatchReceiver<T>) {
    this.#rx = rx;
  }

  next(): IteratorResult<Suspend, void> {
    const rx = this.#rx;
    const s = rx.shared;
    if (rx.seen !== s.version) {
      rx.seen = s.version;
      return { done: true, value: undefined };
    }
    if (s.txClosed) throw new RecvError('closed');
    const t = currentTask();
    this.#task = t;
    s.waiters.add(t);
    t.waitingOn = this;
    return SUSPENDED;
  }

  cancelWait(): void {
    if (this.#task !== null) this.#rx.shared.waiters.delete(this.#task);
  }

  describe(): string {
    return 'watch changed()';
  }
}
