/** `split`: a stream's read and write halves, usable from different tasks. */
import type { Future } from '../future/future.js';
import { ReadBase, WriteBase } from './bases.js';
import { flushPending, probeFlush, probeRead, readReady } from './probe.js';
import type { AsyncRead, AsyncWrite } from './traits.js';
import { isWriteVectored, writeVectored } from './util.js';

/**
 * The read half of a stream made by {@link split}.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { duplex, split } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const [a, b] = duplex(16);
 *   const [rd] = split(b);
 *   yield* a.writeAll(new Uint8Array([1, 2]));
 *   const buf = new Uint8Array(2);
 *   yield* rd.readExact(buf);
 *   console.log(buf); // Uint8Array(2) [ 1, 2 ]
 * });
 * ```
 */
export class ReadHalf<T extends AsyncRead & AsyncWrite> extends ReadBase {
  /** @internal */
  readonly inner: T;

  /** @internal */
  constructor(inner: T) {
    super();
    this.inner = inner;
  }

  /** Reads from the stream (the stream's cancel safety). */
  read(buf: Uint8Array): Future<number> {
    return this.inner.read(buf);
  }

  /** @internal */
  [readReady](): boolean | undefined {
    return probeRead(this.inner);
  }

  /** True if `w` is the other half of the same split. */
  isPairOf(w: WriteHalf<T>): boolean {
    return w.inner === this.inner;
  }

  /** Puts the halves back together; throws if they are not a pair. */
  unsplit(w: WriteHalf<T>): T {
    if (!this.isPairOf(w)) throw new TypeError('ReadHalf.unsplit(w): the halves are not a pair');
    return this.inner;
  }
}

/**
 * The write half of a stream made by {@link split}.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { duplex, split } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const [a, b] = duplex(16);
 *   const [, wr] = split(a);
 *   yield* wr.writeAll(new TextEncoder().encode('hi'));
 *   yield* wr.shutdown();
 *   console.log(yield* b.readToString()); // hi
 * });
 * ```
 */
export class WriteHalf<T extends AsyncRead & AsyncWrite> extends WriteBase {
  /** @internal */
  readonly inner: T;

  /** @internal */
  constructor(inner: T) {
    super();
    this.inner = inner;
  }

  /** Writes to the stream (the stream's cancel safety). */
  write(buf: Uint8Array): Future<number> {
    return this.inner.write(buf);
  }

  flush(): Future<void> {
    return this.inner.flush();
  }

  shutdown(): Future<void> {
    return this.inner.shutdown();
  }

  /** The stream's `writeVectored` (or its first non-empty buffer). */
  override writeVectored(bufs: Uint8Array[]): Future<number> {
    return writeVectored(this.inner, bufs);
  }

  /** The stream's `isWriteVectored`. */
  override isWriteVectored(): boolean {
    return isWriteVectored(this.inner);
  }

  /** @internal */
  [flushPending](): boolean | undefined {
    return probeFlush(this.inner);
  }
}

/**
 * Splits a stream into a read half and a write half, so that one task can
 * read while another writes. (JavaScript runs one task at a time, so unlike
 * Tokio no lock is needed; sockets also have their own `split`/`intoSplit`.)
 *
 * @example
 * ```ts
 * import { main, spawn } from 'tokio-ts';
 * import { duplex, split } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const [a, b] = duplex(64);
 *   const [rd, wr] = split(b);
 *   const echo = spawn(function* () {
 *     const buf = new Uint8Array(64);
 *     const n = yield* rd.read(buf);
 *     yield* wr.writeAll(buf.subarray(0, n));
 *   });
 *   yield* a.writeAll(new TextEncoder().encode('hello'));
 *   yield* echo;
 *   const back = new Uint8Array(5);
 *   yield* a.readExact(back);
 *   console.log(new TextDecoder().decode(back)); // hello
 *   console.log(rd.unsplit(wr) === b); // true
 * });
 * ```
 */
export function split<T extends AsyncRead & AsyncWrite>(stream: T): [ReadHalf<T>, WriteHalf<T>] {
  if (
    stream === null ||
    typeof stream !== 'object' ||
    typeof stream.read !== 'function' ||
    typeof stream.write !== 'function'
  )
    throw new TypeError('split(stream): expected a stream with read and write');
  return [new ReadHalf(stream), new WriteHalf(stream)];
}
