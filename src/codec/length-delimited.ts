/** `LengthDelimitedCodec`: frames prefixed by their length. */
import type { BytesMut } from './bytes-mut.js';
import { CodecError } from './error.js';
import type { Decoder, Encoder } from './traits.js';

interface Config {
  lengthFieldOffset: number;
  lengthFieldLength: number;
  lengthAdjustment: number;
  numSkip: number | undefined;
  maxFrameLength: number;
  littleEndian: boolean;
}

const DEFAULTS: Config = {
  lengthFieldOffset: 0,
  lengthFieldLength: 4,
  lengthAdjustment: 0,
  numSkip: undefined,
  maxFrameLength: 8 * 1024 * 1024,
  littleEndian: false,
};

function nonNegInt(v: number, what: string): number {
  if (!Number.isSafeInteger(v) || v < 0)
    throw new RangeError(`LengthDelimitedCodec: ${what} must be an integer >= 0, got ${v}`);
  return v;
}

function checkMaxFrameLength(n: number): void {
  if (!(n >= 0))
    throw new RangeError(`LengthDelimitedCodec: maxFrameLength must be >= 0, got ${n}`);
}

/**
 * The frame limit capped to the largest length the field can carry plus the
 * adjustment (tokio-util's `adjust_max_frame_len`). Fields of 7 and 8 bytes
 * can carry any safe integer, so they cap nothing.
 */
function capMaxFrameLength(c: Config): number {
  if (c.lengthFieldLength >= 7) return c.maxFrameLength;
  const allowed = Math.max(0, 2 ** (8 * c.lengthFieldLength) - 1 + c.lengthAdjustment);
  return Math.min(c.maxFrameLength, allowed);
}

/**
 * Configures a {@link LengthDelimitedCodec} (tokio-util's builder): where the
 * length field is, how long it is, its byte order, how the value relates to
 * the payload, and how many header bytes to drop from decoded frames.
 *
 * @example
 * ```ts
 * import { BytesMut, LengthDelimitedCodec } from 'tokio-ts/codec';
 *
 * // A 2-byte little-endian payload length; keep the header in the frame.
 * const codec = LengthDelimitedCodec.builder()
 *   .lengthFieldLength(2)
 *   .littleEndian()
 *   .lengthAdjustment(2) // the frame is the header (2 bytes) + the payload
 *   .numSkip(0)
 *   .newCodec();
 * const buf = new BytesMut();
 * buf.extend(new Uint8Array([3, 0, 104, 105, 33]));
 * console.log(codec.decode(buf)); // Uint8Array(5) [ 3, 0, 104, 105, 33 ]
 * ```
 */
export class LengthDelimitedCodecBuilder {
  readonly #c: Config = { ...DEFAULTS };

  /** Bytes before the length field (default 0). */
  lengthFieldOffset(n: number): this {
    this.#c.lengthFieldOffset = nonNegInt(n, 'lengthFieldOffset');
    return this;
  }

  /** Size of the length field in bytes, 1..8 (default 4). */
  lengthFieldLength(n: number): this {
    if (!Number.isInteger(n) || n < 1 || n > 8)
      throw new RangeError(`LengthDelimitedCodec: lengthFieldLength must be in 1..8, got ${n}`);
    this.#c.lengthFieldLength = n;
    return this;
  }

  /**
   * Added to the length field's value to get the frame's size after the
   * `numSkip` header bytes are dropped (default 0). E.g. -4 when a 4-byte
   * length counts itself, +2 to keep a 2-byte header in the frame with
   * `numSkip(0)`. Encoding writes `payload length - lengthAdjustment`.
   */
  lengthAdjustment(n: number): this {
    if (!Number.isSafeInteger(n))
      throw new RangeError(`LengthDelimitedCodec: lengthAdjustment must be an integer, got ${n}`);
    this.#c.lengthAdjustment = n;
    return this;
  }

  /** Header bytes dropped from each decoded frame (default: offset + field length). */
  numSkip(n: number): this {
    this.#c.numSkip = nonNegInt(n, 'numSkip');
    return this;
  }

  /**
   * The largest frame accepted or sent (default 8 MiB); the codec caps it to
   * what the length field can express.
   */
  maxFrameLength(n: number): this {
    checkMaxFrameLength(n);
    this.#c.maxFrameLength = n;
    return this;
  }

  /** Big-endian length field (the default). */
  bigEndian(): this {
    this.#c.littleEndian = false;
    return this;
  }

  /** Little-endian length field. */
  littleEndian(): this {
    this.#c.littleEndian = true;
    return this;
  }

  /** The machine's byte order. */
  nativeEndian(): this {
    this.#c.littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
    return this;
  }

