/** Ports of tokio-util's framed_read.rs, codecs.rs, length_delimited.rs and framed.rs cases. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Future } from 'tokio-ts';
import { select, yieldNow } from 'tokio-ts';
import {
  AnyDelimiterCodec,
  BytesCodec,
  BytesMut,
  CodecError,
  type Decoder,
  Framed,
  FramedParts,
  FramedRead,
  FramedWrite,
  LengthDelimitedCodec,
  LinesCodec,
} from 'tokio-ts/codec';
import { duplex, IoError, ReadBase, ReadWriteBase, WriteBase } from 'tokio-ts/io';
import { test } from 'tokio-ts/test';
import { errorOf } from '../io/helpers.js';

const enc = (s: string) => new TextEncoder().encode(s);

/** framed_read.rs's `Mock`: plays back chunks; '' is one end of stream, an Error is thrown. */
class Script extends ReadBase {
  readonly #calls: (Uint8Array | string | Error)[];
  constructor(...calls: (Uint8Array | string | Error)[]) {
    super();
    this.#calls = calls;
  }
  *read(buf: Uint8Array): Future<number> {
    const c = this.#calls.shift();
    if (c === undefined) return 0;
    if (c instanceof Error) throw c;
    const bytes = typeof c === 'string' ? enc(c) : c;
    buf.set(bytes);
    return bytes.length;
  }
}

const u32 = (...ns: number[]) => {
  const b = new Uint8Array(4 * ns.length);
  const v = new DataView(b.buffer);
  ns.forEach((n, i) => {
    v.setUint32(4 * i, n);
  });
  return b;
};

class U32Decoder implements Decoder<number> {
  decode(buf: BytesMut): number | undefined {
    if (buf.length < 4) return undefined;
    const b = buf.splitTo(4);
    return new DataView(b.buffer, b.byteOffset, 4).getUint32(0);
  }
}

