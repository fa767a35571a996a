/**
 * `mpsc`: multi-producer, single-consumer channels, bounded and unbounded.
 *
 * How and why: messages sit in a power-of-two ring buffer. A bounded sender
 * that finds no free slot queues (FIFO, intrusive list) and is granted a
 * *slot*, not a delivery: it pushes its own message when it resumes, so a send
 * cancelled after its grant gives the slot to the next sender and its message
 * was never sent (Tokio's guarantee). The receiver is only woken; it takes the
 * message from the buffer when it runs, so a cancelled `recv` loses nothing.
 */
import type { Future, Suspend } from '../../future/future.js';
import {
  coopProceed,
  currentTask,
  parkForBudget,
  SUSPENDED,
  type Waiting,
} from '../../runtime/context.js';
import { debugFutures, markDriven, trackCreated } from '../../runtime/debug.js';
import { instrument } from '../../runtime/instrument.js';
import { LinkedList, type ListNode } from '../../runtime/linked-list.js';
import type { Task } from '../../runtime/task.js';
import { Elapsed } from '../../time/error.js';
import { timeout } from '../../time/timeout.js';
import { SetClosedWait } from '../closed-wait.js';
import { refuseUndefined, SendError, SendTimeoutError } from '../error.js';

/** @internal */
class Chan<T> {
  // The message ring, inline (power-of-two array, index of the oldest,
  // length): one object less to reach on every send and recv than a
  // RingBuffer field. Plain fields, not `#private`, as in the leaves.
  ring: (T | undefined)[] = newRing<T>(16);
  mask = 15;
  first = 0;
  /** messages buffered */
  len = 0;
  readonly cap: number;
  /** slots granted to senders that have not pushed yet */
  reserved = 0;
  senders = 1;
  /** weak senders alive (they do not keep the channel open) */
  weak = 0;
  rxClosed = false;
  recvTask: Task | null = null;
  readonly sendWaiters = new LinkedList<SendLeaf<T>>();
  readonly closedWaiters = new Set<Task>();
  /**
   * What a send that finds `len + reserved < limit` may deliver at once
   * against: the capacity while no sender is queued and the receiver is
   * open, else 0. One comparison on the hot path instead of three (room,
   * nobody queued first, not closed); kept by {@link regate}. A small
   * integer even for an unbounded channel (whose sends never read it).
   */
  limit: number;

  constructor(cap: number) {
    this.cap = cap;
    this.limit = openLimit(cap);
    if (instrument !== null) instrument.resource(this);
  }

  /** @internal the console's snapshot reads `buf.length` (kept off the hot path) */
  get buf(): { readonly length: number } {
    return { length: this.len };
  }

  /** @internal for `closed()` */
  get rxGone(): boolean {
    return this.rxClosed;
  }

  hasSlot(): boolean {
    return this.len + this.reserved < this.cap;
  }

  /** Free slots right now (neither buffered nor reserved); Infinity when unbounded. */
  free(): number {
    return Math.max(0, this.cap - this.len - this.reserved);
  }

  hasSlots(n: number): boolean {
    return this.len + this.reserved + n <= this.cap;
  }

  /** No message can come any more: every sender and permit is gone (or the receiver closed) and the buffer is drained. */
  ended(): boolean {
    return (this.senders === 0 || this.rxClosed) && this.reserved === 0 && this.len === 0;
  }

  /** Removes and returns the oldest message; the caller checked `len > 0`. */
  take(): T {
    const items = this.ring;
    const i = this.first;
    const v = items[i] as T;
    items[i] = undefined;
    this.first = (i + 1) & this.mask;
    this.len--;
    return v;
  }

  /** A strong sender went away (closed, or moved into a permit that failed). */
  dropSender(): void {
    this.senders--;
    if (this.senders === 0) this.wakeReceiver();
  }

  /** A reserved slot was given back unused. */
  unreserve(n: number): void {
    this.reserved -= n;
    this.admit();
    // the last outstanding slot is gone: a closed channel has ended
    if (this.reserved === 0 && (this.senders === 0 || this.rxClosed)) this.wakeReceiver();
  }

  push(v: T): void {
    let items = this.ring;
    const n = this.len;
    if (n === items.length) items = this.grow();
    items[(this.first + n) & this.mask] = v;
    this.len = n + 1;
    const t = this.recvTask;
    if (t !== null) {
      this.recvTask = null;
      t.wake();
    }
  }

  grow(): (T | undefined)[] {
    const old = this.ring;
    const n = old.length;
    const next = newRing<T>(n * 2);
    for (let i = 0; i < n; i++) next[i] = old[(this.first + i) & this.mask];
    this.ring = next;
    this.first = 0;
    this.mask = n * 2 - 1;
    return next;
  }

  /** Grants free slots to queued senders, FIFO. */
  admit(): void {
    for (
      let w = this.sendWaiters.head;
      w !== null && this.hasSlots(w.need);
      w = this.sendWaiters.head
    ) {
      this.sendWaiters.shift();
      this.reserved += w.need;
      w.grant();
    }
    this.regate();
  }

