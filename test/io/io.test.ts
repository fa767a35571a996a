import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { Instant, join, select, spawn, yieldNow } from 'tokio-ts';
import {
  BufReader,
  BufWriter,
  copy,
  copyBidirectional,
  duplex,
  empty,
  IoError,
  readExact,
  repeat,
  simplex,
  sink,
  split,
  UnexpectedEof,
  writeAll,
} from 'tokio-ts/io';
import { io, test } from 'tokio-ts/test';
import { sleep } from 'tokio-ts/time';

const enc = (s: string) => new TextEncoder().encode(s);

describe('duplex and simplex', () => {
  test('a write larger than the free space returns a partial count; a full pipe makes the writer wait', function* () {
    const [a, b] = duplex(32);
    assert.equal(yield* a.write(new Uint8Array(64)), 32);
    const blocked = yield* select({ w: a.write(new Uint8Array(1)), now: yieldNow() });
    assert.equal(blocked.key, 'now');
    const writer = spawn(a.writeAll(new Uint8Array(10).fill(5)));
    yield* yieldNow();
    const buf = new Uint8Array(64);
    assert.equal(yield* b.read(buf), 32);
    yield* writer;
    assert.equal(yield* b.read(buf), 10);
    assert.equal(buf[9], 5);
  });

  test('closing one end: the other reads what is left, then 0, and its writes fail with broken-pipe', function* () {
    const [a, b] = duplex(16);
    yield* a.writeAll(enc('rest'));
    a.close();
    assert.equal(yield* b.readToString(), 'rest');
    try {
      yield* b.write(enc('x'));
      assert.fail('write should fail');
    } catch (e) {
      assert.ok(e instanceof IoError);
      assert.equal(e.kind, 'broken-pipe');
    }
  });

  test('cancel safety: a cancelled pipe read takes nothing; a cancelled pipe write writes nothing', function* () {
    const [a, b] = duplex(4);
    const buf = new Uint8Array(4);
    for (let i = 0; i < 10; i++)
      assert.equal((yield* select({ r: b.read(buf), now: yieldNow() })).key, 'now');
    yield* a.writeAll(enc('abcd'));
    for (let i = 0; i < 10; i++)
      assert.equal((yield* select({ w: a.write(enc('z')), now: yieldNow() })).key, 'now');
    // A read woken by the data but aborted before it runs leaves the data for the next read.
    const [c, d] = duplex(4);
    const r = spawn(d.read(new Uint8Array(4)));
    yield* yieldNow();
    yield* c.writeAll(enc('xy'));
    r.abort();
    try {
      yield* r;
    } catch {}
    yield* b.readExact(buf);
    assert.equal(new TextDecoder().decode(buf), 'abcd');
    const got = new Uint8Array(2);
    yield* d.readExact(got);
    assert.equal(new TextDecoder().decode(got), 'xy');
  });

  test('simplex carries bytes one way with backpressure', function* () {
    const [rx, tx] = simplex(8);
    const w = spawn(function* () {
      yield* tx.writeAll(new Uint8Array(100).fill(3));
      yield* tx.shutdown();
    });
    const all = yield* rx.readToEnd();
    yield* w;
    assert.equal(all.length, 100);
    assert.throws(() => duplex(0), RangeError);
  });
});

describe('helpers', () => {
  test('readExact throws UnexpectedEof when the stream ends early', function* () {
    const [a, b] = duplex(16);
    yield* a.writeAll(enc('abc'));
    a.close();
    try {
      yield* readExact(b, new Uint8Array(5));
      assert.fail('expected UnexpectedEof');
    } catch (e) {
      assert.ok(e instanceof UnexpectedEof);
      assert.equal(e.kind, 'unexpected-eof');
    }
  });

  test('copy moves everything and copyBidirectional shuts each side down after the other ends', function* () {
    const [a, b] = duplex(1024);
    const data = new Uint8Array(100_000).map((_, i) => i % 251);
    const writer = spawn(function* () {
      yield* writeAll(a, data);
      yield* a.shutdown();
    });
    const out = new BufWriter(sink());
    assert.equal(yield* copy(b, out), data.length);
    yield* writer;

    const [client, p1] = duplex(64);
    const [p2, server] = duplex(64);
    const proxy = spawn(copyBidirectional(p1, p2));
    yield* client.writeAll(enc('to server'));
    yield* client.shutdown();
    assert.equal(yield* server.readToString(), 'to server');
    yield* server.writeAll(enc('back!'));
    yield* server.shutdown();
    assert.equal(yield* client.readToString(), 'back!');
    assert.deepEqual(yield* proxy, [9, 5]);
  });

  test('empty, sink and repeat are always ready but still yield to other tasks', function* () {
    assert.equal(yield* empty().read(new Uint8Array(4)), 0);
    assert.equal(yield* sink().write(new Uint8Array(4)), 4);
    let other = 0;
    const t = spawn(function* () {
      other++;
    });
    const r = repeat(1);
    const buf = new Uint8Array(1);
    for (let i = 0; i < 1000; i++) yield* r.read(buf);
    assert.equal(other, 1, 'a spinning repeat() reader let the other task run');
    yield* t;
    assert.throws(() => repeat(256), RangeError);
  });

  test('split gives halves that pair up', function* () {
    const [a, b] = duplex(8);
    const [rd, wr] = split(a);
    const [, wr2] = split(b);
    assert.ok(rd.isPairOf(wr));
    assert.ok(!rd.isPairOf(wr2 as never));
    assert.throws(() => rd.unsplit(wr2 as never), TypeError);
    assert.equal(rd.unsplit(wr), a);
  });
});