describe('FramedRead (framed_read.rs)', () => {
  test('read_multi_frame_in_packet', function* () {
    const framed = new FramedRead(new Script(u32(0, 1, 2)), new U32Decoder());
    assert.equal(yield* framed.next(), 0);
    assert.equal(yield* framed.next(), 1);
    assert.equal(yield* framed.next(), 2);
    assert.equal(yield* framed.next(), undefined);
  });

  test('read_multi_frame_across_packets', function* () {
    const framed = new FramedRead(new Script(u32(0), u32(1), u32(2)), new U32Decoder());
    assert.equal(yield* framed.next(), 0);
    assert.equal(yield* framed.next(), 1);
    assert.equal(yield* framed.next(), 2);
    assert.equal(yield* framed.next(), undefined);
  });

  test('read_multi_frame_in_packet_after_codec_changed', function* () {
    const wire = new Uint8Array(12);
    wire.set(u32(4));
    wire[11] = 8;
    const framed = new FramedRead(new Script(wire), new U32Decoder());
    assert.equal(yield* framed.next(), 4);
    const wide = framed.mapDecoder(() => new U64Codec());
    assert.equal(yield* wide.next(), 8n);
    assert.equal(yield* wide.next(), undefined);
    assert.throws(() => framed.next(), TypeError, 'the old FramedRead was moved');
  });

  test('read_err: a read error is thrown, then the frame stream ends once', function* () {
    const framed = new FramedRead(new Script(new IoError('other', 'boom')), new U32Decoder());
    const e = yield* errorOf(framed.next());
    assert.ok(e instanceof IoError && e.kind === 'other');
    assert.equal(yield* framed.next(), undefined);
  });

  test('read_partial_then_err', function* () {
    const framed = new FramedRead(
      new Script(new Uint8Array(2), new IoError('other', 'boom')),
      new U32Decoder(),
    );
    assert.ok((yield* errorOf(framed.next())) instanceof IoError);
  });

  test('after an error and its undefined, the reader is read again', function* () {
    const framed = new FramedRead(
      new Script(new IoError('other', 'boom'), u32(7)),
      new U32Decoder(),
    );
    assert.ok((yield* errorOf(framed.next())) instanceof IoError);
    assert.equal(yield* framed.next(), undefined);
    assert.equal(yield* framed.next(), 7);
  });

  test('huge_size: a 32 KiB frame is read across reads', function* () {
    class Big implements Decoder<number> {
      decode(buf: BytesMut): number | undefined {
        if (buf.length < 32 * 1024) return undefined;
        buf.advance(32 * 1024);
        return 0;
      }
    }
    const [a, b] = duplex(64 * 1024);
    yield* a.writeAll(new Uint8Array(32 * 1024));
    a.close();
    const framed = new FramedRead(b, new Big());
    assert.equal(yield* framed.next(), 0);
    assert.equal(yield* framed.next(), undefined);
  });

  test('data_remaining_is_error, then undefined once', function* () {
    const framed = new FramedRead(new Script(new Uint8Array(5)), new U32Decoder());
    assert.equal(yield* framed.next(), 0);
    const e = yield* errorOf(framed.next());
    assert.ok(e instanceof CodecError && e.kind === 'bytes-remaining-on-stream');
    assert.equal(yield* framed.next(), undefined);
  });

  test('multi_frames_on_eof', function* () {
    const left = [0, 1, 2, 3];
    const d: Decoder<number> = {
      decode: () => assert.fail('decode is not called at end of stream'),
      decodeEof: () => left.shift(),
    };
    const framed = new FramedRead(new Script(), d);
    for (const n of [0, 1, 2, 3]) assert.equal(yield* framed.next(), n);
    assert.equal(yield* framed.next(), undefined);
  });

  test('read_eof_then_resume: after undefined at end of stream, more bytes give more frames', function* () {
    const framed = new FramedRead(new Script(u32(1), '', u32(2), '', u32(3)), new U32Decoder());
    assert.equal(yield* framed.next(), 1);
    assert.equal(yield* framed.next(), undefined);
    assert.equal(yield* framed.next(), 2);
    assert.equal(yield* framed.next(), undefined);
    assert.equal(yield* framed.next(), 3);
    assert.equal(yield* framed.next(), undefined);
    assert.equal(yield* framed.next(), undefined);
  });

  test('cancel safety: a cancelled next keeps the bytes it read for the next call', function* () {
    const [a, b] = duplex(64);
    const framed = new FramedRead(b, new U32Decoder());
    yield* a.writeAll(new Uint8Array(2));
    const r = yield* select({ frame: framed.next(), now: yieldNow() }, { biased: true });
    assert.equal(r.key, 'now');
    yield* a.writeAll(new Uint8Array([0, 9]));
    assert.equal(yield* framed.next(), 9);
  });
});