  /** Recomputes {@link limit} after the queue of senders or the receiver's state changed. */
  regate(): void {
    this.limit = this.rxClosed || this.sendWaiters.head !== null ? 0 : openLimit(this.cap);
  }

  wakeReceiver(): void {
    const t = this.recvTask;
    if (t !== null) {
      this.recvTask = null;
      t.wake();
    }
  }

  closeRx(): void {
    if (this.rxClosed) return;
    this.rxClosed = true;
    this.limit = 0;
    for (let w = this.sendWaiters.shift(); w !== null; w = this.sendWaiters.shift()) w.fail();
    for (const t of this.closedWaiters) t.wake();
    this.closedWaiters.clear();
    // a recv parked in another task re-checks: it ends now unless slots are still reserved
    this.wakeReceiver();
  }
}

/** {@link Chan.limit} while nobody queues: the capacity, or a large small integer when unbounded. */
function openLimit(cap: number): number {
  return Math.min(cap, 0x3fff_ffff);
}

/** A ring of `n` (a power of two) empty slots, packed (no hole checks on reads). */
function newRing<T>(n: number): (T | undefined)[] {
  const a: (T | undefined)[] = [];
  for (let i = 0; i < n; i++) a.push(undefined);
  return a;
}

/**
 * A bounded channel with room for `capacity` messages: a sender waits when it
 * is full (backpressure).
 *
 * @example
 * ```ts
 * import { main, spawn } from 'tokio-ts';
 * import { mpsc } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const [tx, rx] = mpsc.channel<number>(16);
 *   spawn(function* () {
 *     for (let i = 0; i < 3; i++) yield* tx.send(i);
 *     tx.close();
 *   });
 *   for (let v = yield* rx.recv(); v !== undefined; v = yield* rx.recv()) console.log(v); // 0 1 2
 * });
 * ```
 *
 * ## Errors
 * `RangeError` if `capacity` is not an integer >= 1.
 */
export function channel<T>(capacity: number): [Sender<T>, Receiver<T>] {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`mpsc.channel: capacity must be an integer >= 1, got ${capacity}`);
  }
  const c = new Chan<T>(capacity);
  return [new Sender<T>(c), new Receiver<T>(c)];
}

/**
 * An unbounded channel: `send` never waits (it is synchronous).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { mpsc } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const [tx, rx] = mpsc.unboundedChannel<string>();
 *   tx.send('a');
 *   console.log(yield* rx.recv()); // a
 * });
 * ```
 */
export function unboundedChannel<T>(): [UnboundedSender<T>, Receiver<T>] {
  const c = new Chan<T>(Number.POSITIVE_INFINITY);
  return [new UnboundedSender<T>(c), new Receiver<T>(c)];
}

/** What {@link Sender.trySend} found. */
export type TrySendResult = 'ok' | 'full' | 'closed';

class SenderBase<T> {
  /** @internal */
  readonly chan: Chan<T>;
  #closed = false;

  /** @internal */
  constructor(chan: Chan<T>) {
    this.chan = chan;
  }

  /** Drops this sender; when every sender is closed the receiver sees the end. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.chan.dropSender();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** True once the receiver is closed or gone. */
  isClosed(): boolean {
    return this.chan.rxClosed;
  }

  /** Live senders (strong), as Tokio's `strong_count`. */
  strongCount(): number {
    return this.chan.senders;
  }

  /** Live weak senders. */
  weakCount(): number {
    return this.chan.weak;
  }

  /** True if both senders feed the same channel. */
  sameChannel(other: SenderBase<T>): boolean {
    return this.chan === other.chan;
  }

  /**
   * Waits until the receiver is closed. Spends one unit of coop budget when
   * it completes (Tokio's does not; a loop over it would starve others).
   *
   * ## Cancel safety
   * Cancel safe.
   */
  closed(): Future<void> {
    return { [Symbol.iterator]: () => new SetClosedWait(this.chan, 'mpsc closed()') };
  }

  /** @internal */
  checkOpen(): void {
    if (this.#closed) throw new Error('tokio-ts: this sender was closed');
  }

  /** @internal this handle's count moves elsewhere (an owned permit): the handle is spent */
  moveOut(): Chan<T> {
    this.checkOpen();
    this.#closed = true;
    return this.chan;
  }
}

/**
 * The sending half of a bounded channel; `clone()` it for more producers.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { mpsc } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const [tx, rx] = mpsc.channel<string>(1);
 *   const tx2 = tx.clone();
 *   console.log(tx.trySend('a'), tx2.trySend('b')); // ok full
 *   console.log(yield* rx.recv()); // a
 * });
 * ```
 */
export class Sender<T> extends SenderBase<T> {
  /**
   * Sends `value`, waiting for room while the channel is full. Senders are
   * served in FIFO order. The future is single-use: once it has completed,
   * this sender hands the same object to a later `send` (no allocation per
   * message), so drive each `send(…)` once, where it is created.
   *
   * ## Cancel safety
   * Cancel safe: if it is cancelled (a lost `select`, a timeout), the message
   * was not sent, and a slot it was granted goes to the next sender.
   *
   * ## Errors
   * Throws {@link SendError} carrying the value if the receiver is gone;
   * `TypeError` for `undefined`.
   */
  send(value: T): Future<void> {
    refuseUndefined(value);
    // this sender's last send future, if it completed at once: used again
    const s = this.#one;
    if (s.state === SEND_DONE) {
      s.state = SEND_FRESH;
      s.value = value;
      return s;
    }
    const f = new SendOne<T>(this.chan, value, SEND_FRESH);
    this.#one = f; // the newest becomes the reusable one
    return f;
  }

