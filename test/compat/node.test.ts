import assert from 'node:assert/strict';
import { type Duplex, PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe } from 'node:test';
import { type Future, spawn, yieldNow } from 'tokio-ts';
import {
  fromNodeDuplex,
  fromNodeReadable,
  fromNodeWritable,
  toNodeDuplex,
  toNodeReadable,
  toNodeWritable,
} from 'tokio-ts/compat';
import { call, select } from 'tokio-ts/future';
import { copy, duplex, IoError, ReadBase, UnexpectedEof } from 'tokio-ts/io';
import { test } from 'tokio-ts/test';
import { sleep } from 'tokio-ts/time';

const enc = new TextEncoder();

/** Lets Node run its nextTick/immediate work (paused clock: time does not matter). */
function* settle(): Future<void> {
  for (let i = 0; i < 5; i++) yield* sleep(1);
}

/** An endless Node Readable of `size`-byte chunks that counts its `_read` calls. */
function countingSource(size: number, hwm: number) {
  const stats = { reads: 0, produced: 0 };
  const r = new Readable({
    highWaterMark: hwm,
    read() {
      stats.reads++;
      stats.produced += size;
      this.push(Buffer.alloc(size, stats.reads & 0xff));
    },
  });
  return { r, stats };
}

describe('fromNodeReadable', () => {
  test('reads the bytes of a Node Readable, then 0 at the end', function* () {
    const r = fromNodeReadable(Readable.from([Buffer.from('hello '), Buffer.from('world')]));
    const buf = new Uint8Array(4);
    assert.equal(yield* r.read(buf), 4);
    assert.equal(Buffer.from(buf).toString(), 'hell');
    assert.equal(yield* r.readToString(), 'o world');
    assert.equal(yield* r.read(buf), 0);
  });

  test('readChunk hands over the chunk Node buffered without copying', function* () {
    const chunk = Buffer.from('zero-copy');
    const r = fromNodeReadable(Readable.from([chunk]));
    const got = yield* r.readChunk();
    assert.equal(got, chunk, 'the very same Buffer');
    assert.equal(yield* r.readChunk(), undefined);
  });

  test('a slow consumer slows the producer: Node calls _read only as the task reads', {
    startPaused: true,
  }, function* () {
    const { r, stats } = countingSource(1024, 4096);
    const reader = fromNodeReadable(r);
    const buf = new Uint8Array(1024);
    for (let i = 0; i < 10; i++) assert.equal(yield* reader.read(buf), 1024);
    yield* settle(); // Node refills its buffer up to the high-water mark, no further
    const after10 = stats.reads;
    yield* sleep(1000); // a consumer that does not read for a second
    yield* settle();
    assert.equal(stats.reads, after10, 'no _read while nobody reads');
    assert.ok(
      stats.reads <= 10 + 4096 / 1024 + 1,
      `_read called ${stats.reads} times for 10 reads (high-water mark 4 chunks)`,
    );
    reader.close();
  });

  test('the stream is never switched to flowing mode', function* () {
    const r = Readable.from([Buffer.from('x')]);
    const reader = fromNodeReadable(r);
    yield* reader.readToEnd();
    assert.notEqual(r.readableFlowing, true);
  });

  test(`a large copy (${process.env.TOKIO_TS_COMPAT_COPY_MIB ?? 64} MiB) through fromNodeReadable -> fromNodeWritable runs in bounded memory`, function* () {
    const total = Number(process.env.TOKIO_TS_COMPAT_COPY_MIB ?? 64) * 1024 * 1024;
    const chunk = 64 * 1024;
    let produced = 0;
    let consumed = 0;
    let maxInFlight = 0;
    const src = new Readable({
      read() {
        if (produced >= total) this.push(null);
        else {
          produced += chunk;
          this.push(Buffer.allocUnsafe(chunk));
        }
      },
    });
    const sink = new Writable({
      write(c: Buffer, _e, cb) {
        consumed += c.length;
        maxInFlight = Math.max(maxInFlight, produced - consumed);
        if (consumed % (1024 * 1024) === 0) setImmediate(cb);
        else cb();
      },
    });
    const heap0 = process.memoryUsage().heapUsed;
    const w = fromNodeWritable(sink);
    const n = yield* copy(fromNodeReadable(src), w);
    yield* w.shutdown();
    const heapGrowth = process.memoryUsage().heapUsed - heap0;
    assert.equal(n, total);
    assert.equal(consumed, total);
    // Node's buffers (16 KiB + 16 KiB high-water marks), copy's buffer, one chunk each side.
    assert.ok(maxInFlight <= 1024 * 1024, `at most ${maxInFlight} bytes between source and sink`);
    assert.ok(heapGrowth < 32 * 1024 * 1024, `heap grew by ${heapGrowth} bytes`);
  });

  test('copy(fromNodeReadable, fromNodeWritable) hands the chunks over without copying (writeChunk)', function* () {
    const chunks = [Buffer.from('one'), Buffer.from('two')];
    const seen: Buffer[] = [];
    const sink = new Writable({
      write(c: Buffer, _e, cb) {
        seen.push(c);
        cb();
      },
    });
    const w = fromNodeWritable(sink);
    assert.equal(yield* copy(fromNodeReadable(Readable.from(chunks)), w), 6);
    assert.deepEqual(seen.map(String), ['one', 'two']);
    assert.equal(seen[0], chunks[0], 'the very same Buffer reached the sink');
    const mine = Buffer.from('mine');
    yield* w.writeAll(mine);
    assert.notEqual(seen[2], mine, 'a plain write copies (the caller may reuse its buffer)');
  });

  test('errors are typed: a stream error is an IoError with its cause; a destroy before the end is UnexpectedEof', function* () {
    const boom = Object.assign(new Error('disk on fire'), { code: 'EIO' });
    const r1 = new Readable({
      read() {
        this.destroy(boom);
      },
    });
    try {
      yield* fromNodeReadable(r1).readToEnd();
      assert.fail('no error');
    } catch (e) {
      assert.ok(e instanceof IoError);
      assert.equal(e.code, 'EIO');
      assert.equal(e.cause, boom);
    }
    const r2 = new Readable({ read() {} });
    const reader = fromNodeReadable(r2);
    const h = spawn(function* () {
      return yield* reader.read(new Uint8Array(4));
    });
    yield* yieldNow();
    r2.destroy();
    yield* assertThrows(h, UnexpectedEof);
    assert.throws(() => fromNodeReadable({} as Readable), TypeError);
  });

  test('cancel safety: a read that loses a select takes nothing and leaves the stream open', {
    startPaused: true,
  }, function* () {
    const r = new PassThrough();
    const reader = fromNodeReadable(r);
    const buf = new Uint8Array(8);
    const s = yield* select({ read: reader.read(buf), t: sleep(10) });
    assert.equal(s.key, 't');
    assert.equal(r.destroyed, false);
    r.end('kept');
    assert.equal(yield* reader.readToString(), 'kept');
  });

  test('cancelling the task that reads destroys the Node stream', function* () {
    const r = new Readable({ read() {} });
    const reader = fromNodeReadable(r);
    const h = spawn(function* () {
      yield* reader.read(new Uint8Array(4));
    });
    yield* yieldNow();
    h.abort();
    try {
      yield* h;
    } catch {
      // cancelled
    }
    assert.equal(r.destroyed, true);
  });
});

