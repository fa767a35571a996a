/**
 * `sharedChannel`: a bounded multi-producer multi-consumer channel whose buffer
 * is a `SharedArrayBuffer`, so its ends can be passed to tasks on other threads.
 *
 * How and why: the ring is Vyukov's bounded MPMC queue (a sequence number per
 * slot; producers and consumers each claim a position with one CAS), so a send
 * or receive that finds room/data is a handful of atomic operations and never
 * suspends. Values are encoded into fixed-size slots: numbers as float64,
 * booleans and null as a tag, short strings as UTF-8, anything else through
 * `v8.serialize` (structured clone) when it fits. Waiting uses the lossless
 * word-wait protocol of `word-wait.ts`; a sender notifies only when a receiver
 * is waiting (research B.3: notifying on every push halves throughput).
 */
import { deserialize, serialize } from 'node:v8';
import type { Future, Suspend } from '../../future/future.js';
import { coopProceed, parkForBudget, type Waiting } from '../../runtime/context.js';
import { registerReviver, TO_WIRE } from '../../worker/wire.js';
import { SharedSendError } from './error.js';
import { cpuPause } from './pause.js';
import { WordWait, wakeAll } from './word-wait.js';

// control words, each on its own 64-byte line
const ENQ = 0;
const DEQ = 16;
const SEND_GEN = 32;
const RECV_GEN = 48;
const RX_WAITERS = 64;
const TX_WAITERS = 80;
const SENDERS = 96;
const CLOSED = 97;
const CTL_WORDS = 112;
/** slot header: [seq, kind, byte length, pad]; payload from byte 16 */
const HEADER = 16;

const K_NUMBER = 0;
const K_TRUE = 1;
const K_FALSE = 2;
const K_NULL = 3;
const K_STRING = 4;
const K_CLONE = 5;

const EMPTY: unique symbol = Symbol('empty');
/** Empty checks before a waiter parks (~0.1 µs each; far below a park/notify round trip). */
const SPIN = 200;
const DONE_VOID: IteratorResult<Suspend, void> = Object.freeze({ done: true, value: undefined });

/** Options of {@link sharedChannel}. */
export interface SharedChannelOptions {
  /** Bytes per message slot (default 64; 16 of them are a header). Larger values need larger slots. */
  slotBytes?: number;
}

interface Wire {
  ctl: SharedArrayBuffer;
  data: SharedArrayBuffer;
  cap: number;
  slotBytes: number;
}

/** The shared state both ends view. @internal */
class Core {
  readonly ctl: Int32Array;
  readonly u8: Uint8Array;
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  readonly cap: number;
  readonly mask: number;
  readonly slotBytes: number;
  readonly wire: Wire;
  readonly #enc = new TextEncoder();
  readonly #dec = new TextDecoder();

  constructor(w: Wire) {
    this.wire = w;
    this.ctl = new Int32Array(w.ctl);
    this.u8 = new Uint8Array(w.data);
    this.i32 = new Int32Array(w.data);
    this.f64 = new Float64Array(w.data);
    this.cap = w.cap;
    this.mask = w.cap - 1;
    this.slotBytes = w.slotBytes;
  }

  /** Encodes `v`; throws before claiming a slot if it cannot fit. */
  check(v: unknown): Uint8Array | string | null {
    const t = typeof v;
    if (t === 'number' || t === 'boolean' || v === null) return null;
    if (v === undefined) throw new TypeError('sharedChannel: cannot send undefined (use null)');
    const room = this.slotBytes - HEADER;
    if (t === 'string' && (v as string).length * 3 <= room) return v as string;
    let bytes: Uint8Array;
    try {
      bytes = serialize(v);
    } catch (e) {
      throw new TypeError(`sharedChannel: value cannot be cloned: ${(e as Error).message}`);
    }
    if (bytes.length > room)
      throw new RangeError(
        `sharedChannel: a ${bytes.length}-byte value does not fit a ${this.slotBytes}-byte slot (use { slotBytes })`,
      );
    return bytes;
  }

  write(i: number, v: unknown, enc: Uint8Array | string | null): void {
    const off = i * this.slotBytes;
    const w = (off >> 2) + 1;
    if (typeof v === 'number') {
      this.i32[w] = K_NUMBER;
      this.f64[(off + HEADER) >> 3] = v;
    } else if (v === true) this.i32[w] = K_TRUE;
    else if (v === false) this.i32[w] = K_FALSE;
    else if (v === null) this.i32[w] = K_NULL;
    else if (typeof enc === 'string') {
      const r = this.#enc.encodeInto(enc, this.u8.subarray(off + HEADER, off + this.slotBytes));
      this.i32[w] = K_STRING;
      this.i32[w + 1] = r.written;
    } else {
      this.u8.set(enc!, off + HEADER);
      this.i32[w] = K_CLONE;
      this.i32[w + 1] = enc!.length;
    }
  }