  // (made idle with the sender: the hot path has no null check)
  #one: SendOne<T> = new SendOne<T>(this.chan, undefined as T, SEND_DONE);

  /**
   * Like {@link send}, but gives up after `ms` of waiting for room.
   *
   * ## Cancel safety
   * Cancel safe, as `send`.
   *
   * ## Errors
   * Throws {@link SendTimeoutError} carrying the value: `kind: 'timeout'`
   * when the channel stayed full for `ms`, `'closed'` if the receiver is gone.
   */
  *sendTimeout(value: T, ms: number): Generator<Suspend, void, unknown> {
    try {
      yield* timeout(ms, this.send(value));
    } catch (e) {
      if (e instanceof Elapsed) throw new SendTimeoutError('timeout', value);
      if (e instanceof SendError) throw new SendTimeoutError('closed', value);
      throw e;
    }
  }

  /**
   * Waits for a free slot and reserves it: `permit.send(v)` then delivers
   * without waiting and cannot fail; `permit.release()` gives the slot back.
   * Reserve first, then produce the value: the cancel-safe way to send.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { mpsc } from 'tokio-ts/sync';
   *
   * main(function* () {
   *   const [tx, rx] = mpsc.channel<string>(1);
   *   const permit = yield* tx.reserve();
   *   console.log(tx.trySend('other')); // full (the slot is reserved)
   *   permit.send('reserved');
   *   console.log(yield* rx.recv()); // reserved
   * });
   * ```
   *
   * ## Cancel safety
   * Cancel safe: a slot granted to a cancelled `reserve` goes to the next
   * waiter. Waiting senders and reserves share one FIFO queue.
   *
   * ## Errors
   * Throws {@link SendError} if the receiver is closed.
   */
  reserve(): Future<Permit<T>> {
    return new SendLeaf<T>(this.chan, undefined as T, Mode.Reserve, 1) as unknown as Future<
      Permit<T>
    >;
  }

  /**
   * Reserves `n` slots at once (waiting until all are free; FIFO with the
   * other senders). Returns a {@link PermitIterator} handing out one
   * {@link Permit} per slot; `release()` gives the unused ones back.
   *
   * ## Cancel safety
   * Cancel safe, as {@link reserve}.
   *
   * ## Errors
   * `RangeError` if `n` exceeds the channel's capacity; {@link SendError}
   * if the receiver is closed.
   */
  reserveMany(n: number): Future<PermitIterator<T>> {
    if (!Number.isInteger(n) || n < 0 || n > this.chan.cap)
      throw new RangeError(`reserveMany(n): n must be an integer in 0..${this.chan.cap}, got ${n}`);
    return new SendLeaf<T>(this.chan, undefined as T, Mode.ReserveMany, n) as unknown as Future<
      PermitIterator<T>
    >;
  }

  /** Reserves a slot without waiting: a {@link Permit}, `'full'` or `'closed'`. */
  tryReserve(): Permit<T> | 'full' | 'closed' {
    const c = this.chan;
    if (c.rxClosed) return 'closed';
    if (c.sendWaiters.head !== null || !c.hasSlot()) return 'full';
    c.reserved++;
    return new Permit<T>(c);
  }

  /**
   * Reserves `n` slots without waiting: a {@link PermitIterator}, `'full'`
   * (not enough free slots, others queued first, or `n` above the capacity)
   * or `'closed'`. `n = 0` succeeds even on a full channel.
   *
   * @example
   * ```ts
   * import { mpsc } from 'tokio-ts/sync';
   *
   * const [tx, rx] = mpsc.channel<number>(2);
   * const permits = tx.tryReserveMany(2);
   * if (typeof permits !== 'string') {
   *   for (let p = permits.next(); p !== undefined; p = permits.next()) p.send(7);
   * }
   * console.log(tx.tryReserveMany(1), rx.len()); // full 2
   * ```
   *
   * ## Errors
   * `RangeError` if `n` is not an integer >= 0.
   */
  tryReserveMany(n: number): PermitIterator<T> | 'full' | 'closed' {
    if (!Number.isInteger(n) || n < 0)
      throw new RangeError(`tryReserveMany(n): n must be an integer >= 0, got ${n}`);
    const c = this.chan;
    if (c.rxClosed) return 'closed';
    if (n > 0 && (c.sendWaiters.head !== null || !c.hasSlots(n))) return 'full';
    c.reserved += n;
    return new PermitIterator<T>(c, n);
  }

