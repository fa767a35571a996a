/** `BufReader`: an internal buffer over a reader, with line and delimiter reads. */
import type { Future, Suspend } from '../future/future.js';
import { ReadBase } from './bases.js';
import { probeRead, readReady } from './probe.js';
import type { AsyncBufRead, AsyncRead, AsyncSeek, SeekFrom } from './traits.js';
import { decodeUtf8 } from './util.js';

const DEFAULT_CAPACITY = 8 * 1024;
const NL = 10;

/**
 * Wraps a reader with a buffer (8 KiB by default), so that many small reads
 * cost one read of the inner stream, and adds `readLine`, `readUntil` and
 * `lines`.
 *
 * A line or delimited record longer than the buffer grows it; nothing is
 * consumed until the whole record is there, which makes `readLine`,
 * `readUntil` and `Lines.nextLine` cancel safe here (they are not in Tokio).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { BufReader, duplex } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const [a, b] = duplex(1024);
 *   yield* a.writeAll(new TextEncoder().encode('first\r\nsecond\nlast'));
 *   yield* a.shutdown();
 *   const lines = new BufReader(b).lines();
 *   for (let line; (line = yield* lines.nextLine()) !== undefined; ) console.log(line);
 *   // first
 *   // second
 *   // last
 * });
 * ```
 */
export class BufReader<R extends AsyncRead = AsyncRead> extends ReadBase implements AsyncBufRead {
  readonly #inner: R;
  #buf: Uint8Array;
  #pos = 0;
  #end = 0;
  readonly #capacity: number;

  constructor(inner: R, capacity = DEFAULT_CAPACITY) {
    super();
    if (inner === null || typeof inner !== 'object' || typeof inner.read !== 'function')
      throw new TypeError('new BufReader(inner): inner must be an AsyncRead');
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(
        `new BufReader(inner, capacity): capacity must be a positive integer, got ${capacity}`,
      );
    this.#inner = inner;
    this.#capacity = capacity;
    this.#buf = new Uint8Array(capacity);
  }

  /** The wrapped reader. Reading it directly skips the buffered bytes. */
  get inner(): R {
    return this.#inner;
  }

  /** The bytes buffered and not yet consumed. */
  buffer(): Uint8Array {
    return this.#buf.subarray(this.#pos, this.#end);
  }

  /**
   * Returns the buffered bytes, reading the inner stream first if none are
   * buffered; an empty array means end of stream. Pair with {@link consume}.
   *
   * ## Cancel safety
   * Cancel safe if the inner reader's `read` is.
   */
  fillBuf(): Future<Uint8Array> {
    return this.#fillBuf();
  }

