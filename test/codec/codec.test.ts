import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { select, spawn, yieldNow } from 'tokio-ts';
import {
  AnyDelimiterCodec,
  BytesCodec,
  BytesMut,
  CodecError,
  Framed,
  FramedRead,
  FramedWrite,
  LengthDelimitedCodec,
  LinesCodec,
} from 'tokio-ts/codec';
import { duplex } from 'tokio-ts/io';
import { TcpListener, TcpStream } from 'tokio-ts/net';
import { test } from 'tokio-ts/test';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

function codecError(kind: CodecError['kind']) {
  return (e: unknown) => e instanceof CodecError && e.kind === kind;
}

/** Decodes `wire` fed in pieces of the given sizes, then at EOF. */
function decodeInPieces<T>(
  codec: { decode(b: BytesMut): T | undefined; decodeEof?(b: BytesMut): T | undefined },
  wire: Uint8Array,
  sizes: (i: number) => number,
): T[] {
  const buf = new BytesMut(16);
  const out: T[] = [];
  let off = 0;
  for (let i = 0; off < wire.length; i++) {
    const n = Math.max(1, Math.min(sizes(i), wire.length - off));
    buf.extend(wire.subarray(off, off + n));
    off += n;
    for (let f = codec.decode(buf); f !== undefined; f = codec.decode(buf)) out.push(f);
  }
  assert.equal(buf.length, 0, 'bytes left over');
  return out;
}