  /**
   * Waits for a free slot, as {@link reserve}, and moves this sender into the
   * returned {@link OwnedPermit} (Tokio's `reserve_owned(self)`): this handle
   * is spent at once, and `permit.send(v)` or `permit.release()` hands back a
   * Sender. Reserve on a clone to keep this one: `tx.clone().reserveOwned()`.
   * The permit, not tied to this handle, can be passed to another task.
   *
   * @example
   * ```ts
   * import { main, spawn } from 'tokio-ts';
   * import { mpsc } from 'tokio-ts/sync';
   *
   * main(function* () {
   *   const [tx, rx] = mpsc.channel<string>(1);
   *   const permit = yield* tx.clone().reserveOwned();
   *   spawn(function* () {
   *     permit.send('from the permit').close(); // send hands back the sender
   *   });
   *   tx.close();
   *   console.log(yield* rx.recv(), yield* rx.recv()); // from the permit undefined
   * });
   * ```
   *
   * ## Cancel safety
   * Cancel safe as {@link reserve}; a cancelled or failed call closes the
   * moved sender (Rust drops it with the future).
   *
   * ## Errors
   * {@link SendError} if the receiver is closed; an Error if this sender was
   * already closed or moved.
   */
  reserveOwned(): Future<OwnedPermit<T>> {
    return new SendLeaf<T>(
      this.moveOut(),
      undefined as T,
      Mode.ReserveOwned,
      1,
    ) as unknown as Future<OwnedPermit<T>>;
  }

  /**
   * {@link reserveOwned} without waiting: an {@link OwnedPermit} (this sender
   * moved into it), or `'full'`/`'closed'` (this sender is then untouched).
   *
   * @example
   * ```ts
   * import { mpsc } from 'tokio-ts/sync';
   *
   * const [tx, rx] = mpsc.channel<number>(1);
   * const permit = tx.clone().tryReserveOwned();
   * console.log(tx.tryReserveOwned()); // full: tx is still usable
   * if (typeof permit !== 'string') permit.send(1).close();
   * console.log(rx.len()); // 1
   * ```
   */
  tryReserveOwned(): OwnedPermit<T> | 'full' | 'closed' {
    this.checkOpen();
    const c = this.chan;
    if (c.rxClosed) return 'closed';
    if (c.sendWaiters.head !== null || !c.hasSlot()) return 'full';
    this.moveOut();
    c.reserved++;
    return new OwnedPermit<T>(c);
  }

  /** A {@link WeakSender}: it can make a Sender while others exist, but does not keep the channel open. */
  downgrade(): WeakSender<T> {
    return new WeakSender<T>(this.chan);
  }

  /** Sends without waiting: `'ok'`, `'full'` or `'closed'`. */
  trySend(value: T): TrySendResult {
    refuseUndefined(value);
    const c = this.chan;
    if (c.rxClosed) return 'closed';
    if (c.sendWaiters.head !== null || !c.hasSlot()) return 'full';
    c.push(value);
    return 'ok';
  }

  /** Free slots right now. */
  capacity(): number {
    return this.chan.free();
  }

  /** The capacity the channel was created with. */
  maxCapacity(): number {
    return this.chan.cap;
  }

  /** Another sender of the same channel. */
  clone(): Sender<T> {
    this.checkOpen();
    this.chan.senders++;
    return new Sender<T>(this.chan);
  }
}

/**
 * One reserved slot of a bounded channel ({@link Sender.reserve}).
 * `send(v)` delivers at once and cannot fail for lack of room; `release()`
 * (or `using`) gives the slot back unused. Releasing twice is a no-op.
 *
 * JavaScript has no drop: hold a permit with `using` (or release it in a
 * `finally`) so that a task cancelled while holding it gives the slot back;
 * an unreleased permit keeps its slot, and the receiver keeps waiting for it.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { mpsc } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const [tx, rx] = mpsc.channel<number>(1);
 *   {
 *     using permit = yield* tx.reserve(); // given back at the end of the block unless used
 *     permit.send(42);
 *   }
 *   console.log(yield* rx.recv()); // 42
 * });
 * ```
 */
export class Permit<T> {
  #chan: Chan<T> | null;

  /** @internal */
  constructor(chan: Chan<T>) {
    this.#chan = chan;
  }

  /**
   * Sends `value` into the reserved slot. After the receiver's `close()` the
   * value is still delivered (Tokio: outstanding permits may still send).
   */
  send(value: T): void {
    refuseUndefined(value);
    const c = this.#chan;
    if (c === null) throw new Error('tokio-ts: this permit was already used');
    this.#chan = null;
    c.reserved--;
    c.push(value);
  }

  /** Gives the slot back unused. Idempotent. */
  release(): void {
    const c = this.#chan;
    if (c === null) return;
    this.#chan = null;
    c.unreserve(1);
  }

