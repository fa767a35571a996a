/** The `Decoder` and `Encoder` interfaces. */
import type { BytesMut } from './bytes-mut.js';

/**
 * Turns bytes into frames. `decode` looks at the buffered bytes: it removes
 * one frame's bytes and returns the frame, or returns `undefined` (consuming
 * nothing it needs later) when a whole frame is not there yet. It must work on
 * any split of the input, since reads deliver arbitrary pieces.
 */
export interface Decoder<T> {
  decode(src: BytesMut): T | undefined;
  /**
   * Called when the stream ended: returns a last frame from what is left, or
   * undefined. Without it, leftover bytes are a `CodecError` of kind
   * `bytes-remaining-on-stream`.
   */
  decodeEof?(src: BytesMut): T | undefined;
}

/** Turns frames into bytes appended to `dst`. */
export interface Encoder<T> {
  encode(item: T, dst: BytesMut): void;
}
