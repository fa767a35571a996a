/**
 * `BytesMut`: the growable byte buffer decoders read from and encoders write
 * to (tokio-util's `BytesMut`, reduced to what codecs need).
 */
import { utf8Slice } from '../io/util.js';

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
  }

  /** Appends `bytes`. */
  extend(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.#buf.set(bytes, this.#end);
    this.#end += bytes.length;
  }

  /** Appends one byte. */
  put(byte: number): void {
    this.reserve(1);
    this.#buf[this.#end++] = byte;
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
  }

  /** Drops the first `n` bytes. */
  advance(n: number): void {
    if (n < 0 || n > this.length)
      throw new RangeError(`BytesMut.advance(${n}): only ${this.length} bytes held`);
    this.#start += n;
    if (this.#start === this.#end) {
      this.#start = 0;
      this.#end = 0;
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