describe('LinesCodec (codecs.rs)', () => {
  it('lines_decoder: a lone \\r at the end is kept, not emitted as ""', () => {
    const codec = new LinesCodec();
    const buf = new BytesMut();
    buf.extend(enc('line 1\nline 2\r\nline 3\n\r\n\r'));
    assert.equal(codec.decode(buf), 'line 1');
    assert.equal(codec.decode(buf), 'line 2');
    assert.equal(codec.decode(buf), 'line 3');
    assert.equal(codec.decode(buf), '');
    assert.equal(codec.decode(buf), undefined);
    assert.equal(codec.decodeEof(buf), undefined);
    buf.extend(enc('k'));
    assert.equal(codec.decode(buf), undefined);
    assert.equal(codec.decodeEof(buf), '\rk');
    assert.equal(codec.decode(buf), undefined);
    assert.equal(codec.decodeEof(buf), undefined);
  });

  it('lines_decoder_invalid_utf8', () => {
    const codec = new LinesCodec();
    const buf = new BytesMut();
    buf.extend(Uint8Array.from([...enc('line 1'), 0xc3, 0x28]));
    assert.equal(codec.decode(buf), undefined);
    assert.throws(() => codec.decodeEof(buf), CodecError);
    assert.equal(codec.decodeEof(buf), undefined);
    buf.extend(enc('line 22222222222222\n'));
    assert.equal(codec.decode(buf), 'line 22222222222222');
  });

  it('lines_decoder_max_length', () => {
    const codec = new LinesCodec({ maxLength: 6 });
    const buf = new BytesMut();
    buf.extend(enc('line 1 is too long\nline 2\nline 3\r\nline 4\n\r\n\r'));
    assert.throws(() => codec.decode(buf), CodecError);
    assert.equal(codec.decode(buf), 'line 2');
    assert.throws(() => codec.decode(buf), CodecError);
    assert.equal(codec.decode(buf), 'line 4');
    assert.equal(codec.decode(buf), '');
    assert.equal(codec.decode(buf), undefined);
    assert.equal(codec.decodeEof(buf), undefined);
    buf.extend(enc('k'));
    assert.equal(codec.decode(buf), undefined);
    assert.equal(codec.decodeEof(buf), '\rk');
    assert.equal(codec.decode(buf), undefined);
    assert.equal(codec.decodeEof(buf), undefined);
    buf.extend(enc('aaabbbc'));
    assert.throws(() => codec.decode(buf), CodecError);
  });

  test('FramedRead over lines: a lone \\r at end of stream waits for what a resumed read brings', function* () {
    const framed = new FramedRead(new Script('a\n\r', '', 'k'), new LinesCodec());
    assert.equal(yield* framed.next(), 'a');
    assert.equal(yield* framed.next(), undefined);
    assert.equal(yield* framed.next(), '\rk');
    assert.equal(yield* framed.next(), undefined);
  });
});