  [Symbol.dispose](): void {
    this.release();
  }
}

/**
 * One reserved slot that owns its sender ({@link Sender.reserveOwned}), so it
 * can travel to another task: `send(v)` delivers at once and hands the
 * Sender back; `release()` gives the slot back and hands the Sender back;
 * `close()` (or `using`) gives back both the slot and the sender, as
 * dropping it does in Rust. The sender counts as alive while the permit is.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { mpsc } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const [tx, rx] = mpsc.channel<number>(1);
 *   const permit = yield* tx.reserveOwned(); // tx is moved into the permit
 *   const tx2 = permit.release(); // the slot goes back; here is the sender
 *   console.log(tx2.capacity()); // 1
 *   tx2.close();
 *   console.log(yield* rx.recv()); // undefined
 * });
 * ```
 */
export class OwnedPermit<T> {
  #chan: Chan<T> | null;

  /** @internal the permit owns one sender count and one reserved slot */
  constructor(chan: Chan<T>) {
    this.#chan = chan;
  }

  #take(): Chan<T> {
    const c = this.#chan;
    if (c === null) throw new Error('tokio-ts: this owned permit was already used');
    this.#chan = null;
    return c;
  }

  /**
   * Sends `value` into the reserved slot and returns the sender. After the
   * receiver's `close()` the value is still delivered, as with {@link Permit}.
   * Throws if the permit was already used.
   */
  send(value: T): Sender<T> {
    refuseUndefined(value);
    const c = this.#take();
    c.reserved--;
    c.push(value);
    return new Sender<T>(c);
  }

  /** Gives the slot back unused and returns the sender. Throws if the permit was already used. */
  release(): Sender<T> {
    const c = this.#take();
    c.unreserve(1);
    return new Sender<T>(c);
  }

  /** Gives back the slot and closes the sender (Rust's drop). Idempotent; a no-op once used. */
  close(): void {
    const c = this.#chan;
    if (c === null) return;
    this.#chan = null;
    c.unreserve(1);
    c.dropSender();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Several reserved slots ({@link Sender.reserveMany}): `next()` hands out
 * one {@link Permit} per slot, `release()` gives back the ones not handed out.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { mpsc } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const [tx, rx] = mpsc.channel<string>(4);
 *   const permits = yield* tx.reserveMany(3);
 *   permits.next()!.send('a');
 *   permits.next()!.send('b');
 *   permits.release(); // the third slot goes back
 *   console.log(yield* rx.recv(), yield* rx.recv(), tx.capacity()); // a b 4
 * });
 * ```
 */
export class PermitIterator<T> {
  readonly #chan: Chan<T>;
  #left: number;

  /** @internal */
  constructor(chan: Chan<T>, n: number) {
    this.#chan = chan;
    this.#left = n;
  }

  /** The next permit, or undefined when all were handed out. */
  next(): Permit<T> | undefined {
    if (this.#left === 0) return undefined;
    this.#left--;
    return new Permit<T>(this.#chan);
  }

  /** Permits not handed out yet. */
  len(): number {
    return this.#left;
  }

  /** Gives back the slots not handed out. Idempotent. */
  release(): void {
    if (this.#left === 0) return;
    const n = this.#left;
    this.#left = 0;
    this.#chan.unreserve(n);
  }

  [Symbol.dispose](): void {
    this.release();
  }
}

/** What both weak senders share: they count, and do not keep the channel open. */
class WeakBase<T> {
  /** @internal */
  readonly chan: Chan<T>;
  #closed = false;

  /** @internal */
  constructor(chan: Chan<T>) {
    this.chan = chan;
    chan.weak++;
    weakRegistry.register(this, chan as Chan<unknown>, this);
  }

  /** @internal counts a new strong sender if one is still alive */
  protected strong(): boolean {
    if (this.#closed) throw new Error('tokio-ts: this weak sender was closed');
    const c = this.chan;
    if (c.senders === 0) return false;
    c.senders++;
    return true;
  }

  /**
   * Drops this weak sender now (Rust's drop): `weakCount()` goes down at
   * once instead of when it is garbage-collected. Idempotent; `upgrade()`
   * then throws.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.chan.weak--;
    weakRegistry.unregister(this);
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** Live senders (strong). */
  strongCount(): number {
    return this.chan.senders;
  }

  /** Live weak senders. */
  weakCount(): number {
    return this.chan.weak;
  }
}

/**
 * A sender that does not keep the channel open: `upgrade()` gives a
 * {@link Sender} while at least one strong sender is alive, else undefined.
 *
 * @example
 * ```ts
 * import { mpsc } from 'tokio-ts/sync';
 *
 * const [tx] = mpsc.channel<number>(4);
 * const weak = tx.downgrade();
 * const strong = weak.upgrade(); // a Sender: close it like any other
 * console.log(strong !== undefined, tx.weakCount()); // true 1
 * strong?.close();
 * weak.close(); // counted down at once, not at garbage collection
 * console.log(tx.weakCount()); // 0
 * tx.close();
 * ```
 */
export class WeakSender<T> extends WeakBase<T> {
  /** A new strong Sender, or undefined once every strong sender is gone. */
  upgrade(): Sender<T> | undefined {
    return this.strong() ? new Sender<T>(this.chan) : undefined;
  }
}

// A weak sender not closed explicitly is counted down when it is collected.
const weakRegistry = new FinalizationRegistry<Chan<unknown>>((c) => {
  c.weak--;
});

/**
 * The sending half of an unbounded channel.
 *
 * @example
 * ```ts
 * import { mpsc } from 'tokio-ts/sync';
 *
 * const [tx] = mpsc.unboundedChannel<number>();
 * tx.send(1);
 * ```
 */
export class UnboundedSender<T> extends SenderBase<T> {
  /**
   * Sends at once.
   *
   * ## Errors
   * Throws {@link SendError} carrying the value if the receiver is gone.
   */
  send(value: T): void {
    refuseUndefined(value);
    const c = this.chan;
    if (c.rxClosed) throw new SendError(value);
    c.push(value);
  }

  clone(): UnboundedSender<T> {
    this.checkOpen();
    this.chan.senders++;
    return new UnboundedSender<T>(this.chan);
  }

  /** A {@link WeakUnboundedSender}: it can make a sender while others exist, but does not keep the channel open. */
  downgrade(): WeakUnboundedSender<T> {
    return new WeakUnboundedSender<T>(this.chan);
  }
}

/**
 * The weak form of an {@link UnboundedSender}: `upgrade()` gives an
 * UnboundedSender while at least one strong sender is alive, else undefined.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { mpsc } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const [tx, rx] = mpsc.unboundedChannel<string>();
 *   const weak = tx.downgrade();
 *   const up = weak.upgrade()!; // a strong sender: close it like any other
 *   up.send('via an upgraded sender');
 *   up.close();
 *   tx.close();
 *   console.log(yield* rx.recv()); // via an upgraded sender
 *   console.log(weak.upgrade()); // undefined: no strong sender is left
 *   console.log(yield* rx.recv()); // undefined: the weak one does not keep it open
 * });
 * ```
 */