  /** Builds the codec. */
  newCodec(): LengthDelimitedCodec {
    return new LengthDelimitedCodec({ ...this.#c });
  }
}

/**
 * Frames prefixed by a length field; by default a 4-byte big-endian length
 * followed by that many bytes, frames of at most 8 MiB. A frame over
 * `maxFrameLength` (decoding or encoding) is a `CodecError` of kind
 * `frame-too-big`. Configure other layouts with {@link builder}.
 *
 * @example
 * ```ts
 * import { BytesMut, LengthDelimitedCodec } from 'tokio-ts/codec';
 *
 * const codec = new LengthDelimitedCodec();
 * const buf = new BytesMut();
 * codec.encode(new TextEncoder().encode('frame'), buf);
 * console.log(buf.length); // 9
 * console.log(new TextDecoder().decode(codec.decode(buf))); // frame
 * ```
 */
export class LengthDelimitedCodec implements Decoder<Uint8Array>, Encoder<Uint8Array> {
  readonly #c: Config;
  /** The payload length of the frame whose header was read, or -1. */
  #pending = -1;

  constructor(config?: Partial<Config>) {
    this.#c = { ...DEFAULTS, ...config };
    this.#c.maxFrameLength = capMaxFrameLength(this.#c);
  }

  /** A builder for other header layouts. */
  static builder(): LengthDelimitedCodecBuilder {
    return new LengthDelimitedCodecBuilder();
  }

  /**
   * The largest frame accepted from the wire or encoded: the configured limit,
   * capped to what the length field can express (with a 1-byte field and no
   * adjustment, 255), as tokio-util's `max_frame_length()`.
   */
  get maxFrameLength(): number {
    return this.#c.maxFrameLength;
  }

  /**
   * Changes the frame limit (capped as {@link maxFrameLength} says). It
   * applies from the next frame header: a frame whose header was already
   * decoded is still accepted.
   *
   * @example
   * ```ts
   * import { LengthDelimitedCodec } from 'tokio-ts/codec';
   *
   * const codec = LengthDelimitedCodec.builder().lengthFieldLength(1).newCodec();
   * codec.setMaxFrameLength(1000);
   * console.log(codec.maxFrameLength); // 255
   * ```
   */
  setMaxFrameLength(n: number): void {
    checkMaxFrameLength(n);
    this.#c.maxFrameLength = capMaxFrameLength({ ...this.#c, maxFrameLength: n });
  }

  #readLength(src: BytesMut, at: number): number {
    const len = this.#c.lengthFieldLength;
    let n = 0;
    if (this.#c.littleEndian) for (let i = len - 1; i >= 0; i--) n = n * 256 + src.at(at + i);
    else for (let i = 0; i < len; i++) n = n * 256 + src.at(at + i);
    return n;
  }

  decode(src: BytesMut): Uint8Array | undefined {
    const c = this.#c;
    if (this.#pending < 0) {
      const headLen = c.lengthFieldOffset + c.lengthFieldLength;
      if (src.length < headLen) return undefined;
      const n = this.#readLength(src, c.lengthFieldOffset);
      if (n > c.maxFrameLength)
        throw new CodecError(
          'frame-too-big',
          `frame of ${n} bytes is over the ${c.maxFrameLength}-byte limit`,
        );
      // The frame: `n + lengthAdjustment` bytes once `numSkip` header bytes are dropped.
      const frame = n + c.lengthAdjustment;
      if (frame < 0)
        throw new CodecError(
          'frame-too-big',
          `length ${n} with adjustment ${c.lengthAdjustment} is negative`,
        );
      const skip = c.numSkip ?? headLen;
      if (src.length < skip) return undefined;
      src.advance(skip);
      this.#pending = frame;
    }
    if (src.length < this.#pending) {
      src.reserve(this.#pending - src.length);
      return undefined;
    }
    const out = src.splitTo(this.#pending);
    this.#pending = -1;
    return out;
  }

  encode(data: Uint8Array, dst: BytesMut): void {
    if (!(data instanceof Uint8Array))
      throw new TypeError('LengthDelimitedCodec.encode(data): data must be a Uint8Array');
    const c = this.#c;
    if (data.length > c.maxFrameLength)
      throw new CodecError(
        'frame-too-big',
        `frame of ${data.length} bytes is over the ${c.maxFrameLength}-byte limit`,
      );
    const n = data.length - c.lengthAdjustment;
    const len = c.lengthFieldLength;
    if (n < 0 || n >= 2 ** (8 * len))
      throw new CodecError('frame-too-big', `length ${n} does not fit a ${len}-byte length field`);
    const field = dst.spare(len);
    let v = n;
    for (let i = 0; i < len; i++) {
      const byte = v % 256;
      v = Math.floor(v / 256);
      field[c.littleEndian ? i : len - 1 - i] = byte;
    }
    dst.commit(len);
    dst.extend(data);
  }
}