describe('LinesCodec and AnyDelimiterCodec bursts (codecs.rs)', () => {
  const dec = new TextDecoder();
  /** Feeds `steps` to `decode`: each step is [bytes to append, expected: string, undefined or 'err']. */
  const play = (
    codec: Decoder<string | Uint8Array>,
    steps: [string, string | undefined | 'err'][],
  ) => {
    const buf = new BytesMut();
    for (const [add, want] of steps) {
      buf.extend(enc(add));
      if (want === 'err')
        assert.throws(() => codec.decode(buf), CodecError, `after ${JSON.stringify(add)}`);
      else {
        const got = codec.decode(buf);
        assert.equal(
          got instanceof Uint8Array ? dec.decode(got) : got,
          want,
          `after ${JSON.stringify(add)}`,
        );
      }
    }
  };
  const lines = (max: number) => new LinesCodec({ maxLength: max });
  const anyDelim = (max: number) => new AnyDelimiterCodec(',;\n\r', ',', max);

  it('lines/any_delimiter_decoder_max_length_underrun: an overlong chunk errors once, is discarded to its end', () => {
    for (const [codec, end] of [
      [lines(6), '\n'],
      [anyDelim(6), ','],
    ] as const)
      play(codec, [
        ['line ', undefined],
        ['too l', 'err'],
        [`ong${end}`, undefined],
        ['line 2', undefined],
        [end, 'line 2'],
      ]);
  });

  it('lines/any_delimiter_decoder_max_length_bursts and _big_burst', () => {
    for (const [codec, end] of [
      [lines(10), '\n'],
      [anyDelim(10), ','],
    ] as const)
      play(codec, [
        ['line ', undefined],
        ['too l', undefined],
        [`ong${end}`, 'err'],
      ]);
    for (const [codec, end] of [
      [lines(10), '\n'],
      [anyDelim(10), ','],
    ] as const)
      play(codec, [
        ['line ', undefined],
        [`too long!${end}`, 'err'],
      ]);
  });

  it('lines/any_delimiter_decoder_max_length_newline_between_decodes', () => {
    play(lines(5), [
      ['hello', undefined],
      ['\nworld', 'hello'],
    ]);
    play(anyDelim(5), [
      ['hello', undefined],
      [',world', 'hello'],
    ]);
  });

  it('lines/any_delimiter_decoder_discard_repeat (tokio#1483: no infinite loop)', () => {
    for (const codec of [lines(1), anyDelim(1)])
      play(codec, [
        ['aa', 'err'],
        ['a', undefined],
      ]);
  });

  it('lines/any_delimiter_decoder_max_length_underrun_twice (tokio#3555)', () => {
    for (const [codec, end] of [
      [lines(11), '\n'],
      [anyDelim(11), ','],
    ] as const)
      play(codec, [
        ['line ', undefined],
        ['too very l', 'err'],
        ['aaaaaaaaaaaaaaaaaaaaaaa', undefined],
        [`ong${end}short${end}`, 'short'],
      ]);
  });

  it('any_delimiters_decoder_any_character and any_delimiters_decoder_max_length', () => {
    const buf = new BytesMut();
    const codec = new AnyDelimiterCodec(',;\n\r', ',');
    buf.extend(enc('chunk 1,chunk 2;chunk 3\n\r'));
    const next = () => {
      const c = codec.decode(buf);
      return c === undefined ? undefined : dec.decode(c);
    };
    assert.deepEqual(
      [next(), next(), next(), next(), next()],
      ['chunk 1', 'chunk 2', 'chunk 3', '', undefined],
    );
    assert.equal(codec.decodeEof(buf), undefined);
    buf.extend(enc('k'));
    assert.equal(next(), undefined);
    assert.equal(dec.decode(codec.decodeEof(buf)!), 'k');
    assert.equal(codec.decodeEof(buf), undefined);

    const m = anyDelim(7);
    const b2 = new BytesMut();
    b2.extend(enc('chunk 1 is too long\nchunk 2\nchunk 3\r\nchunk 4\n\r\n'));
    assert.throws(() => m.decode(b2), CodecError);
    const got = [];
    for (let c = m.decode(b2); c !== undefined; c = m.decode(b2)) got.push(dec.decode(c));
    assert.deepEqual(got, ['chunk 2', 'chunk 3', '', 'chunk 4', '', '']);
    b2.extend(enc('aaabbbcc'));
    assert.throws(() => m.decode(b2), CodecError);
  });

  it('lines_encoder and any_delimiter_encoder', () => {
    const buf = new BytesMut();
    const l = new LinesCodec();
    l.encode('line 1', buf);
    l.encode('line 2', buf);
    assert.equal(dec.decode(buf.chunk()), 'line 1\nline 2\n');
    const b2 = new BytesMut();
    const a = new AnyDelimiterCodec(',', ';--;');
    a.encode('chunk 1', b2);
    a.encode('chunk 2', b2);
    assert.equal(dec.decode(b2.chunk()), 'chunk 1;--;chunk 2;--;');
  });

  it('bytes_decoder and bytes_encoder: every byte, in chunks as they came', () => {
    const c = new BytesCodec();
    const buf = new BytesMut();
    buf.extend(enc('abc'));
    assert.equal(dec.decode(c.decode(buf)!), 'abc');
    assert.equal(c.decode(buf), undefined);
    c.encode(enc('line 1'), buf);
    c.encode(enc('line 2'), buf);
    assert.equal(dec.decode(buf.chunk()), 'line 1line 2');
  });
});