  read(i: number): unknown {
    const off = i * this.slotBytes;
    const w = (off >> 2) + 1;
    switch (this.i32[w]) {
      case K_NUMBER:
        return this.f64[(off + HEADER) >> 3];
      case K_TRUE:
        return true;
      case K_FALSE:
        return false;
      case K_NULL:
        return null;
      case K_STRING:
        return this.#dec.decode(this.u8.slice(off + HEADER, off + HEADER + this.i32[w + 1]!));
      default:
        return deserialize(this.u8.slice(off + HEADER, off + HEADER + this.i32[w + 1]!));
    }
  }

  /** Non-blocking send: 'ok', 'full' or 'closed'. */
  push(v: unknown, enc: Uint8Array | string | null): 'ok' | 'full' | 'closed' {
    const c = this.ctl;
    if (Atomics.load(c, CLOSED) !== 0) return 'closed';
    const d = this.i32;
    const sw = this.slotBytes >> 2;
    let pos = Atomics.load(c, ENQ);
    for (;;) {
      const i = pos & this.mask;
      const seq = Atomics.load(d, i * sw);
      const dif = (seq - pos) | 0;
      if (dif === 0) {
        const got = Atomics.compareExchange(c, ENQ, pos, (pos + 1) | 0);
        if (got === pos) {
          this.write(i, v, enc);
          Atomics.store(d, i * sw, (pos + 1) | 0);
          wakeAll(c, SEND_GEN, RX_WAITERS);
          return 'ok';
        }
        pos = got;
      } else if (dif < 0) {
        return 'full';
      } else {
        pos = Atomics.load(c, ENQ);
      }
    }
  }

  /** Non-blocking receive: the value or EMPTY. */
  pop(): unknown {
    const c = this.ctl;
    const d = this.i32;
    const sw = this.slotBytes >> 2;
    let pos = Atomics.load(c, DEQ);
    for (;;) {
      const i = pos & this.mask;
      const seq = Atomics.load(d, i * sw);
      const dif = (seq - ((pos + 1) | 0)) | 0;
      if (dif === 0) {
        const got = Atomics.compareExchange(c, DEQ, pos, (pos + 1) | 0);
        if (got === pos) {
          const v = this.read(i);
          Atomics.store(d, i * sw, (pos + this.cap) | 0);
          wakeAll(c, RECV_GEN, TX_WAITERS);
          return v;
        }
        pos = got;
      } else if (dif < 0) {
        return EMPTY;
      } else {
        pos = Atomics.load(c, DEQ);
      }
    }
  }

  len(): number {
    return (Atomics.load(this.ctl, ENQ) - Atomics.load(this.ctl, DEQ)) | 0;
  }

  /** No more messages will come: every sender closed (or the receiver closed). */
  finished(): boolean {
    return Atomics.load(this.ctl, SENDERS) === 0 || Atomics.load(this.ctl, CLOSED) !== 0;
  }

  /** Wakes all waiting receivers and senders (close). */
  wakeEveryone(): void {
    Atomics.add(this.ctl, SEND_GEN, 1);
    Atomics.notify(this.ctl, SEND_GEN);
    Atomics.add(this.ctl, RECV_GEN, 1);
    Atomics.notify(this.ctl, RECV_GEN);
  }
}

/**
 * Creates a bounded channel whose ends can be passed as task arguments to
 * other threads. Any number of threads may send and receive (MPMC): every
 * message is received exactly once. Returns `[sender, receiver]`.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { sharedChannel } from 'tokio-ts/sync/shared';
 *
 * main(function* () {
 *   const [tx, rx] = sharedChannel<number>(16);
 *   yield* tx.send(1);
 *   tx.close();
 *   console.log(yield* rx.recv(), yield* rx.recv()); // 1 undefined
 * });
 * ```
 *
 * ## Errors
 * Throws `RangeError` if `capacity` is not a positive integer (it is rounded up
 * to a power of two, at least 2).
 */
