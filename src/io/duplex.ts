/**
 * `duplex` and `simplex`: in-memory pipes with a byte limit and backpressure,
 * for tests and for connecting tasks with a byte stream.
 */
import { ready } from '../future/basic.js';
import type { Future } from '../future/future.js';
import { ReadWriteBase } from './bases.js';
import { checkBuf, checkBufs } from './check.js';
import { Pipe, PipeLeaf } from './pipe.js';
import { flushPending, readReady } from './probe.js';
import { type ReadHalf, split, type WriteHalf } from './split.js';

const NO_BYTES = new Uint8Array(0);

function checkMaxBuf(maxBuf: unknown, what: string): number {
  if (typeof maxBuf !== 'number' || !Number.isInteger(maxBuf) || maxBuf < 1)
    throw new RangeError(`${what}: maxBuf must be a positive integer, got ${String(maxBuf)}`);
  return maxBuf;
}

/**
 * One end of an in-memory two-way pipe made by {@link duplex}. Each direction
 * holds at most `maxBuf` bytes: a write into a full pipe waits, a write larger
 * than the free space returns a partial count.
 *
 * `shutdown()` ends this end's writing (the peer reads what is left, then 0).
 * `close()` drops this end: the peer reads what is left then 0, and its writes
 * fail with an `IoError` of kind `broken-pipe`.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { duplex } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const [a, b] = duplex(8);
 *   console.log(yield* a.write(new Uint8Array(20))); // 8 (the pipe holds at most 8 bytes)
 *   a.close();
 *   console.log((yield* b.readToEnd()).length); // 8
 * });
 * ```
 */
export class DuplexStream extends ReadWriteBase {
  readonly #in: Pipe;
  readonly #out: Pipe;

  /** @internal */
  constructor(inbound: Pipe, outbound: Pipe) {
    super();
    this.#in = inbound;
    this.#out = outbound;
  }

  /**
   * Reads what is buffered (waits while the pipe is empty); 0 once the peer
   * shut down or closed and everything was read.
   *
   * ## Cancel safety
   * Cancel safe: a cancelled read took no bytes.
   */
  read(buf: Uint8Array): Future<number> {
    checkBuf(buf, 'DuplexStream.read(buf)');
    return new PipeLeaf(this.#in, buf, false);
  }

  /**
   * Writes as much of `buf` as fits (waits while the pipe is full).
   *
   * ## Cancel safety
   * Cancel safe: a cancelled write wrote nothing.
   */
  write(buf: Uint8Array): Future<number> {
    checkBuf(buf, 'DuplexStream.write(buf)');
    return new PipeLeaf(this.#out, buf, true);
  }

  /**
   * Writes as much of `bufs`, in order, as fits (waits while the pipe is
   * full); an empty write to a closed pipe is a broken-pipe error.
   *
   * ## Cancel safety
   * Cancel safe: a cancelled write wrote nothing.
   */
  override writeVectored(bufs: Uint8Array[]): Future<number> {
    return new PipeLeaf(
      this.#out,
      NO_BYTES,
      true,
      checkBufs(bufs, 'DuplexStream.writeVectored(bufs)'),
    );
  }

  /** True: a vectored write takes from every buffer that fits. */
  override isWriteVectored(): boolean {
    return true;
  }

  /** Nothing is buffered beyond the pipe itself: completes at once. */
  flush(): Future<void> {
    return ready(undefined);
  }

  /** Ends writing: the peer reads the rest, then 0. Calling it twice is fine. */
  shutdown(): Future<void> {
    this.#out.closeWrite();
    return ready(undefined);
  }

  /** Drops this end (Tokio's drop): the peer sees end of stream and broken-pipe writes. */
  close(): void {
    this.#out.closeWrite();
    this.#in.closeRead();
  }

  /** @internal */
  [readReady](): boolean {
    return this.#in.canRead();
  }

  /** @internal */
  [flushPending](): boolean {
    return false;
  }

  /** Same as {@link close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Creates a connected pair of in-memory streams; each direction buffers at
 * most `maxBuf` bytes.
 *
 * @example
 * ```ts
 * import { main, spawn } from 'tokio-ts';
 * import { duplex } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const [client, server] = duplex(64);
 *   const echo = spawn(function* () {
 *     const buf = new Uint8Array(16);
 *     for (let n; (n = yield* server.read(buf)) > 0; ) yield* server.writeAll(buf.subarray(0, n));
 *     yield* server.shutdown();
 *   });
 *   yield* client.writeAll(new TextEncoder().encode('ping'));
 *   yield* client.shutdown();
 *   console.log(yield* client.readToString()); // ping
 *   yield* echo;
 * });
 * ```
 */
export function duplex(maxBuf: number): [DuplexStream, DuplexStream] {
  checkMaxBuf(maxBuf, 'duplex(maxBuf)');
  const ab = new Pipe(maxBuf);
  const ba = new Pipe(maxBuf);
  return [new DuplexStream(ba, ab), new DuplexStream(ab, ba)];
}

/**
 * A one-way in-memory pipe: what is written can be read back, at most
 * `maxBuf` bytes buffered. Usually used through {@link simplex}'s halves.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { SimplexStream } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const pipe = new SimplexStream(16);
 *   yield* pipe.writeAll(new TextEncoder().encode('loop'));
 *   yield* pipe.shutdown();
 *   console.log(yield* pipe.readToString()); // loop
 * });
 * ```
 */
export class SimplexStream extends ReadWriteBase {
  readonly #pipe: Pipe;

  constructor(maxBuf: number) {
    super();
    this.#pipe = new Pipe(checkMaxBuf(maxBuf, 'new SimplexStream(maxBuf)'));
  }

  /**
   * Reads what is buffered (waits while empty); 0 after shutdown once drained.
   *
   * ## Cancel safety
   * Cancel safe.
   */
  read(buf: Uint8Array): Future<number> {
    checkBuf(buf, 'SimplexStream.read(buf)');
    return new PipeLeaf(this.#pipe, buf, false);
  }

  /**
   * Writes what fits (waits while full).
   *
   * ## Cancel safety
   * Cancel safe.
   */
  write(buf: Uint8Array): Future<number> {
    checkBuf(buf, 'SimplexStream.write(buf)');
    return new PipeLeaf(this.#pipe, buf, true);
  }

  /**
   * Writes as much of `bufs`, in order, as fits (waits while full).
   *
   * ## Cancel safety
   * Cancel safe.
   */
  override writeVectored(bufs: Uint8Array[]): Future<number> {
    return new PipeLeaf(
      this.#pipe,
      NO_BYTES,
      true,
      checkBufs(bufs, 'SimplexStream.writeVectored(bufs)'),
    );
  }

  /** True. */
  override isWriteVectored(): boolean {
    return true;
  }

  flush(): Future<void> {
    return ready(undefined);
  }

  /** Ends writing; the reader gets 0 after the rest. */
  shutdown(): Future<void> {
    this.#pipe.closeWrite();
    return ready(undefined);
  }

  /** @internal */
  [readReady](): boolean {
    return this.#pipe.canRead();
  }

  /** @internal */
  [flushPending](): boolean {
    return false;
  }
}

/**
 * Creates a one-way pipe and returns its read and write halves.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { simplex } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const [rx, tx] = simplex(32);
 *   yield* tx.writeAll(new TextEncoder().encode('one way'));
 *   yield* tx.shutdown();
 *   console.log(yield* rx.readToString()); // one way
 * });
 * ```
 */
export function simplex(maxBuf: number): [ReadHalf<SimplexStream>, WriteHalf<SimplexStream>] {
  return split(new SimplexStream(maxBuf));
}