describe('LengthDelimitedCodec (length_delimited.rs)', () => {
  const ld = () => LengthDelimitedCodec.builder();

  it('frame_does_not_fit: the limit is capped to what the length field can express', () => {
    assert.equal(ld().lengthFieldLength(1).maxFrameLength(256).newCodec().maxFrameLength, 255);
  });

  it('neg_adjusted_frame_does_not_fit / pos_adjusted_frame_does_not_fit', () => {
    assert.equal(ld().lengthFieldLength(1).lengthAdjustment(-1).newCodec().maxFrameLength, 254);
    assert.equal(ld().lengthFieldLength(1).lengthAdjustment(1).newCodec().maxFrameLength, 256);
  });

  it('smaller_frame_len_not_adjusted / max_allowed_length_field', () => {
    assert.equal(ld().maxFrameLength(10).lengthFieldLength(8).newCodec().maxFrameLength, 10);
    const max = Number.MAX_SAFE_INTEGER;
    assert.equal(ld().lengthFieldLength(8).maxFrameLength(max).newCodec().maxFrameLength, max);
  });

  it('runtime_max_frame_len_respects_length_field', () => {
    for (const [adjustment, max] of [
      [-1, 254],
      [0, 255],
      [1, 256],
    ]) {
      const codec = ld().lengthFieldLength(1).lengthAdjustment(adjustment).newCodec();
      codec.setMaxFrameLength(1000);
      assert.equal(codec.maxFrameLength, max);
      const dst = new BytesMut();
      codec.encode(new Uint8Array(max), dst);
      assert.equal(dst.at(0), 255);
      const prefixed = new BytesMut();
      prefixed.extend(enc('prefix'));
      assert.throws(() => codec.encode(new Uint8Array(max + 1), prefixed), CodecError);
      assert.deepEqual(Uint8Array.from(prefixed.chunk()), enc('prefix'));
    }
  });

  test('read_update_max_frame_len_at_rest', function* () {
    const frame = Uint8Array.from([0, 0, 0, 9, ...enc('abcdefghi')]);
    const io = new FramedRead(new Script(frame, frame), new LengthDelimitedCodec());
    assert.deepEqual(yield* io.next(), enc('abcdefghi'));
    io.decoderMut().setMaxFrameLength(5);
    const e = yield* errorOf(io.next());
    assert.ok(e instanceof CodecError && e.kind === 'frame-too-big');
  });

  test('read_update_max_frame_len_in_flight', function* () {
    const [a, b] = duplex(64);
    const io = new FramedRead(b, new LengthDelimitedCodec());
    yield* a.writeAll(Uint8Array.from([0, 0, 0, 9, ...enc('abcd')]));
    const r = yield* select({ frame: io.next(), now: yieldNow() }, { biased: true });
    assert.equal(r.key, 'now');
    io.decoderMut().setMaxFrameLength(5);
    yield* a.writeAll(Uint8Array.from([...enc('efghi'), 0, 0, 0, 9, ...enc('abcdefghi')]));
    assert.deepEqual(yield* io.next(), enc('abcdefghi'));
    assert.ok((yield* errorOf(io.next())) instanceof CodecError);
  });

  test('write_update_max_frame_len_at_rest', function* () {
    const [a, b] = duplex(64);
    const io = new FramedWrite(a, new LengthDelimitedCodec());
    yield* io.send(enc('abcdef'));
    io.encoderMut().setMaxFrameLength(5);
    assert.ok((yield* errorOf(io.send(enc('abcdef')))) instanceof CodecError);
    a.close();
    assert.deepEqual(yield* b.readToEnd(), Uint8Array.from([0, 0, 0, 6, ...enc('abcdef')]));
  });
});

