/**
 * The write side of the I/O driver over a Node `Writable` (a socket, a pipe,
 * a child's stdin).
 *
 * How and why: `write(buf)` copies the bytes into a buffer Node owns and hands
 * it to the stream, so the caller may reuse `buf` as soon as the write returns
 * (Tokio's contract: a returned write has taken the bytes). When Node's write
 * buffer is above its high-water mark (`writableNeedDrain`), writes park until
 * `drain`: backpressure from the kernel reaches the writing task, and memory
 * stays bounded by the high-water mark plus one write (at most
 * {@link MAX_WRITE} bytes). Listeners are attached once per stream; waiting
 * writes are leaves in intrusive lists, so cancelling one just unlinks it.
 * @internal
 */
import type { Writable } from 'node:stream';
import type { Future, Suspend } from '../../future/future.js';
import { IoError } from '../../io/error.js';
import { coopProceed, currentTask, parkForBudget, SUSPENDED, type Waiting } from '../context.js';
import { LinkedList, type ListNode } from '../linked-list.js';
import type { Task } from '../task.js';

/** The most one `write` takes; `writeAll` loops. Bounds what one write adds to Node's buffer. */
export const MAX_WRITE = 256 * 1024;

enum Op {
  Write = 0,
  Writable = 1,
  Flush = 2,
  Shutdown = 3,
}

/** @internal */
export class PushWriter {
  readonly #stream: Writable;
  #error: IoError | null = null;
  /** `shutdown()` was called: writes fail with `broken-pipe`. */
  #ended = false;
  #finished = false;
  #closed = false;
  readonly #label: string;
  readonly #address: string | undefined;
  /** Writes waiting for `drain`. */
  readonly drainWaiters = new LinkedList<WriteLeaf>();
  /** Flushes and shutdowns waiting for the buffer to empty / the stream to finish. */
  readonly doneWaiters = new LinkedList<WriteLeaf>();