export function sharedChannel<T>(
  capacity: number,
  opts: SharedChannelOptions = {},
): [SharedSender<T>, SharedReceiver<T>] {
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new RangeError(`sharedChannel capacity must be a positive integer, got ${capacity}`);
  const slotBytes = opts.slotBytes ?? 64;
  if (!Number.isInteger(slotBytes) || slotBytes < 16 || slotBytes % 8 !== 0)
    throw new RangeError(
      `sharedChannel slotBytes must be a multiple of 8, >= 16, got ${slotBytes}`,
    );
  // Vyukov's sequence scheme needs at least two slots
  let cap = 2;
  while (cap < capacity) cap <<= 1;
  const ctl = new SharedArrayBuffer(4 * CTL_WORDS);
  new Int32Array(ctl)[SENDERS] = 1;
  const data = new SharedArrayBuffer(cap * slotBytes);
  const d = new Int32Array(data);
  // each slot's sequence number sits in its own header, so producer and
  // consumer share a cache line only when they touch the same slot
  for (let i = 0; i < cap; i++) d[(i * slotBytes) >> 2] = i;
  const core = new Core({ ctl, data, cap, slotBytes });
  return [new SharedSender<T>(core), new SharedReceiver<T>(core)];
}

/**
 * The sending end of a {@link sharedChannel}. `clone()` makes another counted
 * sender; the channel ends for receivers when every sender has `close()`d.
 * Pass `tx.clone()` to each producing task and close it there when done.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { sharedChannel } from 'tokio-ts/sync/shared';
 *
 * main(function* () {
 *   const [tx, rx] = sharedChannel<string>(4);
 *   console.log(tx.trySend('a'), rx.len()); // ok 1
 * });
 * ```
 */
export class SharedSender<T> {
  readonly #core: Core;
  #closed = false;

  /** @internal */
  constructor(core: Core) {
    this.#core = core;
  }

