/** Frames over byte streams: `Framed`, `FramedRead`, `FramedWrite` and the codecs (tokio-util's codec module). */

export { BytesMut } from './bytes-mut.js';
export { CodecError } from './error.js';
export { Framed, type FramedOptions, FramedParts, FramedRead, FramedWrite } from './framed.js';
export { LengthDelimitedCodec, LengthDelimitedCodecBuilder } from './length-delimited.js';
export { LinesCodec } from './lines-codec.js';
export { AnyDelimiterCodec, BytesCodec } from './simple-codecs.js';
export type { Decoder, Encoder } from './traits.js';