  *#fillBuf(): Generator<Suspend, Uint8Array, unknown> {
    if (this.#pos === this.#end) {
      this.#pos = 0;
      this.#end = 0;
      const n = yield* this.#inner.read(this.#buf);
      this.#end = n;
    }
    return this.#buf.subarray(this.#pos, this.#end);
  }

  /** Marks `n` buffered bytes as read. */
  consume(n: number): void {
    if (!Number.isInteger(n) || n < 0 || n > this.#end - this.#pos)
      throw new RangeError(
        `BufReader.consume(n): n must be in 0..${this.#end - this.#pos}, got ${n}`,
      );
    this.#pos += n;
  }

  /**
   * Reads into `buf` from the buffer, refilling it when empty; reads larger
   * than the buffer bypass it.
   *
   * ## Cancel safety
   * Cancel safe if the inner reader's `read` is.
   */
  read(buf: Uint8Array): Future<number> {
    if (!(buf instanceof Uint8Array))
      throw new TypeError('BufReader.read(buf): buf must be a Uint8Array');
    if (this.#pos === this.#end && buf.length >= this.#capacity) return this.#inner.read(buf);
    return this.#read(buf);
  }

  *#read(buf: Uint8Array): Generator<Suspend, number, unknown> {
    const avail = yield* this.#fillBuf();
    const n = Math.min(avail.length, buf.length);
    buf.set(n === avail.length ? avail : avail.subarray(0, n));
    this.#pos += n;
    return n;
  }

  /**
   * Reads up to and including the next `byte` (or to the end of stream) and
   * returns those bytes; empty at end of stream.
   *
   * ## Cancel safety
   * Cancel safe: nothing is consumed until the delimiter (or the end) is found.
   */
  readUntil(byte: number): Future<Uint8Array> {
    if (!Number.isInteger(byte) || byte < 0 || byte > 255)
      throw new RangeError(`BufReader.readUntil(byte): byte must be in 0..255, got ${byte}`);
    return this.#readUntil(byte);
  }

  *#readUntil(byte: number): Generator<Suspend, Uint8Array, unknown> {
    let scanned = this.#pos;
    for (;;) {
      const i = this.#buf.indexOf(byte, scanned);
      if (i !== -1 && i < this.#end) {
        const out = this.#buf.slice(this.#pos, i + 1);
        this.#pos = i + 1;
        return out;
      }
      scanned = this.#end;
      // Make room: compact, then grow.
      if (this.#end === this.#buf.length) {
        const used = this.#end - this.#pos;
        if (this.#pos > 0 && used < this.#buf.length / 2) {
          this.#buf.copyWithin(0, this.#pos, this.#end);
        } else {
          const bigger = new Uint8Array(this.#buf.length * 2);
          bigger.set(this.#buf.subarray(this.#pos, this.#end));
          this.#buf = bigger;
        }
        scanned -= this.#pos;
        this.#end = used;
        this.#pos = 0;
      }
      const n = yield* this.#inner.read(this.#buf.subarray(this.#end));
      if (n === 0) {
        const out = this.#buf.slice(this.#pos, this.#end);
        this.#pos = this.#end;
        return out;
      }
      this.#end += n;
    }
  }

  /**
   * Reads one line, including its `\n`; `''` at end of stream. Bytes must be
   * UTF-8 (an `IoError` of kind `invalid-data` otherwise).
   *
   * ## Cancel safety
   * Cancel safe (see {@link readUntil}).
   */
  readLine(): Future<string> {
    return this.#readLine();
  }

  *#readLine(): Generator<Suspend, string, unknown> {
    const bytes = yield* this.#readUntil(NL);
    return bytes.length === 0 ? '' : decodeUtf8(bytes);
  }

  /**
   * Seeks the inner reader, which must be an `AsyncSeek` (a `File`, say), and
   * returns the new position. The buffer is discarded, even when the target
   * is inside it (as in Tokio). `{ current: n }` counts from where the
   * caller is, not from where the inner reader is: the buffered bytes not
   * yet consumed are taken into account.
   *
   * @example
   * ```ts
   * import { writeFile } from 'node:fs/promises';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { main } from 'tokio-ts';
   * import { File } from 'tokio-ts/fs';
   * import { BufReader } from 'tokio-ts/io';
   *
   * const path = join(tmpdir(), `bufreader-seek-${process.pid}.txt`);
   * await writeFile(path, 'one\ntwo\nthree\n');
   * main(function* () {
   *   const r = new BufReader(yield* File.open(path));
   *   console.log(JSON.stringify(yield* r.readLine())); // "one\n"
   *   console.log(yield* r.seek({ current: 4 })); // 8
   *   console.log(JSON.stringify(yield* r.readLine())); // "three\n"
   * });
   * ```
   *
   * ## Errors
   * `TypeError` if the inner reader cannot seek or `pos` is malformed; the
   * inner seek's errors (then the buffer is kept).
   *
   * ## Cancel safety
   * Cancel safe if the inner reader's `seek` is: the buffer is discarded only
   * once the inner seek has completed.
   */
  seek(pos: SeekFrom): Future<number> {
    const inner = this.#inner as unknown as Partial<AsyncSeek>;
    if (typeof inner.seek !== 'function')
      throw new TypeError('BufReader.seek(pos): the inner reader is not an AsyncSeek');
    if (pos === null || typeof pos !== 'object')
      throw new TypeError('BufReader.seek(pos): pos must be { start }, { current } or { end }');
    return this.#seek(inner as AsyncSeek, pos);
  }

  *#seek(inner: AsyncSeek, pos: SeekFrom): Generator<Suspend, number, unknown> {
    const target =
      'current' in pos && typeof pos.current === 'number'
        ? { current: pos.current - (this.#end - this.#pos) }
        : pos;
    const n = yield* inner.seek(target);
    this.#pos = 0;
    this.#end = 0;
    return n;
  }

  /** The lines of the stream, without their `\n` / `\r\n`. */
  lines(): Lines {
    return new Lines(this);
  }

  /** @internal */
  [readReady](): boolean | undefined {
    return this.#pos < this.#end ? true : probeRead(this.#inner);
  }
}

/**
 * The lines of a {@link BufReader}: `nextLine()` until it returns undefined.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { BufReader, duplex } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const [a, b] = duplex(64);
 *   yield* a.writeAll(new TextEncoder().encode('x\ny\n'));
 *   a.close();
 *   const lines = new BufReader(b).lines();
 *   console.log(yield* lines.nextLine(), yield* lines.nextLine(), yield* lines.nextLine()); // x y undefined
 * });
 * ```
 */
export class Lines {
  readonly #reader: BufReader;

  /** @internal */
  constructor(reader: BufReader) {
    this.#reader = reader;
  }

  /**
   * The next line without its line ending, or undefined at end of stream.
   *
   * ## Cancel safety
   * Cancel safe: a cancelled call consumed nothing.
   */
  nextLine(): Future<string | undefined> {
    return this.#next();
  }

  *#next(): Generator<Suspend, string | undefined, unknown> {
    const line = yield* this.#reader.readLine();
    if (line === '') return undefined;
    let end = line.length;
    if (line.charCodeAt(end - 1) === NL) {
      end--;
      if (end > 0 && line.charCodeAt(end - 1) === 13) end--;
    }
    return end === line.length ? line : line.slice(0, end);
  }
}