  constructor(stream: Writable, label: string, address?: string) {
    this.#stream = stream;
    this.#label = label;
    this.#address = address;
    stream.on('drain', this.#onDrain);
    stream.on('error', this.#onError);
    stream.on('finish', this.#onFinish);
    stream.on('close', this.#onClose);
  }

  /** @internal */
  get label(): string {
    return this.#label;
  }

  write(buf: Uint8Array): Future<number> {
    return new WriteLeaf(this, Op.Write, buf) as unknown as Future<number>;
  }

  writable(): Future<void> {
    return new WriteLeaf(this, Op.Writable, null) as unknown as Future<void>;
  }

  flush(): Future<void> {
    return new WriteLeaf(this, Op.Flush, null) as unknown as Future<void>;
  }

  shutdown(): Future<void> {
    return new WriteLeaf(this, Op.Shutdown, null) as unknown as Future<void>;
  }

  /** Non-blocking write: a count, or undefined when Node's buffer is full. */
  tryWrite(buf: Uint8Array): number | undefined {
    this.#check();
    if (this.#stream.writableNeedDrain) return undefined;
    return this.push(buf);
  }

  /**
   * Non-blocking write of several buffers in order (one copy, at most
   * MAX_WRITE bytes): the count, or undefined when Node's buffer is full.
   */
  tryWriteVectored(bufs: readonly Uint8Array[]): number | undefined {
    this.#check();
    if (this.#stream.writableNeedDrain) return undefined;
    const joined = gather(bufs);
    return joined.length === 0 ? 0 : this.push(joined, true);
  }

  /**
   * `write` of several buffers in order: they are gathered into one copy
   * (at most MAX_WRITE bytes) handed to Node as one write.
   */
  writeVectored(bufs: readonly Uint8Array[]): Future<number> {
    return new WriteLeaf(this, Op.Write, gather(bufs), true) as unknown as Future<number>;
  }

  /** This side can no longer write: shut down, failed, or closed. */
  get writeClosed(): boolean {
    return this.#ended || this.#finished || this.#error !== null || this.#closed;
  }

  /** A write would not wait (it would succeed now, or fail). */
  get writableNow(): boolean {
    return this.writeClosed || !this.#stream.writableNeedDrain;
  }

  /** Bytes accepted by `write` and not yet handed to the OS. */
  get pending(): number {
    return this.#stream.writableLength;
  }

  /** Stops writing: later writes fail with `not-connected`, parked ones too. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#wakeAll();
  }

  /** Throws if no more writes can succeed. @internal */
  #check(): void {
    if (this.#closed) throw new IoError('not-connected', `${this.#label}: the stream is closed`);
    if (this.#error !== null) throw this.#error;
    if (this.#ended)
      throw new IoError('broken-pipe', `${this.#label}: write after shutdown`, {
        code: 'EPIPE',
        address: this.#address,
      });
  }

  /**
   * @internal Copies and queues up to MAX_WRITE bytes; returns the count.
   * An `owned` buffer (made by {@link gather}, at most MAX_WRITE bytes) is
   * queued as it is.
   */
  push(buf: Uint8Array, owned = false): number {
    const n = Math.min(buf.length, MAX_WRITE);
    let copy: Uint8Array;
    if (owned) copy = buf;
    else {
      copy = Buffer.allocUnsafe(n);
      copy.set(n === buf.length ? buf : buf.subarray(0, n));
    }
    if (!this.#inTick) {
      // The first write of a scheduler batch goes out at once, as a raw
      // `socket.write` would; later ones in the same batch are corked and
      // leave together in one writev when the batch's microtask ends.
      this.#inTick = true;
      queueMicrotask(this.#endTick);
    } else if (!this.#corked) {
      this.#corked = true;
      this.#stream.cork();
    }
    this.#stream.write(copy);
    return n;
  }

  #inTick = false;
  #corked = false;
  /** An empty write with a callback is queued: it fires once what came before is written. */
  #flushMarker = false;

  readonly #endTick = (): void => {
    this.#inTick = false;
    if (this.#corked) {
      this.#corked = false;
      this.#stream.uncork();
    }
  };

  /**
   * Runs `op` if it can complete now: returns the result, or NOT_READY. Parks
   * nothing. @internal
   */
  attempt(leaf: WriteLeaf, op: Op, buf: Uint8Array | null, owned: boolean): unknown {
    this.#check();
    const s = this.#stream;
    switch (op) {
      case Op.Write:
        if (s.writableNeedDrain) {
          this.drainWaiters.push(leaf);
          return NOT_READY;
        }
        return this.push(buf!, owned);
      case Op.Writable:
        if (s.writableNeedDrain) {
          this.drainWaiters.push(leaf);
          return NOT_READY;
        }
        return undefined;
      case Op.Flush:
        if (s.writableLength === 0) return undefined;
        this.doneWaiters.push(leaf);
        if (!this.#flushMarker && !this.#ended) {
          this.#flushMarker = true;
          s.write(EMPTY, this.#afterFlush);
        }
        return NOT_READY;
      default:
        return NOT_READY;
    }
  }

  /** Shutdown: ends the stream once and waits for `finish`. @internal */
  attemptShutdown(leaf: WriteLeaf): unknown {
    if (this.#closed) throw new IoError('not-connected', `${this.#label}: the stream is closed`);
    if (this.#error !== null) throw this.#error;
    if (this.#finished) return undefined;
    this.end();
    if (this.#finished) return undefined;
    this.doneWaiters.push(leaf);
    return NOT_READY;
  }

  /** Ends the stream (FIN after the buffered bytes) without waiting; once. @internal */
  end(): void {
    if (this.#ended || this.#closed) return;
    this.#ended = true;
    this.#stream.end();
    this.#wakeDrainWaiters();
  }

  readonly #afterFlush = (err?: Error | null): void => {
    this.#flushMarker = false;
    // Writes queued when the stream broke fail with ERR_STREAM_DESTROYED before
    // Node emits the real cause ('error' with EPIPE/ECONNRESET, or 'close'),
    // which the listeners record: keep that one.
    if (err != null && (err as { code?: unknown }).code !== 'ERR_STREAM_DESTROYED')
      this.#onError(err);
    this.#wakeDone();
  };

  #wakeDrainWaiters(): void {
    const q = this.drainWaiters;
    for (let w = q.shift(); w !== null; w = q.shift()) w.task!.wake();
  }

  #wakeDone(): void {
    const q = this.doneWaiters;
    for (let w = q.shift(); w !== null; w = q.shift()) w.task!.wake();
  }

  #wakeAll(): void {
    this.#wakeDrainWaiters();
    this.#wakeDone();
  }

  readonly #onDrain = (): void => {
    this.#wakeAll();
  };

  readonly #onFinish = (): void => {
    this.#finished = true;
    this.#wakeDone();
  };

  readonly #onError = (err: Error): void => {
    if (this.#error === null) this.#error = IoError.from(err, { address: this.#address });
    this.#wakeAll();
  };

  readonly #onClose = (): void => {
    if (!this.#finished && this.#error === null && !this.#closed) {
      this.#error = new IoError('broken-pipe', `${this.#label}: the stream was closed`, {
        code: 'EPIPE',
        address: this.#address,
      });
    }
    this.#wakeAll();
  };
}

const NOT_READY = Symbol('not ready');
const EMPTY = Buffer.alloc(0);

/** One Buffer with the bytes of `bufs` in order, at most MAX_WRITE of them. @internal */
export function gather(bufs: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const b of bufs) total += b.length;
  const n = Math.min(total, MAX_WRITE);
  if (n === 0) return EMPTY;
  const out = Buffer.allocUnsafe(n);
  let off = 0;
  for (const b of bufs) {
    if (off === n) break;
    const take = Math.min(b.length, n - off);
    out.set(take === b.length ? b : b.subarray(0, take), off);
    off += take;
  }
  return out;
}

/** One write-side operation; its own iterator (single use). @internal */
class WriteLeaf implements Iterator<Suspend, unknown, unknown>, Waiting, ListNode<WriteLeaf> {
  pv: WriteLeaf | null = null;
  nx: WriteLeaf | null = null;
  list: LinkedList<WriteLeaf> | null = null;
  task: Task | null = null;
  readonly #w: PushWriter;
  readonly #op: Op;
  readonly #buf: Uint8Array | null;
  /** `#buf` is a gathered copy the writer may keep. */
  readonly #owned: boolean;

  constructor(w: PushWriter, op: Op, buf: Uint8Array | null, owned = false) {
    this.#w = w;
    this.#op = op;
    this.#buf = buf;
    this.#owned = owned;
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<Suspend, unknown> {
    if (this.list !== null) {
      this.task!.waitingOn = this;
      return SUSPENDED;
    }
    const op = this.#op;
    if (op === Op.Write && this.#buf!.length === 0) return { done: true, value: 0 };
    // A write or a writable() that completes without waiting spends coop
    // budget (Tokio's registration does), so such a loop still yields.
    if ((op === Op.Write || op === Op.Writable) && !coopProceed()) return parkForBudget(this);
    const t = currentTask();
    this.task = t;
    const v =
      op === Op.Shutdown
        ? this.#w.attemptShutdown(this)
        : this.#w.attempt(this, op, this.#buf, this.#owned);
    if (v === NOT_READY) {
      t.waitingOn = this;
      return SUSPENDED;
    }
    return { done: true, value: v };
  }

  cancelWait(): void {
    if (this.list !== null) this.list.remove(this);
  }

  describe(): string {
    const op = this.#op;
    const what =
      op === Op.Write
        ? 'write'
        : op === Op.Writable
          ? 'writable'
          : op === Op.Flush
            ? 'flush'
            : 'shutdown';
    return `${this.#w.label} ${what}`;
  }
}