describe('LengthDelimitedCodec reads and writes (length_delimited.rs)', () => {
  const b = (...parts: (string | number[])[]) =>
    Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...enc(p)] : p)));
  const readAll = function* (io: FramedRead<Uint8Array>): Future<string[]> {
    const out: string[] = [];
    for (let f = yield* io.next(); f !== undefined; f = yield* io.next())
      out.push(new TextDecoder().decode(f));
    return out;
  };
  const builder = () => LengthDelimitedCodec.builder();

  test('read_empty_io_yields_nothing', function* () {
    assert.equal(yield* new FramedRead(new Script(), new LengthDelimitedCodec()).next(), undefined);
  });

  test('read_single_frame_one_packet (big, little and native endian)', function* () {
    const le = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
    for (const [codec, head] of [
      [new LengthDelimitedCodec(), [0, 0, 0, 9]],
      [builder().littleEndian().newCodec(), [9, 0, 0, 0]],
      [builder().nativeEndian().newCodec(), le ? [9, 0, 0, 0] : [0, 0, 0, 9]],
    ] as const) {
      const io = new FramedRead(new Script(b([...head], 'abcdefghi')), codec);
      assert.deepEqual(yield* readAll(io), ['abcdefghi']);
    }
  });

  test('read_single_multi_frame_one_packet / read_single_frame_multi_packet / read_multi_frame_multi_packet', function* () {
    const all = b([0, 0, 0, 9], 'abcdefghi', [0, 0, 0, 3], '123', [0, 0, 0, 11], 'hello world');
    for (const cuts of [[], [1, 4, 5, 13], [2, 14, 17, 19, 28]]) {
      const chunks: Uint8Array[] = [];
      let at = 0;
      for (const c of [...cuts, all.length]) {
        chunks.push(all.subarray(at, c));
        at = c;
      }
      const io = new FramedRead(new Script(...chunks), new LengthDelimitedCodec());
      assert.deepEqual(yield* readAll(io), ['abcdefghi', '123', 'hello world']);
    }
  });

  test('read_incomplete_head / read_incomplete_head_multi / read_incomplete_payload: end of stream mid-frame is an error', function* () {
    for (const chunks of [[b([0, 0])], [b([0]), b([0])], [b([0, 0, 0, 9], 'ab'), b('cd')]]) {
      const io = new FramedRead(new Script(...chunks), new LengthDelimitedCodec());
      assert.ok((yield* errorOf(io.next())) instanceof Error);
    }
  });

  test('read_max_frame_len: a frame over the limit is an error', function* () {
    const io = new FramedRead(
      new Script(b([0, 0, 0, 9], 'abcdefghi')),
      builder().maxFrameLength(5).newCodec(),
    );
    const e = yield* errorOf(io.next());
    assert.ok(e instanceof CodecError && e.kind === 'frame-too-big');
  });

  test('read_one_byte_length_field and read_header_offset', function* () {
    const one = new FramedRead(
      new Script(b([9], 'abcdefghi')),
      builder().lengthFieldLength(1).newCodec(),
    );
    assert.deepEqual(yield* readAll(one), ['abcdefghi']);
    const off = new FramedRead(
      new Script(b('zzzz', [0, 9], 'abcdefghi')),
      builder().lengthFieldLength(2).lengthFieldOffset(4).newCodec(),
    );
    assert.deepEqual(yield* readAll(off), ['abcdefghi']);
  });

  test('read_single_multi_frame_one_packet_skip_none_adjusted: the whole header stays in the frame', function* () {
    const io = new FramedRead(
      new Script(b('xx', [0, 9], 'abcdefghi', 'yy', [0, 3], '123', 'zz', [0, 11], 'hello world')),
      builder().lengthFieldLength(2).lengthFieldOffset(2).numSkip(0).lengthAdjustment(4).newCodec(),
    );
    const frames = yield* readAll(io);
    assert.deepEqual(frames, ['xx\x00\x09abcdefghi', 'yy\x00\x03123', 'zz\x00\x0bhello world']);
  });

  test('read_single_frame_length_adjusted: numSkip past the length field', function* () {
    const io = new FramedRead(
      new Script(b([0, 0, 11, 12], 'Hello world')),
      builder().lengthFieldOffset(0).lengthFieldLength(3).lengthAdjustment(0).numSkip(4).newCodec(),
    );
    assert.deepEqual(yield* readAll(io), ['Hello world']);
  });

  test('read_single_multi_frame_one_packet_length_includes_head', function* () {
    const io = new FramedRead(
      new Script(b([0, 11], 'abcdefghi', [0, 5], '123', [0, 13], 'hello world')),
      builder().lengthFieldLength(2).lengthAdjustment(-2).newCodec(),
    );
    assert.deepEqual(yield* readAll(io), ['abcdefghi', '123', 'hello world']);
  });

  test('write_single_frame_* and write_single_multi_frame_*: the bytes on the wire', function* () {
    for (const [codec, frames, wire] of [
      [new LengthDelimitedCodec(), ['abcdefghi'], b([0, 0, 0, 9], 'abcdefghi')],
      [builder().littleEndian().newCodec(), ['abcdefghi'], b([9, 0, 0, 0], 'abcdefghi')],
      [builder().lengthAdjustment(-2).newCodec(), ['abcdefghi'], b([0, 0, 0, 11], 'abcdefghi')],
      [builder().lengthFieldLength(1).newCodec(), ['abcdefghi'], b([9], 'abcdefghi')],
      [
        new LengthDelimitedCodec(),
        ['abcdefghi', '123', 'hello world'],
        b([0, 0, 0, 9], 'abcdefghi', [0, 0, 0, 3], '123', [0, 0, 0, 11], 'hello world'),
      ],
    ] as const) {
      const [w, r] = duplex(1024);
      const io = new FramedWrite(w, codec);
      for (const f of frames) yield* io.send(enc(f));
      w.close();
      assert.deepEqual(yield* r.readToEnd(), wire);
    }
  });

  test('write_nothing_yields_nothing and write_max_frame_len: an oversized frame writes nothing', function* () {
    const [w, r] = duplex(1024);
    const io = new FramedWrite(w, builder().maxFrameLength(5).newCodec());
    yield* io.flush();
    const e = yield* errorOf(io.send(enc('abcdef')));
    assert.ok(e instanceof CodecError && e.kind === 'frame-too-big');
    w.close();
    assert.equal((yield* r.readToEnd()).length, 0);
  });

  test('write_zero: a writer that takes no bytes fails the flush', function* () {
    class Zero extends WriteBase {
      *write(_buf: Uint8Array): Future<number> {
        return 0;
      }
      *flush(): Future<void> {}
      *shutdown(): Future<void> {}
    }
    const io = new FramedWrite(new Zero(), new LengthDelimitedCodec());
    yield* io.feed(enc('abcdef'));
    const e = yield* errorOf(io.flush());
    assert.ok(e instanceof IoError && e.kind === 'write-zero', String(e));
  });

  it('encode_overflow: encoding into a full buffer grows it', () => {
    const buf = new BytesMut(1024);
    buf.extend(new Uint8Array(1024).fill(97));
    new LengthDelimitedCodec().encode(enc('hello'), buf);
    assert.equal(buf.length, 1024 + 4 + 5);
  });

  it('max_allowed_frame_fits: an 8-byte length field allows any limit', () => {
    const codec = builder().lengthFieldLength(8).maxFrameLength(Number.MAX_SAFE_INTEGER).newCodec();
    assert.equal(codec.maxFrameLength, Number.MAX_SAFE_INTEGER);
  });
});