export class WeakUnboundedSender<T> extends WeakBase<T> {
  /** A new strong UnboundedSender, or undefined once every strong sender is gone. */
  upgrade(): UnboundedSender<T> | undefined {
    return this.strong() ? new UnboundedSender<T>(this.chan) : undefined;
  }
}

/** What {@link Receiver.tryRecv} found. */
export type TryRecvResult<T> =
  | { ok: true; value: T }
  | { ok: false; reason: 'empty' | 'disconnected' };

/**
 * The receiving half of a channel.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { mpsc } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const [tx, rx] = mpsc.channel<number>(4);
 *   tx.trySend(1);
 *   console.log(rx.tryRecv(), rx.len()); // { ok: true, value: 1 } 0
 * });
 * ```
 */
export class Receiver<T> {
  readonly #chan: Chan<T>;

  /** @internal */
  constructor(chan: Chan<T>) {
    this.#chan = chan;
    this.#leaf = new RecvLeaf<T>(chan, RECV_IDLE);
  }

  /**
   * Receives the next message; `undefined` once every sender is closed and the
   * buffer is drained.
   *
   * ## Cancel safety
   * Cancel safe: a message is taken only when the receiving task resumes.
   */
  recv(): Future<T | undefined> {
    // One consumer: the leaf of the last finished recv is used again (no
    // allocation per message); the newest leaf becomes the reusable one.
    const l = this.#leaf;
    if (l.state === RECV_IDLE) {
      l.state = RECV_FRESH;
      return l;
    }
    const n = new RecvLeaf<T>(this.#chan, RECV_FRESH);
    this.#leaf = n;
    return n;
  }

  // (made idle with the receiver: the hot path has no null check)
  #leaf: RecvLeaf<T>;

  /**
   * Receives up to `limit` messages into `buf` (at least one, waiting for it);
   * returns how many, 0 at the end of the channel.
   *
   * ## Cancel safety
   * Cancel safe.
   */
  *recvMany(buf: T[], limit: number): Generator<Suspend, number, unknown> {
    if (!(limit >= 1)) return 0;
    const first = yield* this.recv();
    if (first === undefined) return 0;
    buf.push(first);
    let n = 1;
    const c = this.#chan;
    while (n < limit && c.len > 0) {
      buf.push(c.take());
      n++;
    }
    c.admit();
    return n;
  }

  /** A message if one is buffered, without waiting. */
  tryRecv(): TryRecvResult<T> {
    const c = this.#chan;
    if (c.len > 0) {
      const value = c.take();
      c.admit();
      return { ok: true, value };
    }
    return { ok: false, reason: c.ended() ? 'disconnected' : 'empty' };
  }

  /** Stops new sends (they fail with SendError); buffered messages stay readable. */
  close(): void {
    this.#chan.closeRx();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** Buffered messages. */
  len(): number {
    return this.#chan.len;
  }

  isEmpty(): boolean {
    return this.#chan.len === 0;
  }

  /** Free slots right now (neither buffered nor reserved by a permit); `Infinity` when unbounded. */
  capacity(): number {
    return this.#chan.free();
  }

  /** The capacity the channel was created with (`Infinity` when unbounded). */
  maxCapacity(): number {
    return this.#chan.cap;
  }

  /** Live strong senders, as Tokio's `sender_strong_count`. */
  senderStrongCount(): number {
    return this.#chan.senders;
  }

  /** Live weak senders, as Tokio's `sender_weak_count`. */
  senderWeakCount(): number {
    return this.#chan.weak;
  }

  /** True once closed, or once every sender and permit is gone. */
  isClosed(): boolean {
    return this.#chan.rxClosed || (this.#chan.senders === 0 && this.#chan.reserved === 0);
  }

  /** Iterates the messages from plain async code (on the current runtime). */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    const { Runtime } = await import('../../runtime/runtime.js');
    const rt = Runtime.current();
    for (;;) {
      const v = await rt.blockOn(this.recv());
      if (v === undefined) return;
      yield v;
    }
  }
}

enum Mode {
  Send = 0,
  Reserve = 1,
  ReserveMany = 2,
  /** reserve one slot; the leaf owns a moved sender count */
  ReserveOwned = 3,
}

enum S {
  Init = 0,
  Waiting = 1,
  Granted = 2,
  Failed = 3,
  Done = 4,
}

/** The completion of every send (results are never mutated: one object). */
const SENT: IteratorResult<Suspend, void> = { done: true, value: undefined };

// Send and recv future states: module constants (the JIT folds them; an
// enum is an object whose properties are loaded).
/** created (or handed out again), not polled yet */
const SEND_FRESH = 0;
/** delivered on its first poll: its Sender may hand it out again */
const SEND_DONE = 1;
/** had to queue: the SendLeaf in `inner` does the rest */
const SEND_DELEGATED = 2;
/** delivered on its first poll, made in debug mode: never handed out again */
const SEND_SPENT = 3;

/**
 * `Sender.send`. With room in the channel (the common case) it delivers on
 * its first poll and its Sender hands the same object to the next `send` (no
 * allocation per message); only when it has to queue does it create the waiter
 * node ({@link SendLeaf}) and hand over to it. Out of budget, it parks
 * itself and retries from scratch when polled again. States are small
 * integers: no pointer store (write barrier) on the fast path.
 */
class SendOne<T> implements Future<void>, Iterator<Suspend, void, unknown>, Waiting {
  // plain fields, not `#private`: this object is polled once per message
  readonly chan: Chan<T>;
  /** the message until it is delivered (then undefined: nothing kept alive) */
  value: T;
  state: number;
  /**
   * The state a send that delivered at once enters: SEND_DONE (its Sender
   * may hand it out again), or SEND_SPENT when made in debug mode, which
   * tracks each future where it is created. Read from the object itself, so
   * the hot path loads no module binding.
   */
  readonly doneState: number;
  inner: SendLeaf<T> | null = null;

