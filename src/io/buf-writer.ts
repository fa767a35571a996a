/** `BufWriter`: batches small writes into one write of the inner stream. */
import type { Future, Suspend } from '../future/future.js';
import { WriteBase } from './bases.js';
import { checkBufs } from './check.js';
import { IoError } from './error.js';
import { flushPending, probeFlush } from './probe.js';
import type { AsyncWrite } from './traits.js';
import { isWriteVectored, writeVectored } from './util.js';

const DEFAULT_CAPACITY = 8 * 1024;

/**
 * Wraps a writer with a buffer (8 KiB by default). Writes that fit are copied
 * into the buffer without touching the inner stream; a full buffer is written
 * out first, and writes larger than the buffer go straight through. Call
 * `flush()` (or `shutdown()`) to push out what is buffered — bytes still in the
 * buffer are not sent otherwise.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { BufWriter, duplex } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const [a, b] = duplex(1024);
 *   const w = new BufWriter(a);
 *   for (const word of ['buffered ', 'then ', 'flushed']) yield* w.writeAll(new TextEncoder().encode(word));
 *   yield* w.shutdown();
 *   console.log(yield* b.readToString()); // buffered then flushed
 * });
 * ```
 */
export class BufWriter<W extends AsyncWrite = AsyncWrite> extends WriteBase {
  readonly #inner: W;
  readonly #buf: Uint8Array;
  #len = 0;
  /** How much of the buffer is already written out during a flush. */
  #off = 0;

  constructor(inner: W, capacity = DEFAULT_CAPACITY) {
    super();
    if (inner === null || typeof inner !== 'object' || typeof inner.write !== 'function')
      throw new TypeError('new BufWriter(inner): inner must be an AsyncWrite');
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(
        `new BufWriter(inner, capacity): capacity must be a positive integer, got ${capacity}`,
      );
    this.#inner = inner;
    this.#buf = new Uint8Array(capacity);
  }

  /** The wrapped writer. */
  get inner(): W {
    return this.#inner;
  }

  /** The bytes buffered and not yet written to the inner stream. */
  buffer(): Uint8Array {
    return this.#buf.subarray(this.#off, this.#len);
  }

  /**
   * Buffers `buf` (writing the buffer out first when it would overflow);
   * returns `buf.length`.
   *
   * ## Cancel safety
   * Cancel safe in the sense that nothing is lost: a cancelled write either
   * buffered all of `buf` or none of it; buffered bytes written out so far stay
   * written.
   */
  write(buf: Uint8Array): Future<number> {
    if (!(buf instanceof Uint8Array))
      throw new TypeError('BufWriter.write(buf): buf must be a Uint8Array');
    return this.#write(buf);
  }

  *#write(buf: Uint8Array): Generator<Suspend, number, unknown> {
    if (this.#len + buf.length > this.#buf.length) yield* this.#flushBuf();
    if (buf.length >= this.#buf.length) return yield* this.#inner.write(buf);
    this.#buf.set(buf, this.#len);
    this.#len += buf.length;
    return buf.length;
  }

  /**
   * Writes from several buffers in order and returns the bytes taken, as
   * Tokio's `BufWriter` does. Over a vectored inner writer, all of `bufs` is
   * buffered when it fits (the buffer is written out first when it would
   * overflow), and goes straight to the inner writer when it is at least as
   * large as the buffer. Over any other writer, the buffers that fit are
   * buffered, in order, starting with the first non-empty one (which goes
   * straight through when it alone is at least as large as the buffer).
   *
   * ## Cancel safety
   * As {@link write}: nothing is lost.
   */
  override writeVectored(bufs: Uint8Array[]): Future<number> {
    return this.#writeVectored(checkBufs(bufs, 'BufWriter.writeVectored(bufs)'));
  }

  *#writeVectored(bufs: Uint8Array[]): Generator<Suspend, number, unknown> {
    const cap = this.#buf.length;
    if (isWriteVectored(this.#inner)) {
      let total = 0;
      for (const b of bufs) total += b.length;
      if (total > cap - this.#len) yield* this.#flushBuf();
      if (total >= cap) return yield* writeVectored(this.#inner, bufs);
      for (const b of bufs) this.#put(b);
      return total;
    }
    let i = 0;
    while (i < bufs.length && bufs[i]!.length === 0) i++;
    if (i === bufs.length) return 0;
    const first = bufs[i]!;
    if (first.length > cap - this.#len) yield* this.#flushBuf();
    if (first.length >= cap) return yield* this.#inner.write(first);
    this.#put(first);
    let total = first.length;
    for (i++; i < bufs.length; i++) {
      const b = bufs[i]!;
      if (b.length > cap - this.#len) break;
      this.#put(b);
      total += b.length;
    }
    return total;
  }

  #put(b: Uint8Array): void {
    this.#buf.set(b, this.#len);
    this.#len += b.length;
  }

  /** True: every buffer of a vectored write is taken. */
  override isWriteVectored(): boolean {
    return true;
  }

  *#flushBuf(): Generator<Suspend, void, unknown> {
    while (this.#off < this.#len) {
      const n = yield* this.#inner.write(this.#buf.subarray(this.#off, this.#len));
      if (n === 0)
        throw new IoError('write-zero', 'BufWriter: the inner writer accepts no more bytes');
      this.#off += n;
    }
    this.#off = 0;
    this.#len = 0;
  }

  /**
   * Writes out the buffer, then flushes the inner writer.
   *
   * ## Cancel safety
   * Cancel safe: what was written stays written; the rest stays buffered.
   */
  flush(): Future<void> {
    return this.#flush();
  }

  *#flush(): Generator<Suspend, void, unknown> {
    yield* this.#flushBuf();
    yield* this.#inner.flush();
  }

  /** Writes out the buffer, then shuts down the inner writer. */
  shutdown(): Future<void> {
    return this.#shutdown();
  }

  *#shutdown(): Generator<Suspend, void, unknown> {
    yield* this.#flushBuf();
    yield* this.#inner.shutdown();
  }

  /** @internal */
  [flushPending](): boolean | undefined {
    return this.#off < this.#len ? true : probeFlush(this.#inner);
  }
}
