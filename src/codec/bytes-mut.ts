/**
 * `BytesMut`: the growable byte buffer decoders read from and encoders write
 * to (tokio-util's `BytesMut`, reduced to what codecs need).
 */
import { isAscii } from 'node:buffer';
import { utf8Slice } from '../io/util.js';

/** Held bytes from which lines are sliced from one decoded string rather than decoded one by one. */
const ASCII_RUN = 4096;

/**
 * A growable byte buffer with a consumed front and a spare tail. Appending is
 * amortised O(1) (the storage doubles; consumed bytes are reclaimed by moving
 * the live bytes to the front when that frees enough room); consuming from the
 * front is O(1).
 *
 * @example
 * ```ts
 * import { BytesMut } from 'tokio-ts/codec';
 *
 * const b = new BytesMut();
 * b.extend(new TextEncoder().encode('key=value;'));
 * const i = b.indexOf(0x3d); // '='
 * const key = b.splitTo(i);
 * b.advance(1);
 * console.log(new TextDecoder().decode(key), b.length); // key 6
 * ```
 */
export class BytesMut {
  // A Buffer, so that UTF-8 can be decoded in place (`toString`) without a copy.
  #buf: Buffer;
  #start = 0;
  #end = 0;
  /** Bumped whenever held bytes move or bytes are added (not when consumed). */
  #gen = 0;
  /**
   * `#buf[#textBase..)` decoded once as Latin-1 (all ASCII, so the same as
   * UTF-8) for `#textGen === #gen`, or `''` when those bytes were not all
   * ASCII: see {@link takeAsciiLine}.
   */
  #text = '';
  #textBase = 0;
  #textGen = -1;

  constructor(capacity = 8 * 1024) {
    this.#buf = Buffer.allocUnsafe(Math.max(16, capacity));
  }

  /** Bytes held. */
  get length(): number {
    return this.#end - this.#start;
  }

  /** Bytes the buffer can hold without growing (counting reclaimable space). */
  get capacity(): number {
    return this.#buf.length;
  }

  /** A view of the held bytes (valid until the buffer is next changed). */
  chunk(): Uint8Array {
    return this.#buf.subarray(this.#start, this.#end);
  }

  /** The byte at `i` (0 = first held byte). */
  at(i: number): number {
    return this.#buf[this.#start + i]!;
  }

  /** The index of the first `byte` at or after `from`, or -1. */
  indexOf(byte: number, from = 0): number {
    if (from >= this.length) return -1;
    const i = this.#buf.indexOf(byte, this.#start + from);
    return i === -1 || i >= this.#end ? -1 : i - this.#start;
  }

  /** Makes room for at least `n` more bytes at the end. */
  reserve(n: number): void {
    const len = this.length;
    if (this.#buf.length - this.#end >= n) return;
    if (this.#start > 0 && this.#buf.length - len >= n && this.#start >= len) {
      // Enough room once the live bytes move to the front (and the move is cheap).
      this.#buf.copyWithin(0, this.#start, this.#end);
    } else {
      let cap = this.#buf.length * 2;
      while (cap - len < n) cap *= 2;
      const next = Buffer.allocUnsafe(cap);
      next.set(this.#buf.subarray(this.#start, this.#end));
      this.#buf = next;
    }
    this.#start = 0;
    this.#end = len;
    this.#gen++;
  }

  /** Appends `bytes`. */
  extend(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.#buf.set(bytes, this.#end);
    this.#end += bytes.length;
    this.#gen++;
  }

  /** Appends one byte. */
  put(byte: number): void {
    this.reserve(1);
    this.#buf[this.#end++] = byte;
    this.#gen++;
  }

  /** The writable tail, at least `min` bytes long: fill it, then {@link commit}. */
  spare(min: number): Uint8Array {
    this.reserve(min);
    return this.#buf.subarray(this.#end);
  }

  /** Marks `n` bytes of the {@link spare} tail as written. */
  commit(n: number): void {
    if (n < 0 || this.#end + n > this.#buf.length)
      throw new RangeError(`BytesMut.commit(${n}): out of range`);
    this.#end += n;
    this.#gen++;
  }

  /** Drops the first `n` bytes. */
  advance(n: number): void {
    if (n < 0 || n > this.length)
      throw new RangeError(`BytesMut.advance(${n}): only ${this.length} bytes held`);
    this.#start += n;
    if (this.#start === this.#end) {
      this.#start = 0;
      this.#end = 0;
      this.#gen++;
    }
  }

  /** Removes the first `n` bytes and returns them (a copy the caller owns). */
  splitTo(n: number): Uint8Array {
    if (n < 0 || n > this.length)
      throw new RangeError(`BytesMut.splitTo(${n}): only ${this.length} bytes held`);
    const out = new Uint8Array(n);
    out.set(this.#buf.subarray(this.#start, this.#start + n));
    this.advance(n);
    return out;
  }

  /**
   * Removes the first `n` bytes and returns the first `n - trim` of them
   * decoded as UTF-8 (without copying them first); undefined if they are not
   * valid UTF-8, in which case nothing is removed.
   * @internal
   */
  takeUtf8(n: number, trim: number): string | undefined {
    const s = utf8Slice.call(this.#buf, this.#start, this.#start + n - trim);
    if (s.includes('\uFFFD') && !validUtf8(this.#buf.subarray(this.#start, this.#start + n - trim)))
      return undefined;
    this.advance(n);
    return s;
  }

  /** Removes and returns everything held. */
  split(): Uint8Array {
    return this.splitTo(this.length);
  }

  /** Drops everything held. */
  clear(): void {
    this.#start = 0;
    this.#end = 0;
    this.#gen++;
  }

  /**
   * The fast path of `LinesCodec`: when the held bytes are all ASCII (and at
   * least {@link ASCII_RUN} of them), they are decoded once and each line is a
   * slice of that string (as `readline` does), instead of a UTF-8 decode per
   * line. Removes and returns the first line without its `\n` / `\r\n` if
   * it ends within `limit + 1` bytes; `undefined` when this path cannot say
   * (no `\n` there, a longer line, bytes not ASCII, too few bytes): the
   * caller then takes its byte path, which also gives its errors. Like
   * `readline`'s lines, a line may keep the decoded string (up to the bytes
   * held when it was decoded) alive while it is held.
   * @internal
   */
  takeAsciiLine(limit: number): string | undefined {
    if (this.#textGen !== this.#gen) {
      if (this.#end - this.#start < ASCII_RUN) return undefined;
      const held = this.#buf.subarray(this.#start, this.#end);
      this.#text = isAscii(held) ? held.toString('latin1') : '';
      this.#textBase = this.#start;
      this.#textGen = this.#gen;
    }
    const text = this.#text;
    if (text === '') return undefined;
    const from = this.#start - this.#textBase;
    const j = text.indexOf('\n', from);
    if (j === -1 || j - from > limit) return undefined;
    this.#start = this.#textBase + j + 1;
    if (this.#start === this.#end) {
      this.#start = 0;
      this.#end = 0;
      this.#gen++;
    }
    return text.slice(from, j > from && text.charCodeAt(j - 1) === 13 ? j - 1 : j);
  }
}

const fatal = new TextDecoder('utf-8', { fatal: true });

/** True if `b` is valid UTF-8 (only called when a replacement character appeared). */
function validUtf8(b: Uint8Array): boolean {
  try {
    fatal.decode(b);
    return true;
  } catch {
    return false;
  }
}