describe('fromNodeWritable', () => {
  test('a write waits while the Writable is full (backpressure), and goes on at drain', function* () {
    const done: (() => void)[] = [];
    let written = 0;
    const sink = new Writable({
      highWaterMark: 4,
      write(c: Buffer, _e, cb) {
        written += c.length;
        done.push(cb);
      },
    });
    const w = fromNodeWritable(sink);
    assert.equal(yield* w.write(new Uint8Array(8)), 8, 'the first write is taken');
    const h = spawn(function* () {
      return yield* w.write(new Uint8Array(3));
    });
    yield* settle();
    assert.equal(h.isFinished(), false, 'the second write waits for drain');
    done.shift()!();
    assert.equal(yield* h, 3);
    done.shift()?.();
    yield* w.flush();
    assert.equal(written, 11);
  });

  test('writes copy the caller buffer, shutdown ends the stream and waits for finish', function* () {
    const chunks: string[] = [];
    const sink = new Writable({
      write(c: Buffer, _e, cb) {
        chunks.push(c.toString());
        setImmediate(cb);
      },
    });
    const w = fromNodeWritable(sink);
    const buf = Buffer.from('abc');
    yield* w.writeAll(buf);
    buf.write('xyz');
    yield* w.shutdown();
    assert.deepEqual(chunks, ['abc']);
    assert.equal(sink.writableFinished, true);
    try {
      yield* w.write(buf);
      assert.fail('write after shutdown');
    } catch (e) {
      assert.ok(e instanceof IoError);
    }
  });

  test('a failed Node write is thrown as an IoError by the next operation', function* () {
    const sink = new Writable({
      write(_c, _e, cb) {
        cb(Object.assign(new Error('no space'), { code: 'ENOSPC' }));
      },
    });
    const w = fromNodeWritable(sink);
    yield* w.write(new Uint8Array(1));
    try {
      yield* w.flush();
      yield* w.write(new Uint8Array(1));
      assert.fail('no error');
    } catch (e) {
      assert.ok(e instanceof IoError);
      assert.equal(e.code, 'ENOSPC');
    }
  });

  test('cancelling the task that waits to write destroys the Node stream', function* () {
    const sink = new Writable({ highWaterMark: 1, write() {} });
    const w = fromNodeWritable(sink);
    yield* w.write(new Uint8Array(4));
    const h = spawn(function* () {
      yield* w.write(new Uint8Array(4));
    });
    yield* yieldNow();
    h.abort();
    yield* call(() => Promise.resolve(h).catch(() => undefined));
    assert.equal(sink.destroyed, true);
  });

  test('cancel safety: a write that loses a select wrote nothing', {
    startPaused: true,
  }, function* () {
    const seen: number[] = [];
    const cbs: (() => void)[] = [];
    const sink = new Writable({
      highWaterMark: 1,
      write(c: Buffer, _e, cb) {
        seen.push(c.length);
        cbs.push(cb);
      },
    });
    const w = fromNodeWritable(sink);
    yield* w.write(new Uint8Array(2));
    const s = yield* select({ w: w.write(new Uint8Array(5)), t: sleep(10) });
    assert.equal(s.key, 't');
    cbs.shift()!();
    yield* settle();
    assert.deepEqual(seen, [2], 'the cancelled write never reached Node');
    assert.equal(sink.destroyed, false);
  });
});