describe('BufReader and BufWriter', () => {
  test('readLine keeps the newline; lines() strips \\n and \\r\\n; readUntil stops at the delimiter', function* () {
    const [a, b] = duplex(8);
    const w = spawn(function* () {
      yield* a.writeAll(enc('one\ntwo\r\nthree;four'));
      yield* a.shutdown();
    });
    const r = new BufReader(b, 4);
    assert.equal(yield* r.readLine(), 'one\n');
    const lines = r.lines();
    assert.equal(yield* lines.nextLine(), 'two');
    assert.deepEqual(new TextDecoder().decode(yield* r.readUntil(59)), 'three;');
    assert.equal(yield* lines.nextLine(), 'four');
    assert.equal(yield* lines.nextLine(), undefined);
    assert.equal(yield* r.readLine(), '');
    yield* w;
  });

  test('cancel safety: a readLine cancelled mid-line loses nothing', function* () {
    const [a, b] = duplex(64);
    const r = new BufReader(b, 4);
    yield* a.writeAll(enc('partial '));
    const first = yield* select({ line: r.readLine(), now: sleep(0) }, { biased: false });
    assert.equal(first.key, 'now');
    yield* a.writeAll(enc('line\nnext\n'));
    assert.equal(yield* r.readLine(), 'partial line\n');
    assert.equal(yield* r.readLine(), 'next\n');
  });

  test('invalid UTF-8 in readLine is an invalid-data IoError', function* () {
    const [a, b] = duplex(64);
    yield* a.writeAll(new Uint8Array([0xff, 0xfe, 10]));
    try {
      yield* new BufReader(b).readLine();
      assert.fail('expected invalid-data');
    } catch (e) {
      assert.ok(e instanceof IoError);
      assert.equal(e.kind, 'invalid-data');
    }
  });

  test('BufWriter holds small writes until flush and passes large ones through', function* () {
    const [a, b] = duplex(1 << 16);
    const w = new BufWriter(a, 16);
    yield* w.writeAll(enc('small'));
    assert.equal(new TextDecoder().decode(w.buffer()), 'small');
    const r = yield* select({ r: b.read(new Uint8Array(8)), now: yieldNow() });
    assert.equal(r.key, 'now', 'nothing reached the pipe before flush');
    yield* w.writeAll(enc('x'.repeat(40)));
    yield* w.flush();
    yield* w.shutdown();
    assert.equal(yield* b.readToString(), `small${'x'.repeat(40)}`);
  });
});

describe('test kit io mock', () => {
  test('plays reads and checks writes in script order', function* () {
    const mock = io.Builder().read('hello ').write('ping').read('world').build();
    const buf = new Uint8Array(3);
    assert.equal(yield* mock.read(buf), 3);
    assert.equal(new TextDecoder().decode(buf), 'hel');
    const rest = new Uint8Array(16);
    assert.equal(yield* mock.read(rest), 3);
    // The next read waits for the scripted write.
    const pending = spawn(mock.read(rest));
    yield* yieldNow();
    yield* mock.writeAll(enc('pi'));
    yield* mock.writeAll(enc('ng'));
    assert.equal(yield* pending, 5);
    assert.equal(yield* mock.read(rest), 0);
    mock.assertDone();
  });

  test('a write that differs from the script fails with an AssertionError; leftovers are reported', function* () {
    const mock = new io.Builder().write('expected').build();
    try {
      yield* mock.writeAll(enc('wrong'));
      assert.fail('expected a mismatch');
    } catch (e) {
      assert.ok(e instanceof assert.AssertionError);
      assert.match(e.message, /write mismatch/);
    }
    assert.throws(() => mock.assertDone(), /still has script left/);
  });

  test('wait and errors follow the paused clock and the script', {
    startPaused: true,
  }, function* () {
    const boom = new Error('boom');
    const mock = io.Builder().wait(100).read('late').readError(boom).build();
    const t0 = Instant.now();
    const buf = new Uint8Array(8);
    assert.equal(yield* mock.read(buf), 4);
    assert.equal(t0.elapsed(), 100, 'the scripted wait ran on the paused clock');
    yield* join(function* () {
      try {
        yield* mock.read(buf);
        assert.fail('expected the scripted error');
      } catch (e) {
        assert.equal(e, boom);
      }
    });
    mock.assertDone();
  });
});
