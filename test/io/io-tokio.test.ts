// Ports of tokio/tests/io_read_line.rs, io_lines.rs, io_read_until.rs,
// io_read_to_string.rs, io_read_exact.rs, io_write_all.rs and io_mem_stream.rs
// (the cases not covered by the io tests), through the public API.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { type Future, select, spawn, yieldNow } from 'tokio-ts';
import {
  BufReader,
  copyBidirectional,
  type DuplexStream,
  duplex,
  empty,
  IoError,
  ReadBase,
  readToString,
  type SeekFrom,
  UnexpectedEof,
} from 'tokio-ts/io';
import { io, test } from 'tokio-ts/test';
import { sleep } from 'tokio-ts/time';
import { errorOf } from './helpers.js';

const enc = (s: string) => new TextEncoder().encode(s);
const bytes = (...b: number[]) => Uint8Array.from(b);

describe('BufReader lines (ports of tokio io_read_line.rs, io_lines.rs, io_read_until.rs)', () => {
  test('read_line: each line with its newline, then ""', function* () {
    const rd = new BufReader(io.Builder().read('hello\nworld\n\n').build());
    assert.equal(yield* rd.readLine(), 'hello\n');
    assert.equal(yield* rd.readLine(), 'world\n');
    assert.equal(yield* rd.readLine(), '\n');
    assert.equal(yield* rd.readLine(), '');
  });

  test('read_line_not_all_ready: lines across reads; the last one without a newline', function* () {
    const rd = new BufReader(
      io.Builder().read('Hello Wor').read('ld\nFizzBuz').read('z\n1\n2').build(),
    );
    assert.equal(yield* rd.readLine(), 'Hello World\n');
    assert.equal(yield* rd.readLine(), 'FizzBuzz\n');
    assert.equal(yield* rd.readLine(), '1\n');
    assert.equal(yield* rd.readLine(), '2');
  });

  test('read_line_invalid_utf8: IoError invalid-data with Tokio message', function* () {
    const rd = new BufReader(
      io
        .Builder()
        .read(bytes(...enc('Hello Wor'), 0xff, ...enc('ld.\n')))
        .build(),
    );
    const e = yield* errorOf(rd.readLine());
    assert.ok(e instanceof IoError);
    assert.equal(e.kind, 'invalid-data');
    assert.equal(e.message, 'stream did not contain valid UTF-8');
  });

  test('read_line_fail: the read error is thrown as is', function* () {
    const boom = new Error('The world has no end');
    const rd = new BufReader(io.Builder().read('Hello Wor').readError(boom).build());
    assert.equal(yield* errorOf(rd.readLine()), boom);
  });

  test('read_until / read_until_not_all_ready', function* () {
    const rd = new BufReader(
      io.Builder().read('Hello Wor').read('ld#Fizz\xffBuz').read('z#1#2').build(),
    );
    const s = (b: Uint8Array) => Buffer.from(b).toString('latin1');
    assert.equal(s(yield* rd.readUntil(0x23)), 'Hello World#');
    assert.equal((yield* rd.readUntil(0x23)).length, 'Fizz\xffBuzz#'.length + 1); // \xff is 2 bytes in UTF-8
    assert.equal(s(yield* rd.readUntil(0x23)), '1#');
    assert.equal(s(yield* rd.readUntil(0x23)), '2');
    assert.equal((yield* rd.readUntil(0x23)).length, 0);
  });

  test('lines_inherent: \\r\\n and \\n are stripped; undefined at the end', function* () {
    const lines = new BufReader(io.Builder().read('hello\r\nworld\n\n').build()).lines();
    assert.equal(yield* lines.nextLine(), 'hello');
    assert.equal(yield* lines.nextLine(), 'world');
    assert.equal(yield* lines.nextLine(), '');
    assert.equal(yield* lines.nextLine(), undefined);
  });
});

describe('read/write helpers (ports of io_read_to_string.rs, io_read_exact.rs, io_write_all.rs)', () => {
  test('read_to_string and to_string_does_not_truncate_on_utf8_error / on_io_error', function* () {
    assert.equal(
      yield* readToString(io.Builder().read('hello').read(' world').build()),
      'hello world',
    );
    const e = yield* errorOf(
      readToString(
        io
          .Builder()
          .read(bytes(0xff, 0xff, 0xff))
          .build(),
      ),
    );
    assert.ok(e instanceof IoError && e.message === 'stream did not contain valid UTF-8');
    const whoops = new Error('whoops');
    assert.equal(
      yield* errorOf(readToString(io.Builder().read('def').readError(whoops).build())),
      whoops,
    );
  });

  test('read_exact: exactly the buffer, UnexpectedEof when short', function* () {
    const rd = io.Builder().read('hello').read(' world').build();
    const buf = new Uint8Array(8);
    yield* rd.readExact(buf);
    assert.equal(new TextDecoder().decode(buf), 'hello wo');
    assert.ok((yield* errorOf(rd.readExact(new Uint8Array(8)))) instanceof UnexpectedEof);
  });

  test('write_all: every byte through short writes', function* () {
    const [a, b] = duplex(4);
    const h = spawn(b.readToEnd());
    yield* a.writeAll(enc('hello world'));
    a.close();
    assert.equal(new TextDecoder().decode(yield* h), 'hello world');
  });
});