describe('LengthDelimitedCodec', () => {
  it('round-trips random frames split at every byte boundary and in random pieces', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 8 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }),
        (frames, fieldLen, little, pieces) => {
          const b = LengthDelimitedCodec.builder().lengthFieldLength(fieldLen);
          if (little) b.littleEndian();
          const codec = b.newCodec();
          const wire = new BytesMut();
          for (const f of frames) {
            if (fieldLen === 1 && f.length > 255) continue;
            codec.encode(f, wire);
          }
          const bytes = wire.split();
          const expected = frames
            .filter((f) => !(fieldLen === 1 && f.length > 255))
            .map((f) => [...f]);
          // one byte at a time: every boundary
          assert.deepEqual(
            decodeInPieces(b.newCodec(), bytes, () => 1).map((f) => [...f]),
            expected,
          );
          // random piece sizes
          assert.deepEqual(
            decodeInPieces(b.newCodec(), bytes, (i) => pieces[i % pieces.length]!).map((f) => [
              ...f,
            ]),
            expected,
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('honours offset, adjustment and numSkip as tokio-util does', () => {
    // 2-byte magic, then a 2-byte length that counts the whole record (header included).
    const codec = LengthDelimitedCodec.builder()
      .lengthFieldOffset(2)
      .lengthFieldLength(2)
      .lengthAdjustment(-4)
      .numSkip(4)
      .newCodec();
    const buf = new BytesMut();
    buf.extend(new Uint8Array([0xca, 0xfe, 0, 9, 104, 101, 108, 108, 111]));
    assert.equal(dec(codec.decode(buf)!), 'hello');
    // Keep the header: numSkip 0 and adjustment + header length.
    const keep = LengthDelimitedCodec.builder()
      .lengthFieldLength(1)
      .lengthAdjustment(1)
      .numSkip(0)
      .newCodec();
    buf.extend(new Uint8Array([2, 7, 8]));
    assert.deepEqual([...keep.decode(buf)!], [2, 7, 8]);
    // Little-endian 3-byte field.
    const le = LengthDelimitedCodec.builder().lengthFieldLength(3).littleEndian().newCodec();
    const w = new BytesMut();
    le.encode(new Uint8Array(258), w);
    assert.deepEqual([...w.chunk().subarray(0, 3)], [2, 1, 0]);
    assert.equal(le.decode(w)!.length, 258);
    assert.equal(new LengthDelimitedCodec().maxFrameLength, 8 * 1024 * 1024);
    assert.throws(() => LengthDelimitedCodec.builder().lengthFieldLength(9), RangeError);
  });

  it('a frame over maxFrameLength is a frame-too-big error when decoding and encoding', () => {
    const codec = LengthDelimitedCodec.builder().maxFrameLength(10).newCodec();
    const buf = new BytesMut();
    buf.extend(new Uint8Array([0, 0, 0, 11]));
    assert.throws(() => codec.decode(buf), codecError('frame-too-big'));
    assert.throws(
      () => codec.encode(new Uint8Array(11), new BytesMut()),
      codecError('frame-too-big'),
    );
    // 512 MiB announced: refused from the header, nothing allocated.
    const big = new BytesMut();
    big.extend(new Uint8Array([0x20, 0, 0, 0]));
    assert.throws(() => new LengthDelimitedCodec().decode(big), codecError('frame-too-big'));
  });
});

describe('LinesCodec and friends', () => {
  it('strips \\n and \\r\\n, returns a last line without newline at EOF', () => {
    const c = new LinesCodec();
    const buf = new BytesMut();
    buf.extend(enc('a\r\nb\n\nlast'));
    assert.equal(c.decode(buf), 'a');
    assert.equal(c.decode(buf), 'b');
    assert.equal(c.decode(buf), '');
    assert.equal(c.decode(buf), undefined);
    assert.equal(c.decodeEof(buf), 'last');
    assert.equal(c.decodeEof(buf), undefined);
  });

  it('a line over maxLength is an error, then the rest of it is discarded and decoding resumes', () => {
    const c = LinesCodec.withMaxLength(4);
    const buf = new BytesMut();
    buf.extend(enc('ok\ntoolongline'));
    assert.equal(c.decode(buf), 'ok');
    assert.throws(() => c.decode(buf), codecError('max-line-length-exceeded'));
    assert.equal(c.decode(buf), undefined);
    buf.extend(enc('stillgoing\nfine\n'));
    assert.equal(c.decode(buf), 'fine');
    buf.extend(new Uint8Array([0xff, 10]));
    assert.throws(() => c.decode(buf), codecError('invalid-utf8'));
    const exact = new LinesCodec({ maxLength: 3 });
    buf.extend(enc('abc\n'));
    assert.equal(exact.decode(buf), 'abc');
  });

  it('lines sliced from a decoded ASCII chunk equal the byte path: \\r\\n, max length, non-ASCII, any chunking', () => {
    // chunks of 4 KiB and more take the decode-once path; 1-byte pieces never do
    const line = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\r', 'é', '😀'), maxLength: 40 }),
      fc.string({ unit: fc.constantFrom('x', 'y'), minLength: 60, maxLength: 300 }),
      // around the limits: maxLength, one over, and with a \r counted
      fc.constantFrom(49, 50, 51, 199, 200, 201).map((n) => 'x'.repeat(n)),
      fc.constantFrom(49, 50, 199, 200).map((n) => `${'y'.repeat(n)}\r`),
    );
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 120 }),
        fc.array(fc.integer({ min: 1, max: 20_000 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom(undefined, 50, 200),
        (lines, sizes, maxLength) => {
          const wire = enc(
            lines
              .map((l) => `${l}\n`)
              .join('')
              .repeat(40),
          );
          const expected: (string | null)[] = [];
          for (let k = 0; k < 40; k++)
            for (const l of lines) {
              if (maxLength !== undefined && enc(l).length > maxLength) expected.push(null);
              else expected.push(l.endsWith('\r') ? l.slice(0, -1) : l);
            }
          const run = (size: (i: number) => number) => {
            const c = new LinesCodec(maxLength === undefined ? {} : { maxLength });
            const buf = new BytesMut(16);
            const out: (string | null)[] = [];
            let off = 0;
            for (let i = 0; off < wire.length; i++) {
              const n = Math.min(size(i), wire.length - off);
              buf.extend(wire.subarray(off, off + n));
              off += n;
              for (;;) {
                let f: string | undefined;
                try {
                  f = c.decode(buf);
                } catch (e) {
                  assert.ok(codecError('max-line-length-exceeded')(e), String(e));
                  out.push(null);
                  continue;
                }
                if (f === undefined) break;
                out.push(f);
              }
            }
            assert.equal(buf.length, 0, 'bytes left over');
            return out;
          };
          assert.deepEqual(
            run((i) => sizes[i % sizes.length]!),
            expected,
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('AnyDelimiterCodec splits on any delimiter and enforces its max length', () => {
    const c = new AnyDelimiterCodec(',;', '|', 5);
    const buf = new BytesMut();
    buf.extend(enc('a;bb,toolong;x'));
    assert.equal(dec(c.decode(buf)!), 'a');
    assert.equal(dec(c.decode(buf)!), 'bb');
    assert.throws(() => c.decode(buf), codecError('max-chunk-length-exceeded'));
    assert.equal(dec(c.decode(buf) ?? c.decodeEof(buf)!), 'x');
    const out = new BytesMut();
    c.encode('q', out);
    assert.equal(dec(out.chunk()), 'q|');
  });

  it('BytesCodec passes bytes through', () => {
    const buf = new BytesMut();
    assert.equal(new BytesCodec().decode(buf), undefined);
    new BytesCodec().encode(enc('raw'), buf);
    assert.equal(dec(new BytesCodec().decode(buf)!), 'raw');
  });
});

describe('Framed', () => {
  test('FramedRead over a pipe decodes frames that arrive split; a partial frame at EOF is an error', function* () {
    const [a, b] = duplex(7);
    const writer = spawn(function* () {
      const out = new FramedWrite(a, new LengthDelimitedCodec());
      for (const s of ['first', 'second frame', '']) yield* out.feed(enc(s));
      yield* out.flush();
      yield* a.writeAll(new Uint8Array([0, 0, 0, 9, 1])); // truncated
      a.close();
    });
    const frames = new FramedRead(b, new LengthDelimitedCodec());
    assert.equal(dec((yield* frames.next())!), 'first');
    assert.equal(dec((yield* frames.next())!), 'second frame');
    assert.equal((yield* frames.next())!.length, 0);
    try {
      yield* frames.next();
      assert.fail('expected bytes-remaining-on-stream');
    } catch (e) {
      assert.ok(codecError('bytes-remaining-on-stream')(e));
    }
    assert.equal(yield* frames.next(), undefined, 'the stream ends after an error');
    yield* writer;
  });

  test('cancel safety: a cancelled next() loses no bytes; the next call returns the frame', function* () {
    const [a, b] = duplex(64);
    const lines = new FramedRead(b, new LinesCodec());
    yield* a.writeAll(enc('par'));
    for (let i = 0; i < 20; i++) {
      const r = yield* select({ line: lines.next(), now: yieldNow() });
      assert.equal(r.key, 'now');
    }
    yield* a.writeAll(enc('tial\nnext\n'));
    assert.equal(yield* lines.next(), 'partial');
    assert.equal(yield* lines.next(), 'next');
  });

  test('over TCP: a line over maxLength fails that connection only; others are still served', function* () {
    const listener = yield* TcpListener.bind('127.0.0.1:0');
    const server = spawn(function* () {
      for (let i = 0; i < 2; i++) {
        const [socket] = yield* listener.accept();
        spawn(function* () {
          const conn = new Framed(socket, new LinesCodec({ maxLength: 16 }));
          try {
            for (let line: string | undefined; (line = yield* conn.next()) !== undefined; )
              yield* conn.send(`echo ${line}`);
          } catch (e) {
            yield* conn.send(`error ${(e as CodecError).kind}`);
          } finally {
            socket.close();
          }
        });
      }
    });
    const bad = new Framed(yield* TcpStream.connect(listener.localAddr()), new LinesCodec());
    const good = new Framed(yield* TcpStream.connect(listener.localAddr()), new LinesCodec());
    yield* bad.send('x'.repeat(100));
    assert.equal(yield* bad.next(), 'error max-line-length-exceeded');
    assert.equal(yield* bad.next(), undefined);
    for (const word of ['one', 'two']) {
      yield* good.send(word);
      assert.equal(yield* good.next(), `echo ${word}`);
    }
    yield* good.close();
    assert.equal(yield* good.next(), undefined);
    (bad.inner as TcpStream).close();
    (good.inner as TcpStream).close();
    yield* server;
    listener.close();
  });
});
