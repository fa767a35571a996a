/**
 * `broadcast`: every receiver sees every message sent after it subscribed; a
 * receiver that falls more than `capacity` messages behind is told how many it
 * lost (`RecvError` `lagged`) and continues from the oldest kept message.
 */
import type { Future, Suspend } from '../future/future.js';
import {
  coopProceed,
  currentTask,
  parkForBudget,
  SUSPENDED,
  type Waiting,
} from '../runtime/context.js';
import { inspect, instrument, type ResourceInfo } from '../runtime/instrument.js';
import type { Task } from '../runtime/task.js';
import { SetClosedWait } from './closed-wait.js';
import { RecvError, refuseUndefined, SendError } from './error.js';

/** @internal */
class Shared<T> {
  readonly buf: (T | undefined)[];
  readonly cap: number;
  /** position of the next message to be written */
  tail = 0;
  /** every strong sender is gone: receivers drain, then see `closed` */
  closed = false;
  /** live strong senders */
  senders = 1;
  /** live weak senders (they do not keep the channel open) */
  weak = 0;
  readonly receivers = new Set<BroadcastReceiver<T>>();
  readonly waiters = new Set<Task>();
  /** tasks in a sender's `closed()`: woken when the last receiver goes */
  readonly closedWaiters = new Set<Task>();

  constructor(capacity: number) {
    // Tokio rounds the capacity up to a power of two, and lag is measured
    // against that: `channel(3)` keeps 4 messages.
    let cap = 1;
    while (cap < capacity) cap *= 2;
    this.cap = cap;
    // Grown as messages arrive (slots are written in order, each before it is
    // read): a channel of large capacity costs nothing until it is used.
    this.buf = [];
    if (instrument !== null) instrument.resource(this);
  }

  /** what the console shows: each receiver's lag is how many messages it has not read yet */
  [inspect](): ResourceInfo {
    const lag: number[] = [];
    let min = this.tail;
    for (const rx of this.receivers) {
      lag.push(this.tail - rx.position);
      min = Math.min(min, rx.position);
    }
    return {
      kind: 'broadcast',
      waiters: this.waiters,
      fields: {
        capacity: this.cap,
        len: Math.min(this.tail - min, this.cap),
        senders: this.senders,
        receivers: this.receivers.size,
        lag,
        closed: this.closed,
      },
      groups: { recv: this.waiters, closedWaiters: this.closedWaiters },
    };
  }

  get rxGone(): boolean {
    return this.receivers.size === 0;
  }

  wakeAll(): void {
    for (const t of this.waiters) t.wake();
    this.waiters.clear();
  }

  dropSender(): void {
    this.senders--;
    if (this.senders === 0) {
      this.closed = true;
      this.wakeAll();
    }
  }

  dropReceiver(rx: BroadcastReceiver<T>): void {
    if (!this.receivers.delete(rx) || this.receivers.size > 0) return;
    for (const t of this.closedWaiters) t.wake();
    this.closedWaiters.clear();
  }
}

/**
 * Creates a broadcast channel keeping the last `capacity` messages, the
 * capacity rounded up to a power of two as Tokio does (`channel(3)` keeps 4;
 * a receiver lags only once it is more than that many messages behind).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { broadcast } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const [tx, rx1] = broadcast.channel<string>(16);
 *   const rx2 = tx.subscribe();
 *   console.log(tx.send('hi')); // 2 receivers reached
 *   console.log(yield* rx1.recv(), yield* rx2.recv()); // hi hi
 * });
 * ```
 *
 * ## Errors
 * `RangeError` if `capacity` is not an integer in 1..2^52.
 */
export function channel<T>(capacity: number): [BroadcastSender<T>, BroadcastReceiver<T>] {
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > 2 ** 52) {
    throw new RangeError(
      `broadcast.channel: capacity must be an integer in 1..2^52, got ${capacity}`,
    );
  }
  const s = new Shared<T>(capacity);
  return [new BroadcastSender<T>(s), new BroadcastReceiver<T>(s)];
}