  /** `state` SEND_FRESH for a send, SEND_DONE for the idle one a Sender starts with. */
  constructor(chan: Chan<T>, value: T, state: number) {
    this.chan = chan;
    this.value = value;
    const done = debugFutures ? SEND_SPENT : SEND_DONE;
    this.doneState = done;
    if (state === SEND_FRESH) {
      this.state = SEND_FRESH;
      if (debugFutures) trackCreated(this, 'tx.send(…)');
    } else this.state = done;
  }

  [Symbol.iterator](): Iterator<Suspend, void, unknown> {
    if (this.doneState === SEND_SPENT) markDriven(this);
    return this;
  }

  next(): IteratorResult<Suspend, void> {
    if (this.state === SEND_FRESH) {
      const c = this.chan;
      if (c.len + c.reserved < c.limit) {
        if (!coopProceed()) return parkForBudget(this);
        this.state = this.doneState;
        const v = this.value;
        this.value = undefined as T;
        c.push(v);
        return SENT;
      }
      // closed, full or others queued first: the full protocol
      const leaf = new SendLeaf<T>(c, this.value);
      this.value = undefined as T;
      this.inner = leaf;
      this.state = SEND_DELEGATED;
      return leaf.next();
    }
    if (this.state === SEND_DELEGATED) return this.inner!.next();
    throw new Error('tokio-ts: mpsc send polled after it completed');
  }

  /** Parked only for budget: nothing was taken. */
  cancelWait(): void {}

