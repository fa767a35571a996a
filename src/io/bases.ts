/**
 * Base classes giving every concrete stream the `AsyncReadExt`/`AsyncWriteExt`
 * helpers as methods (`stream.readExact(buf)`, `stream.writeAll(buf)`, …).
 */
import type { Future, Suspend } from '../future/future.js';
import { checkBufs } from './check.js';
import { IoError } from './error.js';
import { probeRead, readReady } from './probe.js';
import type { AsyncRead, AsyncWrite } from './traits.js';
import { readExact, readToEnd, readToString, writeAll, writeFirst } from './util.js';

/**
 * A reader with the read helpers as methods.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import type { Future } from 'tokio-ts';
 * import { ReadBase } from 'tokio-ts/io';
 *
 * // A reader of three bytes, with readExact/readToEnd/readToString for free.
 * class Abc extends ReadBase {
 *   #done = false;
 *   *read(buf: Uint8Array): Future<number> {
 *     if (this.#done || buf.length < 3) return 0;
 *     this.#done = true;
 *     buf.set([97, 98, 99]);
 *     return 3;
 *   }
 * }
 *
 * main(function* () {
 *   console.log(yield* new Abc().readToString()); // abc
 * });
 * ```
 */
export abstract class ReadBase implements AsyncRead {
  abstract read(buf: Uint8Array): Future<number>;

  /** Reads exactly `buf.length` bytes (throws `UnexpectedEof`). Not cancel safe. */
  readExact(buf: Uint8Array): Future<number> {
    return readExact(this, buf);
  }

  /** Reads to the end of the stream. Not cancel safe. */
  readToEnd(): Future<Uint8Array> {
    return readToEnd(this);
  }

  /** Reads to the end and decodes UTF-8. Not cancel safe. */
  readToString(): Future<string> {
    return readToString(this);
  }

  /**
   * A reader of at most `limit` more bytes of this one (Tokio's
   * `AsyncReadExt::take`); see {@link Take}.
   */
  take(limit: number): Take<this> {
    return new Take(this, limit);
  }
}

/**
 * A reader that reads at most `limit` bytes of its inner reader, then reports
 * end of stream (Tokio's `Take`, made by `reader.take(limit)` or
 * `new Take(reader, limit)`). The inner reader is left where the limit
 * stopped: bytes after it are still there to read.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { duplex } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const [a, b] = duplex(64);
 *   yield* a.writeAll(new TextEncoder().encode('headerbody'));
 *   a.close();
 *   const head = b.take(6);
 *   console.log(yield* head.readToString(), head.limit); // header 0
 *   console.log(yield* b.readToString()); // body
 * });
 * ```
 */
export class Take<R extends AsyncRead = AsyncRead> extends ReadBase {
  readonly #inner: R;
  #limit: number;

  constructor(inner: R, limit: number) {
    super();
    if (inner === null || typeof inner !== 'object' || typeof inner.read !== 'function')
      throw new TypeError('take(limit): the inner reader must be an AsyncRead');
    this.#inner = inner;
    this.#limit = checkLimit(limit, 'take(limit)');
  }

  /** The wrapped reader. */
  get inner(): R {
    return this.#inner;
  }

  /** How many more bytes may be read before end of stream is reported. */
  get limit(): number {
    return this.#limit;
  }

  /** Sets the number of bytes that may still be read (Tokio's `set_limit`). */
  setLimit(limit: number): void {
    this.#limit = checkLimit(limit, 'Take.setLimit(limit)');
  }

  /**
   * Reads at most `limit` bytes into `buf`; 0 once the limit is reached or the
   * inner reader ends.
   *
   * ## Cancel safety
   * Cancel safe if the inner reader's `read` is: the limit drops only by the
   * bytes a completed read returned.
   */
  read(buf: Uint8Array): Future<number> {
    if (!(buf instanceof Uint8Array))
      throw new TypeError('Take.read(buf): buf must be a Uint8Array');
    return this.#read(buf);
  }

  *#read(buf: Uint8Array): Generator<Suspend, number, unknown> {
    if (this.#limit === 0) return 0;
    const dst = buf.length > this.#limit ? buf.subarray(0, this.#limit) : buf;
    const n = yield* this.#inner.read(dst);
    if (!Number.isInteger(n) || n < 0 || n > dst.length)
      throw new IoError(
        'invalid-data',
        `Take.read: the inner reader returned ${n} for a buffer of ${dst.length} bytes`,
      );
    this.#limit -= n;
    return n;
  }

  /** @internal */
  [readReady](): boolean | undefined {
    return this.#limit === 0 ? true : probeRead(this.#inner);
  }
}

function checkLimit(limit: unknown, what: string): number {
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 0)
    throw new RangeError(`${what}: limit must be a non-negative integer, got ${String(limit)}`);
  return limit;
}

/**
 * A writer with `writeAll` as a method.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import type { Future } from 'tokio-ts';
 * import { WriteBase } from 'tokio-ts/io';
 *
 * // Counts bytes; writeAll comes from WriteBase.
 * class Counter extends WriteBase {
 *   total = 0;
 *   *write(buf: Uint8Array): Future<number> {
 *     this.total += buf.length;
 *     return buf.length;
 *   }
 *   *flush(): Future<void> {}
 *   *shutdown(): Future<void> {}
 * }
 *
 * main(function* () {
 *   const c = new Counter();
 *   yield* c.writeAll(new Uint8Array(10));
 *   console.log(c.total); // 10
 * });
 * ```
 */
export abstract class WriteBase implements AsyncWrite {
  abstract write(buf: Uint8Array): Future<number>;
  abstract flush(): Future<void>;
  abstract shutdown(): Future<void>;

  /** Writes all of `buf`; `buf` may be reused when it returns. Not cancel safe. */
  writeAll(buf: Uint8Array): Future<void> {
    return writeAll(this, buf);
  }

  /**
   * Writes from several buffers in order; returns the bytes taken in all.
   * This default writes the first non-empty buffer (Tokio's default); streams
   * that can do better override it. Cancel safe when `write` is.
   */
  writeVectored(bufs: Uint8Array[]): Future<number> {
    return writeFirst(this, checkBufs(bufs, 'writeVectored(bufs)'));
  }

  /** True when {@link writeVectored} takes from more than one buffer at a time. */
  isWriteVectored(): boolean {
    return false;
  }
}

/**
 * A two-way stream with all the helpers as methods.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { duplex, ReadWriteBase } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const [a] = duplex(8);
 *   console.log(a instanceof ReadWriteBase); // true: every stream has the helpers
 * });
 * ```
 */
export abstract class ReadWriteBase extends ReadBase implements AsyncWrite {
  abstract write(buf: Uint8Array): Future<number>;
  abstract flush(): Future<void>;
  abstract shutdown(): Future<void>;

  /** Writes all of `buf`; `buf` may be reused when it returns. Not cancel safe. */
  writeAll(buf: Uint8Array): Future<void> {
    return writeAll(this, buf);
  }

  /**
   * Writes from several buffers in order; returns the bytes taken in all.
   * This default writes the first non-empty buffer (Tokio's default); streams
   * that can do better override it. Cancel safe when `write` is.
   */
  writeVectored(bufs: Uint8Array[]): Future<number> {
    return writeFirst(this, checkBufs(bufs, 'writeVectored(bufs)'));
  }

  /** True when {@link writeVectored} takes from more than one buffer at a time. */
  isWriteVectored(): boolean {
    return false;
  }
}