/**
 * The sending half of a broadcast channel.
 *
 * @example
 * ```ts
 * import { broadcast } from 'tokio-ts/sync';
 *
 * const [tx, rx] = broadcast.channel<number>(4);
 * tx.send(1);
 * console.log(tx.receiverCount(), tx.len()); // 1 1
 * rx.close();
 * ```
 */
export class BroadcastSender<T> {
  readonly #s: Shared<T>;
  #closed = false;

  /** @internal */
  constructor(s: Shared<T>) {
    this.#s = s;
  }

  /**
   * Sends to every current receiver and returns how many there are. Throws
   * {@link SendError} carrying the value if there are none, or if this
   * sender was closed.
   */
  send(value: T): number {
    const s = this.#s;
    refuseUndefined(value);
    if (this.#closed || s.receivers.size === 0 || s.closed) throw new SendError(value);
    s.buf[s.tail % s.cap] = value;
    s.tail++;
    s.wakeAll();
    return s.receivers.size;
  }

  /** A new receiver that sees only messages sent from now on. */
  subscribe(): BroadcastReceiver<T> {
    return new BroadcastReceiver<T>(this.#s);
  }

  receiverCount(): number {
    return this.#s.receivers.size;
  }

  /** Messages kept that some receiver has not read yet. */
  len(): number {
    const s = this.#s;
    let min = s.tail;
    for (const r of s.receivers) min = Math.min(min, r.position);
    return Math.min(s.tail - min, s.cap);
  }

  /**
   * Another sender of the same channel (Tokio's `Sender::clone`): the channel
   * closes when every sender is closed.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { broadcast } from 'tokio-ts/sync';
   *
   * main(function* () {
   *   const [tx, rx] = broadcast.channel<string>(4);
   *   const tx2 = tx.clone();
   *   tx.close();
   *   tx2.send('still open');
   *   tx2.close();
   *   console.log(yield* rx.recv()); // still open
   *   try { yield* rx.recv(); } catch (e) { console.log((e as Error).message); } // channel closed
   * });
   * ```
   *
   * ## Errors
   * Throws if this sender was closed.
   */
  clone(): BroadcastSender<T> {
    this.#checkOpen();
    this.#s.senders++;
    return new BroadcastSender<T>(this.#s);
  }

  /**
   * A {@link WeakBroadcastSender}: it can make a sender while a strong one
   * is alive, but does not keep the channel open.
   */
  downgrade(): WeakBroadcastSender<T> {
    this.#checkOpen();
    return new WeakBroadcastSender<T>(this.#s);
  }

  /** Live strong senders. */
  strongCount(): number {
    return this.#s.senders;
  }

  /** Live weak senders. */
  weakCount(): number {
    return this.#s.weak;
  }

  /** True if no message is kept that some receiver has not read. */
  isEmpty(): boolean {
    return this.len() === 0;
  }

  /**
   * True if `other` is a sender or receiver of the same channel (Tokio's `same_channel`).
   *
   * @example
   * ```ts
   * import { broadcast } from 'tokio-ts/sync';
   *
   * const [tx, rx] = broadcast.channel<number>(4);
   * const [other] = broadcast.channel<number>(4);
   * console.log(tx.sameChannel(rx), tx.sameChannel(tx.subscribe()), tx.sameChannel(other)); // true true false
   * ```
   */
  sameChannel(other: BroadcastSender<T> | BroadcastReceiver<T>): boolean {
    return other.shared === this.#s;
  }

  /** @internal */
  get shared(): Shared<T> {
    return this.#s;
  }

  /**
   * Waits until every receiver is closed (a `subscribe()` meanwhile reopens
   * the channel and the wait goes on). Completes at once with no receiver.
   * Spends one unit of coop budget when it completes.
   *
   * @example
   * ```ts
   * import { main, spawn } from 'tokio-ts';
   * import { broadcast } from 'tokio-ts/sync';
   *
   * main(function* () {
   *   const [tx, rx] = broadcast.channel<number>(4);
   *   spawn(function* () { rx.close(); });
   *   yield* tx.closed();
   *   console.log(tx.receiverCount()); // 0
   * });
   * ```
   *
   * ## Cancel safety
   * Cancel safe.
   */
  closed(): Future<void> {
    const s = this.#s;
    return { [Symbol.iterator]: () => new SetClosedWait(s, 'broadcast closed()') };
  }

  /**
   * Drops this sender. Once every sender (clones and upgrades included) is
   * closed, receivers read what is kept, then get `RecvError` `closed`.
   * Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#s.dropSender();
  }

  #checkOpen(): void {
    if (this.#closed) throw new Error('tokio-ts: this broadcast sender was closed');
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/** What {@link BroadcastReceiver.tryRecv} found. */
export type BroadcastTryRecv<T> =
  | { ok: true; value: T }
  | { ok: false; reason: 'empty' | 'closed' }
  | { ok: false; reason: 'lagged'; skipped: number };

/**
 * A receiving half of a broadcast channel.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { broadcast, RecvError } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const [tx, rx] = broadcast.channel<number>(2);
 *   for (let i = 0; i < 5; i++) tx.send(i);
 *   try { yield* rx.recv(); } catch (e) { console.log((e as RecvError).skipped); } // 3
 *   console.log(yield* rx.recv()); // 3
 * });
 * ```
 */
export class BroadcastReceiver<T> {
  readonly #s: Shared<T>;
  /** position of the next message this receiver reads */
  #next: number;

  /** @internal */
  constructor(s: Shared<T>) {
    this.#s = s;
    this.#next = s.tail;
    s.receivers.add(this);
  }

  /** @internal */
  get position(): number {
    return this.#next;
  }

  /**
   * Receives the next message.
   *
   * ## Cancel safety
   * Cancel safe: the receiver's position moves only when it resumes.
   *
   * ## Errors
   * {@link RecvError} `lagged` (with `skipped`) if it fell behind, after which
   * it continues from the oldest kept message; `closed` at the end.
   */
  recv(): Future<T> {
    return { [Symbol.iterator]: () => new RecvLeaf<T>(this) };
  }

  /** The next message without waiting. */
  tryRecv(): BroadcastTryRecv<T> {
    const s = this.#s;
    const oldest = s.tail - s.cap;
    if (this.#next < oldest) {
      const skipped = oldest - this.#next;
      this.#next = oldest;
      return { ok: false, reason: 'lagged', skipped };
    }
    if (this.#next < s.tail) {
      const value = s.buf[this.#next % s.cap] as T;
      this.#next++;
      return { ok: true, value };
    }
    return { ok: false, reason: s.closed ? 'closed' : 'empty' };
  }

  /** A new receiver of the same channel that sees only messages sent from now on. */
  resubscribe(): BroadcastReceiver<T> {
    return new BroadcastReceiver<T>(this.#s);
  }

  /**
   * Messages sent that this receiver has not received yet, counting those it
   * lagged past and will not see (Tokio's `Receiver::len`).
   *
   * @example
   * ```ts
   * import { broadcast } from 'tokio-ts/sync';
   *
   * const [tx, rx] = broadcast.channel<number>(2);
   * for (let i = 0; i < 3; i++) tx.send(i);
   * console.log(rx.len()); // 3 (one of them lost: recv reports the lag)
   * ```
   */
  len(): number {
    return this.#s.tail - this.#next;
  }

  /** True if {@link len} is 0. */
  isEmpty(): boolean {
    return this.#s.tail === this.#next;
  }

  /**
   * True once every strong sender is closed (Tokio's `Receiver::is_closed`);
   * messages still kept can be read.
   *
   * @example
   * ```ts
   * import { broadcast } from 'tokio-ts/sync';
   *
   * const [tx, rx] = broadcast.channel<number>(4);
   * const weak = tx.downgrade();
   * tx.send(1);
   * tx.close();
   * console.log(rx.isClosed(), rx.senderStrongCount(), rx.senderWeakCount()); // true 0 1
   * console.log(rx.tryRecv()); // { ok: true, value: 1 }
   * weak.close();
   * ```
   */
  isClosed(): boolean {
    return this.#s.closed;
  }

  /** Live strong senders, as Tokio's `sender_strong_count`. */
  senderStrongCount(): number {
    return this.#s.senders;
  }

  /** Live weak senders, as Tokio's `sender_weak_count`. */
  senderWeakCount(): number {
    return this.#s.weak;
  }

  /**
   * True if `other` is a sender or receiver of the same channel (Tokio's `same_channel`).
   *
   * @example
   * ```ts
   * import { broadcast } from 'tokio-ts/sync';
   *
   * const [tx, rx] = broadcast.channel<number>(4);
   * console.log(rx.sameChannel(tx), rx.sameChannel(broadcast.channel<number>(4)[1])); // true false
   * ```
   */
  sameChannel(other: BroadcastSender<T> | BroadcastReceiver<T>): boolean {
    return other.shared === this.#s;
  }

  /** Drops this receiver: once the last one goes, the senders' `closed()` completes. Idempotent. */
  close(): void {
    this.#s.dropReceiver(this);
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal */
  get shared(): Shared<T> {
    return this.#s;
  }
}

class RecvLeaf<T> implements Iterator<Suspend, T, unknown>, Waiting {
  readonly #rx: BroadcastReceiver<T>;
  #parked = false;
  #task: Task | null = null;

  constructor(rx: BroadcastReceiver<T>) {
    this.#rx = rx;
  }

  next(): IteratorResult<Suspend, T> {
    const rx = this.#rx;
    const s = rx.shared;
    if ((rx.position < s.tail || s.closed) && !this.#parked && !coopProceed()) {
      this.#parked = true;
      return parkForBudget(this);
    }
    const r = rx.tryRecv();
    if (r.ok) return { done: true, value: r.value };
    if (r.reason === 'lagged') throw new RecvError('lagged', r.skipped);
    if (r.reason === 'closed') throw new RecvError('closed');
    const t = currentTask();
    this.#parked = true;
    this.#task = t;
    this.#rx.shared.waiters.add(t);
    t.waitingOn = this;
    return SUSPENDED;
  }

  cancelWait(): void {
    if (this.#task !== null) this.#rx.shared.waiters.delete(this.#task);
  }

  describe(): string {
    return 'broadcast recv';
  }
}

/**
 * A broadcast sender that does not keep the channel open: `upgrade()` gives
 * a {@link BroadcastSender} while at least one strong sender is alive, else
 * undefined. `close()` (or `using`) drops it.
 *
 * @example
 * ```ts
 * import { broadcast } from 'tokio-ts/sync';
 *
 * const [tx, rx] = broadcast.channel<number>(4);
 * const weak = tx.downgrade();
 * console.log(tx.strongCount(), tx.weakCount()); // 1 1
 * weak.upgrade()?.close();
 * tx.close();
 * console.log(weak.upgrade(), rx.tryRecv()); // undefined { ok: false, reason: 'closed' }
 * weak.close();
 * ```
 */
export class WeakBroadcastSender<T> {
  readonly #s: Shared<T>;
  #closed = false;

  /** @internal */
  constructor(s: Shared<T>) {
    this.#s = s;
    s.weak++;
    weakRegistry.register(this, s as Shared<unknown>, this);
  }

  /** A new strong sender, or undefined once every strong sender is gone. Throws if this weak sender was closed. */
  upgrade(): BroadcastSender<T> | undefined {
    if (this.#closed) throw new Error('tokio-ts: this weak broadcast sender was closed');
    const s = this.#s;
    if (s.senders === 0) return undefined;
    s.senders++;
    return new BroadcastSender<T>(s);
  }

  /** Live strong senders. */
  strongCount(): number {
    return this.#s.senders;
  }

  /** Live weak senders. */
  weakCount(): number {
    return this.#s.weak;
  }

  /** Drops this weak sender (the weak count goes down). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#s.weak--;
    weakRegistry.unregister(this);
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

// A weak sender not closed explicitly is counted down when it is collected.
const weakRegistry = new FinalizationRegistry<Shared<unknown>>((s) => {
  s.weak--;
});