  describe(): string {
    return 'mpsc send (out of coop budget)';
  }
}

// The leaves have no `#private` methods: each adds a brand slot to every
// instance and a brand check to every call.
class SendLeaf<T>
  implements Future<void>, Iterator<Suspend, void, unknown>, Waiting, ListNode<SendLeaf<T>>
{
  pv: SendLeaf<T> | null = null;
  nx: SendLeaf<T> | null = null;
  list: LinkedList<any> | null = null;
  readonly #chan: Chan<T>;
  readonly #value: T;
  /** Slots this waiter needs: 1 for send and reserve, n for reserveMany. */
  readonly need: number;
  readonly #mode: Mode;
  #state = S.Init;
  #task: Task | null = null;

  constructor(chan: Chan<T>, value: T, mode: Mode = Mode.Send, need = 1) {
    this.#chan = chan;
    this.#value = value;
    this.#mode = mode;
    this.need = need;
  }

  [Symbol.iterator](): Iterator<Suspend, void, unknown> {
    return this;
  }

  /** The result once `need` slots are reserved for this waiter. */
  take(): IteratorResult<Suspend, void> {
    const c = this.#chan;
    this.#state = S.Done;
    if (this.#mode === Mode.Send) {
      c.reserved--;
      c.push(this.#value);
      return SENT;
    }
    const mode = this.#mode;
    const permit =
      mode === Mode.Reserve
        ? new Permit<T>(c)
        : mode === Mode.ReserveOwned
          ? new OwnedPermit<T>(c)
          : new PermitIterator<T>(c, this.need);
    return { done: true, value: permit as unknown as undefined };
  }

  /** Fails: the value goes back in the error; a moved sender (reserveOwned) is dropped. */
  failed(): SendError<T> {
    this.#state = S.Done;
    if (this.#mode === Mode.ReserveOwned) this.#chan.dropSender();
    return new SendError(this.#value);
  }

  next(): IteratorResult<Suspend, void> {
    const c = this.#chan;
    switch (this.#state) {
      case S.Init: {
        if (c.rxClosed) {
          // a failure completes too, and spends budget (Tokio's semaphore acquire)
          if (!coopProceed()) return parkForBudget(this);
          throw this.failed();
        }
        if (c.sendWaiters.head === null && c.hasSlots(this.need)) {
          if (!coopProceed()) return parkForBudget(this);
          c.reserved += this.need;
          return this.take();
        }
        const t = currentTask();
        this.#task = t;
        this.#state = S.Waiting;
        c.sendWaiters.push(this);
        c.limit = 0; // later sends queue behind this one
        t.waitingOn = this;
        return SUSPENDED;
      }
      case S.Granted:
        if (c.rxClosed) {
          c.unreserve(this.need);
          throw this.failed();
        }
        return this.take();
      case S.Failed:
        throw this.failed();
      case S.Waiting:
        this.#task!.waitingOn = this;
        return SUSPENDED;
      default:
        throw new Error('tokio-ts: mpsc send polled after it completed');
    }
  }

  grant(): void {
    this.#state = S.Granted;
    this.#task!.wake();
  }

  fail(): void {
    this.#state = S.Failed;
    this.#task!.wake();
  }

  cancelWait(): void {
    const c = this.#chan;
    if (this.#state === S.Waiting) {
      c.sendWaiters.remove(this);
      // a cancelled head (say a reserveMany(n) waiting for n slots) may have
      // been holding back smaller waiters that fit in the free slots now
      c.admit();
    } else if (this.#state === S.Granted) c.unreserve(this.need);
    // a moved sender is dropped with the cancelled future, as in Rust
    if (this.#state !== S.Done && this.#mode === Mode.ReserveOwned) c.dropSender();
    this.#state = S.Done;
  }

  describe(): string {
    return 'mpsc send (channel full)';
  }
}

/** finished: its Receiver may hand it out again */
const RECV_IDLE = 0;
/** handed out, not polled yet */
const RECV_FRESH = 1;
/** registered as the receiving task, or yielded for budget */
const RECV_PARKED = 2;

class RecvLeaf<T>
  implements Future<T | undefined>, Iterator<Suspend, T | undefined, unknown>, Waiting
{
  // plain fields, not `#private`: this object is polled once per message
  readonly chan: Chan<T>;
  /**
   * The result object, reused too: the consumer reads it at once (yield*, or
   * the scheduler storing a task's result). It holds the last message until
   * the next recv completes or parks (cleared there, not in `recv()`: one
   * store less per message).
   */
  readonly res: { done: true; value: T | undefined } = { done: true, value: undefined };
  state: number;
  task: Task | null = null;

  constructor(chan: Chan<T>, state: number) {
    this.chan = chan;
    this.state = state;
  }

  [Symbol.iterator](): Iterator<Suspend, T | undefined, unknown> {
    return this;
  }

  next(): IteratorResult<Suspend, T | undefined> {
    const c = this.chan;
    const buffered = c.len > 0;
    if (buffered || c.ended()) {
      // woken (or re-polled after a budget yield): no second budget unit
      if (this.state === RECV_PARKED) this.task = null;
      else if (!coopProceed()) {
        this.state = RECV_PARKED;
        this.res.value = undefined;
        return parkForBudget(this);
      }
      this.state = RECV_IDLE;
      const res = this.res;
      if (buffered) {
        res.value = c.take();
        if (c.limit === 0) c.admit(); // a sender may be queued
      } else res.value = undefined;
      return res;
    }
    const t = currentTask();
    this.state = RECV_PARKED;
    this.res.value = undefined; // the previous message is not kept alive while we wait
    this.task = t;
    c.recvTask = t;
    t.waitingOn = this;
    return SUSPENDED;
  }

  cancelWait(): void {
    const c = this.chan;
    if (this.state === RECV_PARKED && c.recvTask === this.task) c.recvTask = null;
    this.task = null;
    this.state = RECV_IDLE;
  }

  describe(): string {
    return 'mpsc recv';
  }
}