describe('fromNodeWritable flush and shutdown', () => {
  test('cancel safety: a flush or shutdown that loses a select leaves the stream open and completes later', {
    startPaused: true,
  }, function* () {
    const cbs: (() => void)[] = [];
    const sink = new Writable({
      write(_c, _e, cb) {
        cbs.push(cb);
      },
      final(cb) {
        cbs.push(cb);
      },
    });
    const w = fromNodeWritable(sink);
    yield* w.write(new Uint8Array(1));
    const r1 = yield* select({ f: w.flush(), t: sleep(5) });
    assert.equal(r1.key, 't');
    assert.equal(sink.destroyed, false);
    cbs.shift()!();
    yield* w.flush();
    const r2 = yield* select({ s: w.shutdown(), t: sleep(5) });
    assert.equal(r2.key, 't');
    assert.equal(sink.destroyed, false);
    cbs.shift()!();
    yield* w.shutdown();
    assert.equal(sink.writableFinished, true);
  });
});

describe('toNodeReadable / toNodeWritable / duplexes', () => {
  test('a chunkSize that is not a positive integer is a RangeError, not a stream that ends at once', function* () {
    const [, b] = duplex(64);
    for (const chunkSize of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => toNodeReadable(b, { chunkSize }), RangeError);
      assert.throws(() => toNodeDuplex(b, { chunkSize }), RangeError);
    }
    yield* yieldNow();
  });

  test('toNodeReadable: Node reads the AsyncRead only as fast as its consumer', function* () {
    let reads = 0;
    class Endless extends ReadBase {
      *read(buf: Uint8Array): Future<number> {
        reads++;
        buf.fill(1);
        return buf.length;
      }
    }
    const r = toNodeReadable(new Endless(), { highWaterMark: 64, chunkSize: 16 });
    r.read(0); // start
    yield* settle();
    const early = reads;
    assert.ok(
      early <= 64 / 16 + 2,
      `read ${early} times to fill a 64-byte buffer of 16-byte chunks`,
    );
    yield* settle();
    assert.equal(reads, early, 'no reads while Node does not consume');
    assert.equal(r.read(32)?.length, 32);
    yield* settle();
    assert.ok(
      reads > early && reads <= early + 32 / 16 + 2,
      'reading 32 bytes pulls about 2 chunks',
    );
    r.destroy();
    yield* settle();
  });

  test('toNodeReadable: bytes reach a Node consumer; destroying it closes the reader', function* () {
    const [a, b] = duplex(64);
    yield* a.writeAll(enc.encode('to node'));
    a.close();
    const chunks = yield* call(() => toNodeReadable(b).toArray());
    assert.equal(Buffer.concat(chunks).toString(), 'to node');
    const [c, d] = duplex(64);
    const r = toNodeReadable(d);
    r.read(0);
    yield* settle();
    r.destroy();
    yield* settle();
    try {
      yield* c.write(new Uint8Array(1));
      assert.fail('the reader was not closed');
    } catch (e) {
      assert.ok(e instanceof IoError);
    }
  });

  test('toNodeWritable: stream.pipeline into a tokio-ts writer, with its backpressure', function* () {
    const [a, b] = duplex(16);
    const w = toNodeWritable(a, { highWaterMark: 16 });
    let ok = true;
    for (let i = 0; i < 8 && ok; i++) ok = w.write(Buffer.alloc(8));
    assert.equal(ok, false, 'Node reports a full buffer while nobody reads the duplex');
    yield* settle();
    assert.ok(w.writableLength <= 32, `Node holds ${w.writableLength} bytes`);
    w.end();
    const all = yield* b.readToEnd();
    assert.ok(all.length >= 16);
    const [c, d] = duplex(1024);
    yield* call(() =>
      pipeline(Readable.from([Buffer.from('pi'), Buffer.from('ped')]), toNodeWritable(c)),
    );
    assert.equal(yield* d.readToString(), 'piped');
  });

  test('toNodeWritable: a writer error fails the pipeline with an IoError', function* () {
    const [a, b] = duplex(16);
    b.close();
    try {
      yield* call(() => pipeline(Readable.from([Buffer.from('x')]), toNodeWritable(a)));
      assert.fail('no error');
    } catch (e) {
      assert.ok(e instanceof IoError, String(e));
    }
  });

  test('fromNodeDuplex and toNodeDuplex carry both directions', function* () {
    const d = fromNodeDuplex(new PassThrough());
    yield* d.writeAll(enc.encode('echo'));
    yield* d.shutdown();
    assert.equal(yield* d.readToString(), 'echo');
    const [a, b] = duplex(1024);
    const nd: Duplex = toNodeDuplex(a);
    nd.write('ping');
    const buf = new Uint8Array(4);
    yield* b.readExact(buf);
    assert.equal(Buffer.from(buf).toString(), 'ping');
    yield* b.writeAll(enc.encode('pong'));
    b.close();
    const back = yield* call(() => nd.toArray());
    assert.equal(Buffer.concat(back).toString(), 'pong');
    nd.destroy();
    yield* settle();
  });
});

function* assertThrows(h: Future<unknown>, cls: new (...a: never[]) => Error): Future<void> {
  try {
    yield* h;
  } catch (e) {
    const err = (e as { cause?: unknown }).cause ?? e;
    assert.ok(err instanceof cls, `expected ${cls.name}, got ${String(err)}`);
    return;
  }
  assert.fail(`expected ${cls.name}`);
}
