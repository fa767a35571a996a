/** `BytesCodec` and `AnyDelimiterCodec`. */
import type { BytesMut } from './bytes-mut.js';
import { CodecError } from './error.js';
import type { Decoder, Encoder } from './traits.js';

const encoder = new TextEncoder();

function toBytes(v: Uint8Array | string, what: string): Uint8Array {
  if (typeof v === 'string') return encoder.encode(v);
  if (v instanceof Uint8Array) return v;
  throw new TypeError(`${what}: expected a Uint8Array or a string`);
}

/**
 * Passes bytes through: each `decode` returns everything buffered (as it
 * arrived, in one piece), `encode` appends the bytes.
 *
 * @example
 * ```ts
 * import { BytesCodec, BytesMut } from 'tokio-ts/codec';
 *
 * const buf = new BytesMut();
 * new BytesCodec().encode(new Uint8Array([1, 2, 3]), buf);
 * console.log(new BytesCodec().decode(buf)); // Uint8Array(3) [ 1, 2, 3 ]
 * ```
 */
export class BytesCodec implements Decoder<Uint8Array>, Encoder<Uint8Array> {
  decode(src: BytesMut): Uint8Array | undefined {
    return src.length === 0 ? undefined : src.split();
  }

  decodeEof(src: BytesMut): Uint8Array | undefined {
    return this.decode(src);
  }

  encode(data: Uint8Array, dst: BytesMut): void {
    dst.extend(toBytes(data, 'BytesCodec.encode(data)'));
  }
}

/**
 * Splits at any of several delimiter bytes (`seekDelimiters`) and writes
 * chunks followed by `sequenceWriter`. Chunks are returned without their
 * delimiter. With `maxLength`, a longer chunk is a `CodecError` of kind
 * `max-chunk-length-exceeded`, after which the rest of it is discarded.
 *
 * @example
 * ```ts
 * import { AnyDelimiterCodec, BytesMut } from 'tokio-ts/codec';
 *
 * const codec = new AnyDelimiterCodec(',;', ';');
 * const buf = new BytesMut();
 * buf.extend(new TextEncoder().encode('a,b;c'));
 * const first = codec.decode(buf)!;
 * console.log(new TextDecoder().decode(first)); // a
 * console.log(new TextDecoder().decode(codec.decode(buf)!)); // b
 * console.log(codec.decode(buf)); // undefined
 * ```
 */
export class AnyDelimiterCodec implements Decoder<Uint8Array>, Encoder<Uint8Array | string> {
  readonly #delims: Uint8Array;
  readonly #writer: Uint8Array;
  readonly maxLength: number;
  #nextIndex = 0;
  #discarding = false;

  constructor(
    seekDelimiters: Uint8Array | string,
    sequenceWriter: Uint8Array | string,
    maxLength = Number.POSITIVE_INFINITY,
  ) {
    this.#delims = toBytes(seekDelimiters, 'AnyDelimiterCodec(seekDelimiters)').slice();
    this.#writer = toBytes(sequenceWriter, 'AnyDelimiterCodec(sequenceWriter)').slice();
    if (this.#delims.length === 0)
      throw new RangeError('AnyDelimiterCodec: seekDelimiters must not be empty');
    if (!(maxLength > 0))
      throw new RangeError(`AnyDelimiterCodec: maxLength must be > 0, got ${maxLength}`);
    this.maxLength = maxLength;
  }

  #find(src: BytesMut, from: number, to: number): number {
    if (this.#delims.length === 1) {
      const i = src.indexOf(this.#delims[0]!, from);
      return i !== -1 && i < to ? i : -1;
    }
    const view = src.chunk();
    for (let i = from; i < to; i++) if (this.#delims.includes(view[i]!)) return i;
    return -1;
  }

  decode(src: BytesMut): Uint8Array | undefined {
    for (;;) {
      const readTo = Math.min(this.maxLength + 1, src.length);
      const i = this.#nextIndex < readTo ? this.#find(src, this.#nextIndex, readTo) : -1;
      if (this.#discarding) {
        this.#nextIndex = 0;
        if (i !== -1) {
          src.advance(i + 1);
          this.#discarding = false;
          continue;
        }
        src.advance(readTo);
        if (src.length === 0) return undefined;
        continue;
      }
      if (i !== -1) {
        this.#nextIndex = 0;
        const chunk = src.splitTo(i);
        src.advance(1);
        return chunk;
      }
      if (src.length > this.maxLength) {
        this.#discarding = true;
        this.#nextIndex = 0;
        throw new CodecError(
          'max-chunk-length-exceeded',
          `chunk longer than ${this.maxLength} bytes`,
        );
      }
      this.#nextIndex = readTo;
      return undefined;
    }
  }

  decodeEof(src: BytesMut): Uint8Array | undefined {
    const chunk = this.decode(src);
    if (chunk !== undefined) return chunk;
    this.#nextIndex = 0;
    if (src.length === 0 || this.#discarding) {
      src.clear();
      this.#discarding = false;
      return undefined;
    }
    return src.split();
  }

  encode(chunk: Uint8Array | string, dst: BytesMut): void {
    dst.extend(toBytes(chunk, 'AnyDelimiterCodec.encode(chunk)'));
    dst.extend(this.#writer);
  }
}
