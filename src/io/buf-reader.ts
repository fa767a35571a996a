/** `BufReader`: an internal buffer over a reader, with line and delimiter reads. */
import { isAscii } from 'node:buffer';
import type { Future, Suspend } from '../future/future.js';
import { ReadBase } from './bases.js';
import { probeRead, readReady } from './probe.js';
import type { AsyncBufRead, AsyncRead, AsyncSeek, SeekFrom } from './traits.js';
import { decodeUtf8Range } from './util.js';

/**
 * 64 KiB (Tokio: 8 KiB): each read of a `File` is a round trip to Node's
 * thread pool, so reading a file in 8 KiB pieces cost more than splitting it
 * into lines; Node's read streams read 64 KiB at a time too.
 */
const DEFAULT_CAPACITY = 64 * 1024;
const NL = 10;
const CR = 13;
/** Buffered bytes from which `Lines` decodes the buffer once rather than line by line. */
const ASCII_RUN = 4096;
/** @internal `Lines` reads through these, without the copy `readLine` makes. */
const lineNow = Symbol('lineNow');
/** @internal The slow path of `Lines`: fills the buffer up to a line end. */
const fillLine = Symbol('fillLine');

/**
 * Wraps a reader with a buffer (64 KiB by default; Tokio's is 8 KiB), so that many small reads
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
  #buf: Buffer;
  #pos = 0;
  #end = 0;
  /** Bumped whenever the bytes in `#buf[#pos..#end)` may have moved or grown. */
  #gen = 0;
  /**
   * `#buf[#textBase..)` decoded once, when those bytes were all ASCII, for
   * `#textGen === #gen`: lines are then slices of one string per read (as
   * `readline` does) instead of a decode per line. Like `readline`'s lines,
   * such a line may keep the decoded chunk (up to the buffer's size) alive
   * while it is held.
   */
  #text = '';
  #textBase = 0;
  #textGen = -1;
  /**
   * A view of `#buf[0..#end)`, so that a search stops at `#end`; rebuilt when
   * `#end` moved (per read, not per line) and reset when `#buf` is replaced.
   */
  #filled: Buffer;
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
    this.#buf = Buffer.allocUnsafe(capacity);
    this.#filled = this.#buf.subarray(0, 0);
  }

  /** The wrapped reader. Reading it directly skips the buffered bytes. */
  get inner(): R {
    return this.#inner;
  }

  /** The bytes buffered and not yet consumed. */
  buffer(): Uint8Array {
    return this.#view();
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
      this.#gen++;
      const n = yield* this.#inner.read(this.#buf);
      this.#end = n;
    }
    return this.#view();
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
    const stop = yield* this.#fillUntil(byte);
    // A copy the caller owns (Buffer#slice would be a view).
    const out = new Uint8Array(stop - this.#pos);
    out.set(this.#buf.subarray(this.#pos, stop));
    this.#pos = stop;
    return out;
  }

  /** `#buf[#pos..#end)` as a plain Uint8Array (callers see no Buffer). */
  #view(): Uint8Array {
    const b = this.#buf;
    return new Uint8Array(b.buffer, b.byteOffset + this.#pos, this.#end - this.#pos);
  }

  /** The index of `byte` in `#buf[from..#end)`, or -1. */
  #find(byte: number, from: number): number {
    let filled = this.#filled;
    if (filled.length !== this.#end) {
      filled = this.#buf.subarray(0, this.#end);
      this.#filled = filled;
    }
    return filled.indexOf(byte, from);
  }

  /**
   * Reads until the buffer holds `byte` (or the stream ended) and returns
   * where the record ends in `#buf` (after `byte`, or at `#end`); consumes
   * nothing.
   */
  *#fillUntil(byte: number): Generator<Suspend, number, unknown> {
    let scanned = this.#pos;
    for (;;) {
      const i = this.#find(byte, scanned);
      if (i !== -1) return i + 1;
      scanned = this.#end;
      // Make room: compact, then grow.
      if (this.#end === this.#buf.length) {
        const used = this.#end - this.#pos;
        if (this.#pos > 0 && used < this.#buf.length / 2) {
          this.#buf.copyWithin(0, this.#pos, this.#end);
        } else {
          const bigger = Buffer.allocUnsafe(this.#buf.length * 2);
          bigger.set(this.#buf.subarray(this.#pos, this.#end));
          this.#buf = bigger;
          this.#filled = bigger.subarray(0, 0);
        }
        scanned -= this.#pos;
        this.#end = used;
        this.#pos = 0;
        this.#gen++;
      }
      const n = yield* this.#inner.read(this.#buf.subarray(this.#end));
      this.#gen++;
      if (n === 0) return this.#end;
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
    const stop = yield* this.#fillUntil(NL);
    const start = this.#pos;
    this.#pos = stop;
    return decodeUtf8Range(this.#buf, start, stop);
  }

  /**
   * @internal The next line if the buffer's decoded text already holds all of
   * it (the common case), else null: no suspension, no generator.
   */
  [lineNow](): string | null {
    if (this.#textGen !== this.#gen) return null;
    const text = this.#text;
    const from = this.#pos - this.#textBase;
    const j = text.indexOf('\n', from);
    if (j === -1) return null;
    this.#pos = this.#textBase + j + 1;
    return text.slice(from, j > from && text.charCodeAt(j - 1) === CR ? j - 1 : j);
  }

  /**
   * @internal The next line without its `\n` / `\r\n`, decoded straight from
   * the buffer, when {@link lineNow} had none: reads until a line end is
   * buffered; undefined at end of stream.
   */
  *[fillLine](): Generator<Suspend, string | undefined, unknown> {
    const i = this.#find(NL, this.#pos);
    const stop = i !== -1 ? i + 1 : yield* this.#fillUntil(NL);
    const start = this.#pos;
    if (stop === start) return undefined;
    if (this.#textGen !== this.#gen && this.#end - start >= ASCII_RUN) {
      const rest = this.#buf.subarray(start, this.#end);
      if (isAscii(rest)) {
        this.#text = rest.toString('latin1');
        this.#textBase = start;
        this.#textGen = this.#gen;
        const now = this[lineNow]();
        if (now !== null) return now;
        // no line end in it: the last line, at end of stream (decoded below)
      }
    }
    this.#pos = stop;
    let end = stop;
    if (this.#buf[end - 1] === NL) {
      end--;
      if (end > start && this.#buf[end - 1] === CR) end--;
    }
    return decodeUtf8Range(this.#buf, start, end);
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
    this.#gen++;
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
    return new NextLine(this.#reader);
  }
}

/**
 * The result of a line had at once: shared, since whoever drives the future
 * reads `value` as soon as `next()` returns, and a string holds nothing else
 * alive (one object fewer per line).
 */
const LINE_NOW: { done: true; value: string } = { done: true, value: '' };

/**
 * `Lines.nextLine()`: a line already decoded in the buffer is taken when the
 * future is first driven, without a generator (most lines of a big file:
 * ~100 B and a generator resume fewer per line); otherwise it delegates to
 * the reader's generator, which fills the buffer. Consumes nothing until
 * driven, so a future made and dropped loses no line.
 */
class NextLine
  implements Future<string | undefined>, Iterator<Suspend, string | undefined, unknown>
{
  readonly #r: BufReader;
  #inner: Iterator<Suspend, string | undefined, unknown> | null = null;

  constructor(r: BufReader) {
    this.#r = r;
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(v?: unknown): IteratorResult<Suspend, string | undefined> {
    let inner = this.#inner;
    if (inner === null) {
      const line = this.#r[lineNow]();
      if (line !== null) {
        LINE_NOW.value = line;
        return LINE_NOW;
      }
      inner = this.#inner = this.#r[fillLine]();
    }
    return inner.next(v);
  }

  return(v?: string): IteratorResult<Suspend, string | undefined> {
    const inner = this.#inner;
    if (inner !== null && typeof inner.return === 'function') return inner.return(v);
    return { done: true, value: v };
  }

  throw(e?: unknown): IteratorResult<Suspend, string | undefined> {
    const inner = this.#inner;
    if (inner !== null && typeof inner.throw === 'function') return inner.throw(e);
    throw e;
  }
}