describe('duplex (ports of tokio io_mem_stream.rs)', () => {
  test('disconnect_reader: a writer blocked on a full pipe fails once the peer closes', function* () {
    const [a, b] = duplex(2);
    const t1 = spawn(errorOf(b.writeAll(enc('ping'))));
    yield* yieldNow();
    a.close();
    assert.ok((yield* t1) instanceof IoError);
  });

  test('max_write_size: a write takes at most the free room', function* () {
    const [a, b] = duplex(32);
    const t1 = spawn(function* () {
      assert.equal(yield* a.write(new Uint8Array(64)), 32);
      assert.equal(yield* a.write(new Uint8Array(64)), 4);
    });
    yield* b.readExact(new Uint8Array(4));
    yield* t1;
  });

  test('zero_length_operations and zero_length_writes_to_closed_stream', function* () {
    const [r] = duplex(1);
    assert.equal(yield* r.read(new Uint8Array(0)), 0);
    const [w] = duplex(1);
    yield* w.writeAll(enc('x'));
    assert.equal(yield* w.write(new Uint8Array(0)), 0);
    const [w2, peer] = duplex(1);
    peer.close();
    const e = yield* errorOf(w2.write(new Uint8Array(0)));
    assert.ok(e instanceof IoError && e.kind === 'broken-pipe', String(e));
  });

  test('duplex_is_cooperative: a ping-pong loop on ready streams still yields', function* () {
    const [tx, rx] = duplex(8 * 1024);
    const r = yield* select(
      {
        loop: (function* (): Future<void> {
          const out = new Uint8Array(4096).fill(3);
          const inb = new Uint8Array(4096);
          for (;;) {
            yield* tx.writeAll(out);
            yield* rx.read(inb);
          }
        })(),
        yielded: yieldNow(),
      },
      { biased: true },
    );
    assert.equal(r.key, 'yielded');
  });
});

/** io_copy_bidirectional.rs's `symmetric`: runs `cb` with the proxy's arguments in both orders. */
function* symmetric(
  cb: (h: Future<[number, number]>, a: DuplexStream, b: DuplexStream) => Future<void>,
): Future<void> {
  for (const swap of [false, true]) {
    const [a, a1] = duplex(64 * 1024);
    const [b, b1] = duplex(64 * 1024);
    const h = spawn(swap ? copyBidirectional(b1, a1) : copyBidirectional(a1, b1));
    if (swap) yield* cb(h, b, a);
    else yield* cb(h, a, b);
    h.abort(); // Tokio drops the handle; the runtime's shutdown ends the proxy
  }
}

/** Writes to `s` until a write has waited 10 ms (the peer stopped reading); returns the bytes written. */
function* blockWrite(s: DuplexStream): Future<number> {
  const buf = new Uint8Array(2048);
  let copied = 0;
  for (;;) {
    const r = yield* select({ w: s.write(buf), t: sleep(10) });
    if (r.key === 't') return copied;
    copied += r.value;
  }
}

describe('copyBidirectional (ports of tokio io_copy_bidirectional.rs)', () => {
  test('test_basic_transfer', function* () {
    yield* symmetric(function* (_h, a, b) {
      yield* a.writeAll(enc('test'));
      const tmp = new Uint8Array(4);
      yield* b.readExact(tmp);
      assert.deepEqual(tmp, enc('test'));
    });
  });

  test('test_transfer_after_close: one direction keeps going after the other ended', function* () {
    yield* symmetric(function* (h, a, b) {
      yield* a.shutdown();
      yield* b.readToEnd();
      yield* b.writeAll(enc('quux'));
      const tmp = new Uint8Array(4);
      yield* a.readExact(tmp);
      assert.deepEqual(tmp, enc('quux'));
      b.close();
      assert.deepEqual(yield* h, [0, 4]);
    });
  });

  test('blocking_one_side_does_not_block_other', { startPaused: true }, function* () {
    yield* symmetric(function* (h, a, b) {
      yield* blockWrite(a);
      yield* b.writeAll(enc('quux'));
      const tmp = new Uint8Array(4);
      yield* a.readExact(tmp);
      assert.deepEqual(tmp, enc('quux'));
      yield* a.shutdown();
      const all = yield* b.readToEnd();
      b.close();
      assert.deepEqual(yield* h, [all.length, 4]);
    });
  });

  test('immediate_exit_on_write_error / immediate_exit_on_read_error', function* () {
    const payload = 'here, take this';
    const wa = io.Builder().read(payload).writeError(new Error('no thanks!')).build();
    const wb = io.Builder().read(payload).writeError(new Error('no thanks!')).build();
    assert.ok((yield* errorOf(copyBidirectional(wa, wb))) instanceof Error);
    const ra = io.Builder().readError(new Error('got nothing!')).build();
    const rb = io.Builder().readError(new Error('got nothing!')).build();
    assert.ok((yield* errorOf(copyBidirectional(ra, rb))) instanceof Error);
  });
});

