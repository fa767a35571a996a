/** `LinesCodec`: newline-delimited UTF-8 lines. */
import type { BytesMut } from './bytes-mut.js';
import { CodecError } from './error.js';
import type { Decoder, Encoder } from './traits.js';

const NL = 10;
const CR = 13;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** @internal */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new CodecError('invalid-utf8', 'the frame is not valid UTF-8');
  }
}

/**
 * Splits a byte stream into lines (without their `\n` or `\r\n`) and writes
 * lines followed by `\n`. With `maxLength`, a line longer than that is a
 * `CodecError` of kind `max-line-length-exceeded`; if the caller keeps
 * decoding, the rest of that line is discarded and decoding resumes at the
 * next line (as Tokio's `LinesCodec`). The search for `\n` never rescans bytes
 * already looked at.
 *
 * @example
 * ```ts
 * import { BytesMut, LinesCodec } from 'tokio-ts/codec';
 *
 * const codec = new LinesCodec({ maxLength: 64 });
 * const buf = new BytesMut();
 * buf.extend(new TextEncoder().encode('hello\r\nwor'));
 * console.log(codec.decode(buf)); // hello
 * console.log(codec.decode(buf)); // undefined (no full line yet)
 * buf.extend(new TextEncoder().encode('ld\n'));
 * console.log(codec.decode(buf)); // world
 * ```
 */
export class LinesCodec implements Decoder<string>, Encoder<string> {
  readonly maxLength: number;
  /** Where to continue the search for `\n`. */
  #nextIndex = 0;
  #discarding = false;

  constructor(opts: { maxLength?: number } = {}) {
    const max = opts.maxLength ?? Number.POSITIVE_INFINITY;
    if (!(max > 0)) throw new RangeError(`LinesCodec: maxLength must be > 0, got ${String(max)}`);
    this.maxLength = max;
  }

  /** Tokio's `LinesCodec::new_with_max_length`. */
  static withMaxLength(maxLength: number): LinesCodec {
    return new LinesCodec({ maxLength });
  }

  decode(src: BytesMut): string | undefined {
    if (!this.#discarding) {
      // a chunk of ASCII is decoded once and sliced into lines (BufReader.lines does the same)
      const line = src.takeAsciiLine(this.maxLength);
      if (line !== undefined) {
        this.#nextIndex = 0;
        return line;
      }
    }
    for (;;) {
      // Never look further than one byte past the limit.
      const readTo = Math.min(this.maxLength + 1, src.length);
      let i = -1;
      if (this.#nextIndex < readTo) {
        i = src.indexOf(NL, this.#nextIndex);
        if (i >= readTo) i = -1;
      }
      if (this.#discarding) {
        if (i !== -1) {
          src.advance(i + 1);
          this.#discarding = false;
          this.#nextIndex = 0;
          continue;
        }
        src.advance(readTo);
        this.#nextIndex = 0;
        if (src.length === 0) return undefined;
        continue;
      }
      if (i !== -1) {
        this.#nextIndex = 0;
        const trim = i > 0 && src.at(i - 1) === CR ? 2 : 1;
        const line = src.takeUtf8(i + 1, trim);
        if (line === undefined) {
          src.advance(i + 1);
          throw new CodecError('invalid-utf8', 'the line is not valid UTF-8');
        }
        return line;
      }
      if (src.length > this.maxLength) {
        this.#discarding = true;
        this.#nextIndex = 0;
        throw new CodecError(
          'max-line-length-exceeded',
          `line longer than ${this.maxLength} bytes`,
        );
      }
      this.#nextIndex = readTo;
      return undefined;
    }
  }

  /**
   * At the end of the stream the last line may lack its `\n` (a trailing
   * `\r` is dropped from it). A buffer holding only `\r` gives no line and
   * keeps the `\r`, as tokio-util's `LinesCodec` does.
   */
  decodeEof(src: BytesMut): string | undefined {
    const line = this.decode(src);
    if (line !== undefined) return line;
    if (src.length === 0 || this.#discarding) {
      src.clear();
      this.#discarding = false;
      return undefined;
    }
    this.#nextIndex = 0;
    // A lone `\r` may be the first half of a `\r\n` still to come: keep it
    // (tokio-util does), so that more bytes after a resumed read see it.
    if (src.length === 1 && src.at(0) === CR) return undefined;
    const rest = src.split();
    let end = rest.length;
    if (end > 0 && rest[end - 1] === CR) end--;
    return decodeUtf8(rest.subarray(0, end));
  }

  encode(line: string, dst: BytesMut): void {
    if (typeof line !== 'string')
      throw new TypeError('LinesCodec.encode(line): line must be a string');
    dst.extend(encoder.encode(line));
    dst.put(NL);
  }
}
