/**
 * The read side of the I/O driver: turns a Node `Readable` (a socket, a pipe,
 * a child's stdout) into pull-based reads.
 *
 * How and why: Node pushes `data` events; Tokio's model is that bytes wait in
 * the socket until a task reads them, so a slow reader slows the peer. The
 * reader listens once per stream (no listener per operation) and keeps the
 * chunks Node hands it in a ring buffer. When more than `highWaterMark` bytes
 * are queued it pauses the stream, so Node stops reading the socket and the
 * kernel's window closes on the peer: TCP backpressure with bounded memory.
 * Flowing starts lazily at the first read, so a stream nobody reads (and
 * `stdin`) does not pull bytes or keep the process alive.
 *
 * Waiting reads are leaves in an intrusive list. A wake-up only says "data may
 * be there": the woken task takes bytes when it runs, so a task cancelled
 * between the wake-up and its next poll loses nothing (Tokio's cancel safety
 * for `read`), and passes the wake-up on to the next waiter.
 * @internal
 */
import type { Readable } from 'node:stream';
import type { Future, Suspend } from '../../future/future.js';
import { IoError } from '../../io/error.js';
import { coopProceed, currentTask, parkForBudget, SUSPENDED, type Waiting } from '../context.js';
import { LinkedList, type ListNode } from '../linked-list.js';
import { RingBuffer } from '../ring-buffer.js';
import type { Task } from '../task.js';

/** Queued bytes above which the stream is paused (Tokio reads 8–64 KiB at a time). */
export const DEFAULT_READ_HWM = 64 * 1024;

enum Op {
  Read = 0,
  Chunk = 1,
  Peek = 2,
  Ready = 3,
}

/** @internal */
export class PullReader {
  readonly #stream: Readable;
  readonly #chunks = new RingBuffer<Uint8Array>();
  /** Offset already consumed in the head chunk. */
  #headOff = 0;
  /** Bytes queued and not yet read. */
  buffered = 0;
  #flowing = false;
  #paused = false;
  #eof = false;
  #error: IoError | null = null;
  /** Set by close(): reads fail with `not-connected`. */
  #closed = false;
  readonly #hwm: number;
  readonly #label: string;
  readonly #address: string | undefined;
  /** Parked reads, FIFO. */
  readonly waiters = new LinkedList<ReadLeaf>();

