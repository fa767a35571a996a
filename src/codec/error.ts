/** The codecs' errors. */

/**
 * A codec refused its input or output. `kind` says why:
 * `'max-line-length-exceeded'` (LinesCodec), `'max-chunk-length-exceeded'`
 * (AnyDelimiterCodec), `'frame-too-big'` (LengthDelimitedCodec),
 * `'invalid-utf8'`, `'bytes-remaining-on-stream'` (the stream ended inside a
 * frame).
 *
 * @example
 * ```ts
 * import { CodecError } from 'tokio-ts/codec';
 *
 * const e = new CodecError('frame-too-big', 'frame of 9000000 bytes is over the 8388608 limit');
 * console.log(e.kind, e instanceof Error); // frame-too-big true
 * ```
 */
export class CodecError extends Error {
  readonly kind:
    | 'max-line-length-exceeded'
    | 'max-chunk-length-exceeded'
    | 'frame-too-big'
    | 'invalid-utf8'
    | 'bytes-remaining-on-stream';

  constructor(kind: CodecError['kind'], message: string) {
    super(message);
    this.name = 'CodecError';
    this.kind = kind;
  }
}