describe('Framed parts and codec mapping (framed.rs)', () => {
  test('external_buf_grows_to_init / read_frame_from_parts: bytes in readBuf are decoded first', function* () {
    const [a, b] = duplex(64);
    const parts = new FramedParts(b, new U32Codec());
    parts.readBuf.extend(u32(42));
    const framed = Framed.fromParts(parts);
    assert.equal(yield* framed.next(), 42);
    yield* a.writeAll(u32(43));
    assert.equal(yield* framed.next(), 43);
  });

  test('write_buf from parts is written before later frames', function* () {
    const [a, b] = duplex(64);
    const parts = new FramedParts(a, new U32Codec());
    parts.writeBuf.extend(u32(1));
    const framed = Framed.fromParts(parts);
    yield* framed.send(2);
    yield* framed.close();
    assert.deepEqual(yield* b.readToEnd(), u32(1, 2));
  });

  test('intoParts hands back the stream, codec and both buffers; the Framed is then unusable', function* () {
    const [a, b] = duplex(64);
    yield* a.writeAll(Uint8Array.from([...u32(5), 0, 0]));
    const codec = new U32Codec();
    const framed = new Framed(b, codec);
    assert.equal(yield* framed.next(), 5);
    yield* framed.feed(6);
    const parts = framed.intoParts();
    assert.equal(parts.io, b);
    assert.equal(parts.codec, codec);
    assert.deepEqual(Uint8Array.from(parts.readBuf.chunk()), Uint8Array.from([0, 0]));
    assert.deepEqual(Uint8Array.from(parts.writeBuf.chunk()), u32(6));
    assert.throws(() => framed.next(), TypeError);
    assert.throws(() => framed.feed(1), TypeError);
  });

  test('mapCodec keeps the buffered bytes and switches the codec', function* () {
    const [a, b] = duplex(64);
    yield* a.writeAll(Uint8Array.from([...enc('HELLO\n'), ...u32(2)]));
    const text = new Framed(b, new LinesCodec());
    assert.equal(yield* text.next(), 'HELLO');
    const bin = text.mapCodec(() => new U32Codec());
    assert.equal(yield* bin.next(), 2);
    assert.equal(bin.codec instanceof U32Codec, true);
    assert.throws(() => text.next(), TypeError);
  });

  test('mapEncoder keeps the bytes not written yet', function* () {
    const [a, b] = duplex(64);
    const lines = new FramedWrite(a, new LinesCodec());
    yield* lines.feed('x');
    const raw = lines.mapEncoder(() => new BytesCodec());
    yield* raw.send(enc('y'));
    a.close();
    assert.equal(yield* b.readToString(), 'x\ny');
  });

  test('can_read_from_existing_buf(_after_codec_changed): no read while readBuf holds frames', function* () {
    const parts = new FramedParts(new DontReadIntoThis(), new U32Codec());
    parts.readBuf.extend(Uint8Array.from([0, 0, 0, 42, 0, 0, 0, 0, 0, 0, 0, 84]));
    const framed = Framed.fromParts(parts);
    assert.equal(yield* framed.next(), 42);
    const wide = framed.mapCodec(() => new U64Codec());
    assert.equal(yield* wide.next(), 84n);
  });

  test('from_parts_empty_read_buf_does_not_spuriously_decode', function* () {
    const codec = new U32Codec();
    const [a, b] = duplex(16);
    yield* a.writeAll(u32(42));
    const framed = Framed.fromParts(new FramedParts(b, codec));
    assert.equal(yield* framed.next(), 42);
    assert.equal(codec.decodeCount, 1);
  });

  it('fromParts rejects what is not FramedParts', () => {
    assert.throws(() => Framed.fromParts({} as never), TypeError);
  });
});

class U32Codec implements Decoder<number> {
  readonly #d = new U32Decoder();
  decodeCount = 0;
  decode(buf: BytesMut): number | undefined {
    this.decodeCount++;
    return this.#d.decode(buf);
  }
  encode(n: number, dst: BytesMut): void {
    dst.extend(u32(n));
  }
}

class U64Codec implements Decoder<bigint> {
  decode(buf: BytesMut): bigint | undefined {
    if (buf.length < 8) return undefined;
    const b = buf.splitTo(8);
    return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0);
  }
  encode(n: bigint, dst: BytesMut): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, n);
    dst.extend(b);
  }
}

/** framed.rs's `DontReadIntoThis`: a stream that must not be read or written. */
class DontReadIntoThis extends ReadWriteBase {
  read(_buf: Uint8Array): Future<number> {
    throw new Error('read into something you were not supposed to');
  }
  write(_buf: Uint8Array): Future<number> {
    throw new Error('not supposed to write');
  }
  *flush(): Future<void> {}
  *shutdown(): Future<void> {}
}