  /**
   * Sends `value`, waiting while the channel is full.
   *
   * ## Cancel safety
   * Cancel safe: the value is written only in the poll that returns, so a
   * cancelled send has sent nothing.
   *
   * ## Errors
   * Throws {@link SharedSendError} (with `.value`) if the receiver closed;
   * `TypeError` for `undefined` or an uncloneable value; `RangeError` if the
   * encoded value does not fit a slot.
   */
  send(value: T): Future<void> {
    return new SendLeaf(this.#core, value);
  }

  /** Sends without waiting: `'ok'`, `'full'` or `'closed'`. */
  trySend(value: T): 'ok' | 'full' | 'closed' {
    return this.#core.push(value, this.#core.check(value));
  }

  /** Another sender of the same channel (counted). */
  clone(): SharedSender<T> {
    Atomics.add(this.#core.ctl, SENDERS, 1);
    return new SharedSender<T>(this.#core);
  }

  /** Drops this sender; when the last one closes, receivers see the end. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (Atomics.sub(this.#core.ctl, SENDERS, 1) === 1) this.#core.wakeEveryone();
  }

  /** True if the receiver closed the channel. */
  isClosed(): boolean {
    return Atomics.load(this.#core.ctl, CLOSED) !== 0;
  }

  /** Messages buffered now. */
  len(): number {
    return this.#core.len();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal */
  [TO_WIRE](): { __tokioTsShared: string; data: unknown } {
    return { __tokioTsShared: 'sharedSender', data: this.#core.wire };
  }
}

/**
 * The receiving end of a {@link sharedChannel}; may be shared by several
 * consumers on several threads (each message goes to exactly one).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { sharedChannel } from 'tokio-ts/sync/shared';
 *
 * main(function* () {
 *   const [tx, rx] = sharedChannel<number>(4);
 *   tx.trySend(7);
 *   console.log(rx.tryRecv()); // { ok: true, value: 7 }
 * });
 * ```
 */
export class SharedReceiver<T> {
  readonly #core: Core;

  /** @internal */
  constructor(core: Core) {
    this.#core = core;
  }

  /**
   * Receives the next message, or `undefined` once every sender has closed
   * and the buffer is empty.
   *
   * ## Cancel safety
   * Cancel safe: a message is taken only in the poll that returns it, so a
   * receive cancelled after its wake-up has taken nothing.
   */
  recv(): Future<T | undefined> {
    return new RecvLeaf<T>(this.#core);
  }

  /** Receives without waiting. */
  tryRecv(): { ok: true; value: T } | { ok: false; reason: 'empty' | 'disconnected' } {
    const v = this.#core.pop();
    if (v !== EMPTY) return { ok: true, value: v as T };
    if (this.#core.finished()) {
      const again = this.#core.pop();
      if (again !== EMPTY) return { ok: true, value: again as T };
      return { ok: false, reason: 'disconnected' };
    }
    return { ok: false, reason: 'empty' };
  }

  /** Closes the channel for senders; buffered messages stay readable. */
  close(): void {
    Atomics.store(this.#core.ctl, CLOSED, 1);
    this.#core.wakeEveryone();
  }

  len(): number {
    return this.#core.len();
  }

  isEmpty(): boolean {
    return this.#core.len() === 0;
  }

  /** @internal */
  [TO_WIRE](): { __tokioTsShared: string; data: unknown } {
    return { __tokioTsShared: 'sharedReceiver', data: this.#core.wire };
  }
}

class RecvLeaf<T>
  implements Future<T | undefined>, Iterator<Suspend, T | undefined, unknown>, Waiting
{
  readonly #core: Core;
  readonly #wait = new WordWait('sharedChannel recv');
  #budgeted = false;

  constructor(core: Core) {
    this.#core = core;
  }
  [Symbol.iterator](): this {
    return this;
  }
  next(): IteratorResult<Suspend, T | undefined> {
    if (!this.#budgeted) {
      // coop budget: spent once per receive, before anything is taken
      this.#budgeted = true;
      if (!coopProceed()) return parkForBudget(this);
    }
    const core = this.#core;
    const c = core.ctl;
    for (;;) {
      let v = core.pop();
      if (v !== EMPTY) return { done: true, value: v as T };
      // slow path: read the wake generation before the tries that precede the park
      const seen = Atomics.load(c, SEND_GEN);
      v = core.pop();
      if (v !== EMPTY) return { done: true, value: v as T };
      if (core.finished()) {
        v = core.pop();
        return { done: true, value: v !== EMPTY ? (v as T) : undefined };
      }
      // a short spin before parking: a producer on another core is usually
      // about to publish, and a park costs a notify syscall plus an event-loop
      // hop on each side (research B.1/B.3)
      for (let k = 0; k < SPIN; k++) {
        if (Atomics.load(c, ENQ) !== Atomics.load(c, DEQ)) break;
        if (cpuPause !== undefined) cpuPause();
      }
      v = core.pop();
      if (v !== EMPTY) return { done: true, value: v as T };
      this.#wait.announce(c, RX_WAITERS);
      v = core.pop();
      if (v !== EMPTY) {
        this.#wait.withdraw();
        return { done: true, value: v as T };
      }
      if (core.finished()) {
        this.#wait.withdraw();
        continue;
      }
      const parked = this.#wait.park(c, SEND_GEN, seen);
      if (parked !== null) return parked;
    }
  }
  cancelWait(): void {
    this.#wait.cancelWait();
  }
  describe(): string {
    return 'sharedChannel recv';
  }
}

class SendLeaf<T> implements Future<void>, Iterator<Suspend, void, unknown>, Waiting {
  readonly #core: Core;
  readonly #value: T;
  readonly #enc: Uint8Array | string | null;
  readonly #wait = new WordWait('sharedChannel send');
  #budgeted = false;

  constructor(core: Core, value: T) {
    this.#core = core;
    this.#value = value;
    this.#enc = core.check(value);
  }
  [Symbol.iterator](): this {
    return this;
  }
  next(): IteratorResult<Suspend, void> {
    if (!this.#budgeted) {
      this.#budgeted = true;
      if (!coopProceed()) return parkForBudget(this);
    }
    const core = this.#core;
    const c = core.ctl;
    for (;;) {
      let r = core.push(this.#value, this.#enc);
      if (r === 'ok') return DONE_VOID;
      if (r === 'closed') throw new SharedSendError(this.#value);
      const seen = Atomics.load(c, RECV_GEN);
      r = core.push(this.#value, this.#enc);
      if (r === 'ok') return DONE_VOID;
      if (r === 'closed') throw new SharedSendError(this.#value);
      for (let k = 0; k < SPIN; k++) {
        if (((Atomics.load(c, ENQ) - Atomics.load(c, DEQ)) | 0) < core.cap) break;
        if (cpuPause !== undefined) cpuPause();
      }
      r = core.push(this.#value, this.#enc);
      if (r === 'ok') return DONE_VOID;
      if (r === 'closed') throw new SharedSendError(this.#value);
      this.#wait.announce(c, TX_WAITERS);
      r = core.push(this.#value, this.#enc);
      if (r !== 'full') {
        this.#wait.withdraw();
        if (r === 'closed') throw new SharedSendError(this.#value);
        return { done: true, value: undefined };
      }
      const parked = this.#wait.park(c, RECV_GEN, seen);
      if (parked !== null) return parked;
    }
  }
  cancelWait(): void {
    this.#wait.cancelWait();
  }
  describe(): string {
    return 'sharedChannel send';
  }
}

registerReviver('sharedSender', (d) => new SharedSender(new Core(d as Wire)));
registerReviver('sharedReceiver', (d) => new SharedReceiver(new Core(d as Wire)));