/** An in-memory reader like Rust's `&[u8]`/`Cursor`: each read takes what fits. */
class Cursor extends ReadBase {
  pos = 0;
  constructor(readonly data: Uint8Array) {
    super();
  }
  *read(buf: Uint8Array): Future<number> {
    const n = Math.min(buf.length, this.data.length - this.pos);
    buf.set(this.data.subarray(this.pos, this.pos + n));
    this.pos += n;
    return n;
  }
  *seek(to: SeekFrom): Future<number> {
    const base = 'start' in to ? 0 : 'end' in to ? this.data.length : this.pos;
    const off = 'start' in to ? to.start : 'end' in to ? to.end : to.current;
    if (base + off < 0) throw new IoError('invalid-input', 'invalid seek to a negative position');
    this.pos = base + off;
    return this.pos;
  }
}

describe('BufReader (ports of tokio io_buf_reader.rs)', () => {
  test('test_buffered_reader: reads as large as the buffer go straight to the inner reader', function* () {
    const r = new BufReader(new Cursor(bytes(5, 6, 7, 0, 1, 2, 3, 4)), 2);
    const b3 = new Uint8Array(3);
    assert.equal(yield* r.read(b3), 3);
    assert.deepEqual(b3, bytes(5, 6, 7));
    assert.deepEqual(r.buffer(), bytes());
    const b2 = new Uint8Array(2);
    assert.equal(yield* r.read(b2), 2);
    assert.deepEqual(b2, bytes(0, 1));
    assert.deepEqual(r.buffer(), bytes());
    const b1 = new Uint8Array(1);
    assert.equal(yield* r.read(b1), 1);
    assert.deepEqual(b1, bytes(2));
    assert.deepEqual(r.buffer(), bytes(3));
    const c = new Uint8Array(3);
    assert.equal(yield* r.read(c), 1);
    assert.deepEqual(c, bytes(3, 0, 0));
    assert.deepEqual(r.buffer(), bytes());
    assert.equal(yield* r.read(c), 1);
    assert.deepEqual(c, bytes(4, 0, 0));
    assert.equal(yield* r.read(c), 0);
  });

  test('test_buffered_reader_seek: a relative seek accounts for the buffered bytes', function* () {
    const r = new BufReader(new Cursor(bytes(5, 6, 7, 0, 1, 2, 3, 4)), 2);
    assert.equal(yield* r.seek({ start: 3 }), 3);
    assert.deepEqual(yield* r.fillBuf(), bytes(0, 1));
    assert.ok((yield* errorOf(r.seek({ current: -100 }))) instanceof IoError);
    assert.deepEqual(yield* r.fillBuf(), bytes(0, 1), 'a failed seek keeps the buffer');
    assert.equal(yield* r.seek({ current: 1 }), 4);
    assert.deepEqual(yield* r.fillBuf(), bytes(1, 2));
    r.consume(1);
    assert.equal(yield* r.seek({ current: -2 }), 3);
  });

  test('test_short_reads: short and empty inner reads pass through as they are', function* () {
    const lengths = [0, 1, 2, 0, 1, 0];
    const inner = new (class extends ReadBase {
      *read(_buf: Uint8Array): Future<number> {
        return lengths.shift() ?? 0;
      }
    })();
    const r = new BufReader(inner);
    const buf = new Uint8Array(2);
    const got = [];
    for (let i = 0; i < 7; i++) got.push(yield* r.read(buf));
    assert.deepEqual(got, [0, 1, 2, 0, 1, 0, 0]);
  });
});

describe('empty (ports of tokio io_util_empty.rs)', () => {
  test('empty_buf_reads_are_cooperative: a readLine loop on empty() still yields', function* () {
    const r = yield* select(
      {
        loop: (function* (): Future<void> {
          for (;;) {
            yield* new BufReader(empty()).readLine();
            yield* empty().fillBuf();
          }
        })(),
        yielded: yieldNow(),
      },
      { biased: true },
    );
    assert.equal(r.key, 'yielded');
  });

  test('empty_seek: every seek lands at 0; fillBuf is empty', function* () {
    const e = empty();
    for (const pos of [
      { start: 0 },
      { start: 1 },
      { start: Number.MAX_SAFE_INTEGER },
      { end: Number.MIN_SAFE_INTEGER },
      { end: -1 },
      { end: 0 },
      { end: 1 },
      { current: -1 },
      { current: 0 },
      { current: Number.MAX_SAFE_INTEGER },
    ])
      assert.equal(yield* e.seek(pos), 0);
    assert.equal((yield* e.fillBuf()).length, 0);
    e.consume(0);
    assert.throws(() => e.consume(1), RangeError);
  });
});