  constructor(stream: Readable, label: string, address?: string, hwm = DEFAULT_READ_HWM) {
    this.#stream = stream;
    this.#label = label;
    this.#address = address;
    this.#hwm = hwm;
    stream.on('error', this.#onError);
    stream.on('end', this.#onEnd);
    stream.on('close', this.#onClose);
  }

  /** The error the stream failed with, if any. */
  get error(): IoError | null {
    return this.#error;
  }

  /** True once the peer ended its writing, the stream failed or was closed (bytes may remain). */
  get readClosed(): boolean {
    return this.#eof || this.#error !== null || this.#closed;
  }

  /**
   * Non-blocking read into several buffers in order: the count (0 = end of
   * stream), or undefined when nothing is there yet.
   */
  tryReadVectored(bufs: readonly Uint8Array[]): number | undefined {
    if (!this.isReady()) {
      this.#startFlowing();
      return undefined;
    }
    let total = 0;
    for (const b of bufs) {
      if (b.length === 0) continue;
      if (total > 0 && this.buffered === 0) break;
      const n = this.take(Op.Read, b) as number;
      total += n;
      if (n < b.length) break;
    }
    return total;
  }

  /** True once the peer's end of stream has been seen and every byte was read. */
  get atEof(): boolean {
    return this.buffered === 0 && this.#eof;
  }

  /** `read(buf)`: resolves with the byte count (0 at end of stream). */
  read(buf: Uint8Array): Future<number> {
    return new ReadLeaf(this, Op.Read, buf) as unknown as Future<number>;
  }

  /** `readChunk()`: the next chunk as Node delivered it, or undefined at the end. */
  readChunk(): Future<Uint8Array | undefined> {
    return new ReadLeaf(this, Op.Chunk, null) as unknown as Future<Uint8Array | undefined>;
  }

  /** `peek(buf)`: copies without consuming. */
  peek(buf: Uint8Array): Future<number> {
    return new ReadLeaf(this, Op.Peek, buf) as unknown as Future<number>;
  }

  /** `readable()`: waits until a read would not wait. */
  readable(): Future<void> {
    return new ReadLeaf(this, Op.Ready, null) as unknown as Future<void>;
  }

  /** Non-blocking read: a count (0 = end of stream) or undefined when nothing is there yet. */
  tryRead(buf: Uint8Array): number | undefined {
    if (this.isReady()) return this.take(Op.Read, buf) as number;
    this.#startFlowing();
    return undefined;
  }

  /** Stops reading: later reads fail with `not-connected`, parked ones too. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#chunks.clear();
    this.buffered = 0;
    this.#wakeAll();
  }

  /** @internal */
  isReady(): boolean {
    return this.buffered > 0 || this.#eof || this.#error !== null || this.#closed;
  }

  /** @internal Ensures Node is delivering data (lazy start, resume after a pause). */
  startFlowing(): void {
    this.#startFlowing();
  }

  #startFlowing(): void {
    if (!this.#flowing) {
      this.#flowing = true;
      this.#stream.on('data', this.#onData);
      this.#stream.resume();
    } else if (this.#paused && this.buffered < this.#hwm) {
      this.#paused = false;
      this.#stream.resume();
    }
  }

  /** Performs `op` on the queued bytes; the caller checked {@link isReady}. @internal */
  take(op: Op, buf: Uint8Array | null): number | Uint8Array | undefined {
    if (this.#closed) throw new IoError('not-connected', `${this.#label}: the stream is closed`);
    let result: number | Uint8Array | undefined;
    if (this.buffered === 0) {
      if (this.#error !== null) throw this.#error;
      // End of stream.
      result = op === Op.Chunk ? undefined : 0;
    } else if (op === Op.Read) result = this.#copyOut(buf!, true);
    else if (op === Op.Chunk) result = this.#shiftChunk();
    else if (op === Op.Peek) result = this.#copyOut(buf!, false);
    else result = 0;
    if (this.buffered > 0 || this.#eof || this.#error !== null) this.#wakeNext();
    if (this.#paused && this.buffered < this.#hwm) {
      this.#paused = false;
      this.#stream.resume();
    }
    return result;
  }

  #copyOut(buf: Uint8Array, consume: boolean): number {
    const chunks = this.#chunks;
    let n = 0;
    let i = 0;
    let off = this.#headOff;
    while (n < buf.length && i < chunks.length) {
      const c = chunks.at(i)!;
      const avail = c.length - off;
      const want = buf.length - n;
      if (avail <= want) {
        buf.set(off === 0 ? c : c.subarray(off), n);
        n += avail;
        i++;
        off = 0;
      } else {
        buf.set(c.subarray(off, off + want), n);
        n += want;
        off += want;
      }
    }
    if (consume) {
      for (let k = 0; k < i; k++) chunks.shift();
      this.#headOff = off;
      this.buffered -= n;
    }
    return n;
  }

  #shiftChunk(): Uint8Array {
    const c = this.#chunks.shift()!;
    const off = this.#headOff;
    this.#headOff = 0;
    this.buffered -= c.length - off;
    return off === 0 ? c : c.subarray(off);
  }

  /** Wakes the first parked read, if any. @internal */
  #wakeNext(): void {
    const w = this.waiters.shift();
    if (w !== null) w.task!.wake();
  }

  #wakeAll(): void {
    for (let w = this.waiters.shift(); w !== null; w = this.waiters.shift()) w.task!.wake();
  }

  /** A woken read was cancelled before it ran: hand its wake-up on. @internal */
  passOn(): void {
    if (this.isReady()) this.#wakeNext();
  }

  readonly #onData = (chunk: Uint8Array | string): void => {
    if (this.#closed) return;
    const c = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (c.length === 0) return;
    this.#chunks.push(c);
    this.buffered += c.length;
    if (this.buffered >= this.#hwm && !this.#paused) {
      this.#paused = true;
      this.#stream.pause();
    }
    this.#wakeNext();
  };

  readonly #onEnd = (): void => {
    this.#eof = true;
    this.#wakeAll();
  };

  readonly #onError = (err: Error): void => {
    if (this.#error === null) this.#error = IoError.from(err, { address: this.#address });
    this.#wakeAll();
  };

  readonly #onClose = (): void => {
    // Destroyed without an error or an end (our own close, or the peer vanished).
    if (!this.#eof && this.#error === null) this.#eof = true;
    this.#wakeAll();
  };

  /** @internal */
  get label(): string {
    return this.#label;
  }
}

/** One read-side operation; its own iterator (single use). @internal */
class ReadLeaf implements Iterator<Suspend, unknown, unknown>, Waiting, ListNode<ReadLeaf> {
  pv: ReadLeaf | null = null;
  nx: ReadLeaf | null = null;
  list: LinkedList<ReadLeaf> | null = null;
  task: Task | null = null;
  readonly #r: PullReader;
  readonly #op: Op;
  readonly #buf: Uint8Array | null;

  constructor(r: PullReader, op: Op, buf: Uint8Array | null) {
    this.#r = r;
    this.#op = op;
    this.#buf = buf;
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<Suspend, unknown> {
    const r = this.#r;
    if (this.list !== null) {
      // Spurious poll while still parked.
      this.task!.waitingOn = this;
      return SUSPENDED;
    }
    if (this.#buf !== null && this.#buf.length === 0 && this.#op !== Op.Ready)
      return { done: true, value: 0 };
    if (r.isReady()) {
      if (!coopProceed()) return parkForBudget(this);
      return { done: true, value: r.take(this.#op, this.#buf) };
    }
    r.startFlowing();
    const t = currentTask();
    this.task = t;
    r.waiters.push(this);
    t.waitingOn = this;
    return SUSPENDED;
  }

  cancelWait(): void {
    if (this.list !== null) this.list.remove(this);
    else this.#r.passOn();
  }

  describe(): string {
    const op = this.#op;
    const what =
      op === Op.Read
        ? 'read'
        : op === Op.Chunk
          ? 'readChunk'
          : op === Op.Peek
            ? 'peek'
            : 'readable';
    return `${this.#r.label} ${what}`;
  }
}
