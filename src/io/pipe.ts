/**
 * One direction of an in-memory pipe: a fixed-size byte ring with parked
 * readers and writers. `duplex` uses two, `simplex` one.
 *
 * How and why: a write copies what fits (a partial count when the pipe is
 * nearly full, as Tokio's `max_write_size` case) and parks when it is full; a
 * read copies what is there and parks when it is empty. Wake-ups only say
 * "try again": the woken task moves bytes when it runs, so cancelling a parked
 * read or write moves nothing (both are cancel safe).
 * @internal
 */
import type { Suspend } from '../future/future.js';
import { LazyTakeLeaf } from '../runtime/io/lazy-take.js';
import { LinkedList } from '../runtime/linked-list.js';
import { IoError } from './error.js';

/** @internal */
export class Pipe {
  readonly #ring: Uint8Array;
  #head = 0;
  #len = 0;
  /** The writer shut down or dropped its end: readers get EOF after the rest. */
  writeClosed = false;
  /** The reader dropped its end: writes fail with broken-pipe. */
  readClosed = false;
  readonly readers = new LinkedList<LazyTakeLeaf<number>>();
  readonly writers = new LinkedList<LazyTakeLeaf<number>>();

  constructor(maxBuf: number) {
    this.#ring = new Uint8Array(maxBuf);
  }

  get length(): number {
    return this.#len;
  }

  get capacity(): number {
    return this.#ring.length;
  }

  canRead(): boolean {
    return this.#len > 0 || this.writeClosed || this.readClosed;
  }

  canWrite(): boolean {
    return this.#len < this.#ring.length || this.readClosed || this.writeClosed;
  }

  /** Copies out up to buf.length bytes. @internal */
  readInto(buf: Uint8Array): number {
    if (this.readClosed) throw new IoError('not-connected', 'the pipe end is closed');
    const ring = this.#ring;
    const n = Math.min(buf.length, this.#len);
    if (n === 0) return 0;
    const first = Math.min(n, ring.length - this.#head);
    buf.set(ring.subarray(this.#head, this.#head + first), 0);
    if (first < n) buf.set(ring.subarray(0, n - first), first);
    this.#head = (this.#head + n) % ring.length;
    this.#len -= n;
    if (this.#len === 0) this.#head = 0;
    wakeAll(this.writers);
    if (this.#len > 0) wakeOne(this.readers);
    return n;
  }

  /** Throws the broken-pipe error a write gets once either end closed. @internal */
  checkWritable(): void {
    if (this.readClosed)
      throw new IoError('broken-pipe', 'the reading end of the pipe is closed', { code: 'EPIPE' });
    if (this.writeClosed)
      throw new IoError('broken-pipe', 'write after shutdown', { code: 'EPIPE' });
  }

  /** Copies in as much of buf as fits. @internal */
  writeFrom(buf: Uint8Array): number {
    this.checkWritable();
    const ring = this.#ring;
    const n = Math.min(buf.length, ring.length - this.#len);
    if (n === 0) return 0;
    const tail = (this.#head + this.#len) % ring.length;
    const first = Math.min(n, ring.length - tail);
    ring.set(first === buf.length ? buf : buf.subarray(0, first), tail);
    if (first < n) ring.set(buf.subarray(first, n), 0);
    this.#len += n;
    wakeAll(this.readers);
    if (this.#len < ring.length) wakeOne(this.writers);
    return n;
  }

  /** Copies in as much of `bufs`, in order, as fits. @internal */
  writeVectoredFrom(bufs: readonly Uint8Array[]): number {
    this.checkWritable();
    let total = 0;
    for (const b of bufs) {
      if (b.length === 0) continue;
      const n = this.writeFrom(b);
      total += n;
      if (n < b.length) break;
    }
    return total;
  }

  closeWrite(): void {
    this.writeClosed = true;
    wakeAll(this.readers);
    wakeAll(this.writers);
  }

  closeRead(): void {
    this.readClosed = true;
    wakeAll(this.readers);
    wakeAll(this.writers);
  }
}

function wakeOne(q: LinkedList<LazyTakeLeaf<number>>): void {
  const w = q.shift();
  if (w !== null) w.task!.wake();
}

function wakeAll(q: LinkedList<LazyTakeLeaf<number>>): void {
  for (let w = q.shift(); w !== null; w = q.shift()) w.task!.wake();
}

/** A read (write = false) or write on a pipe. @internal */
export class PipeLeaf extends LazyTakeLeaf<number> {
  readonly #pipe: Pipe;
  readonly #buf: Uint8Array;
  readonly #write: boolean;
  /** A vectored write's buffers (then `#buf` is unused), or null. */
  readonly #bufs: readonly Uint8Array[] | null;
  /** Bytes to move: `#buf.length`, or the total of `#bufs`. */
  readonly #len: number;

  constructor(
    pipe: Pipe,
    buf: Uint8Array,
    write: boolean,
    bufs: readonly Uint8Array[] | null = null,
  ) {
    super();
    this.#pipe = pipe;
    this.#buf = buf;
    this.#write = write;
    this.#bufs = bufs;
    let len = buf.length;
    if (bufs !== null) for (const b of bufs) len += b.length;
    this.#len = len;
  }

  override next(): IteratorResult<Suspend, number> {
    if (this.list === null && this.#len === 0) {
      // Empty reads and writes complete at once, but an empty write to a
      // closed pipe still fails (Tokio's zero_length_writes_to_closed_stream).
      if (this.#write) this.#pipe.checkWritable();
      return { done: true, value: 0 };
    }
    return super.next();
  }

  protected ready(): boolean {
    return this.#write ? this.#pipe.canWrite() : this.#pipe.canRead();
  }

  protected take(): number {
    if (!this.#write) return this.#pipe.readInto(this.#buf);
    return this.#bufs === null
      ? this.#pipe.writeFrom(this.#buf)
      : this.#pipe.writeVectoredFrom(this.#bufs);
  }

  protected waiters(): LinkedList<LazyTakeLeaf<number>> {
    return this.#write ? this.#pipe.writers : this.#pipe.readers;
  }

  // Woken but cancelled before it ran: pass the wake-up on.
  protected passOn(): void {
    const p = this.#pipe;
    if (this.#write) {
      if (p.canWrite()) wakeOne(p.writers);
    } else if (p.canRead()) wakeOne(p.readers);
  }

  describe(): string {
    return this.#write ? 'pipe write (full)' : 'pipe read (empty)';
  }
}
