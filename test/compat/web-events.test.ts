import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe } from 'node:test';
import { type Future, spawn, yieldNow } from 'tokio-ts';
import {
  fromEvents,
  fromWebReadable,
  fromWebWritable,
  OverflowError,
  toWebReadable,
  toWebWritable,
} from 'tokio-ts/compat';
import { call, select } from 'tokio-ts/future';
import { duplex, IoError, ReadBase } from 'tokio-ts/io';
import { test } from 'tokio-ts/test';
import { sleep } from 'tokio-ts/time';

const enc = new TextEncoder();

function* settle(): Future<void> {
  for (let i = 0; i < 5; i++) yield* sleep(1);
}

describe('web streams', () => {
  test('fromWebReadable pulls the source only as the task reads', {
    startPaused: true,
  }, function* () {
    let pulls = 0;
    const rs = new ReadableStream<Uint8Array>(
      {
        pull(c) {
          pulls++;
          c.enqueue(new Uint8Array([pulls]));
        },
      },
      { highWaterMark: 0 },
    );
    const r = fromWebReadable(rs);
    const buf = new Uint8Array(1);
    for (let i = 1; i <= 3; i++) {
      assert.equal(yield* r.read(buf), 1);
      assert.equal(buf[0], i);
    }
    yield* settle();
    yield* sleep(1000);
    assert.ok(pulls <= 4, `pulled ${pulls} times for 3 reads`);
    r.close();
  });

  test('fromWebReadable: a chunk larger than the buffer is read in parts; readChunk does not copy', function* () {
    const big = enc.encode('abcdef');
    const rs = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(big);
        c.enqueue(enc.encode('gh'));
        c.close();
      },
    });
    const r = fromWebReadable(rs);
    const buf = new Uint8Array(4);
    assert.equal(yield* r.read(buf), 4);
    assert.equal(new TextDecoder().decode(yield* r.readChunk()), 'ef');
    const gh = yield* r.readChunk();
    assert.equal(new TextDecoder().decode(gh), 'gh');
    assert.equal(yield* r.readChunk(), undefined);
  });

  test('fromWebReadable: a stream error is an IoError; cancelling the reading task cancels the stream', function* () {
    const rs = new ReadableStream<Uint8Array>({
      pull(c) {
        c.error(new Error('upstream broke'));
      },
    });
    try {
      yield* fromWebReadable(rs).readToEnd();
      assert.fail('no error');
    } catch (e) {
      assert.ok(e instanceof IoError);
      assert.match(e.message, /upstream broke/);
    }
    let cancelled = false;
    const never = new ReadableStream<Uint8Array>({
      cancel() {
        cancelled = true;
      },
    });
    const r = fromWebReadable(never);
    const h = spawn(function* () {
      yield* r.read(new Uint8Array(1));
    });
    yield* yieldNow();
    h.abort();
    yield* call(() => Promise.resolve(h).catch(() => undefined));
    yield* settle();
    assert.equal(cancelled, true);
  });

  test('cancel safety: a web read that loses a select keeps the chunk for the next read', {
    startPaused: true,
  }, function* () {
    let ctl!: ReadableStreamDefaultController<Uint8Array>;
    const rs = new ReadableStream<Uint8Array>({
      start(c) {
        ctl = c;
      },
    });
    const r = fromWebReadable(rs);
    const s = yield* select({ r: r.read(new Uint8Array(4)), t: sleep(10) });
    assert.equal(s.key, 't');
    ctl.enqueue(enc.encode('late'));
    ctl.close();
    assert.equal(yield* r.readToString(), 'late');
  });

  test('fromWebWritable waits for ready (backpressure) and shutdown closes the stream', function* () {
    const release: (() => void)[] = [];
    const got: number[] = [];
    let closed = false;
    const ws = new WritableStream<Uint8Array>(
      {
        write(c) {
          got.push(c.length);
          return new Promise<void>((r) => release.push(r));
        },
        close() {
          closed = true;
        },
      },
      { highWaterMark: 1 },
    );
    const w = fromWebWritable(ws);
    assert.equal(yield* w.write(new Uint8Array(3)), 3);
    const h = spawn(function* () {
      return yield* w.write(new Uint8Array(2));
    });
    yield* settle();
    assert.equal(h.isFinished(), false, 'the second write waits while the queue is full');
    release.shift()!();
    assert.equal(yield* h, 2);
    yield* settle();
    release.shift()?.();
    yield* w.flush();
    yield* w.shutdown();
    assert.deepEqual(got, [3, 2]);
    assert.equal(closed, true);
  });

  test('cancel safety: a web write that loses a select wrote nothing', {
    startPaused: true,
  }, function* () {
    const release: (() => void)[] = [];
    const got: number[] = [];
    const ws = new WritableStream<Uint8Array>(
      {
        write(c) {
          got.push(c.length);
          return new Promise<void>((r) => release.push(r));
        },
      },
      { highWaterMark: 1 },
    );
    const w = fromWebWritable(ws);
    yield* w.write(new Uint8Array(1));
    const r = yield* select({ w: w.write(new Uint8Array(9)), t: sleep(5) });
    assert.equal(r.key, 't');
    release.shift()!();
    yield* w.flush();
    yield* settle();
    assert.deepEqual(got, [1], 'the cancelled write never reached the stream');
    w.close();
  });

  test('fromWebWritable: a sink error is an IoError; cancelling the writing task aborts the stream', function* () {
    const ws = new WritableStream<Uint8Array>({
      write() {
        throw new Error('sink broke');
      },
    });
    const w = fromWebWritable(ws);
    try {
      yield* w.write(new Uint8Array(1));
      yield* w.flush();
      yield* w.write(new Uint8Array(1));
      assert.fail('no error');
    } catch (e) {
      assert.ok(e instanceof IoError);
    }
    let ctl!: WritableStreamDefaultController;
    const stuck = new WritableStream<Uint8Array>(
      {
        start(c) {
          ctl = c;
        },
        write: () => new Promise<void>(() => {}),
      },
      { highWaterMark: 1 },
    );
    const w2 = fromWebWritable(stuck);
    yield* w2.write(new Uint8Array(1));
    const h = spawn(function* () {
      yield* w2.write(new Uint8Array(1));
    });
    yield* settle();
    h.abort();
    yield* call(() => Promise.resolve(h).catch(() => undefined));
    yield* settle();
    // (the sink's abort() runs once its in-flight write settles; the signal fires at once)
    assert.equal((ctl as unknown as { signal: AbortSignal }).signal.aborted, true);
  });

  test('toWebReadable and toWebWritable carry bytes; cancelling the web stream closes the reader', function* () {
    const [a, b] = duplex(64);
    yield* a.writeAll(enc.encode('as a Response'));
    a.close();
    assert.equal(yield* call(() => new Response(toWebReadable(b)).text()), 'as a Response');
    const [c, d] = duplex(1024);
    yield* call(() => new Blob(['into tokio-ts']).stream().pipeTo(toWebWritable(c)));
    assert.equal(yield* d.readToString(), 'into tokio-ts');
    let closed = false;
    class Never extends ReadBase {
      *read(): Future<number> {
        yield* sleep(1e9);
        return 0;
      }
      close() {
        closed = true;
      }
    }
    const rs = toWebReadable(new Never());
    const reader = rs.getReader();
    void reader.read().catch(() => undefined);
    yield* settle();
    yield* call(() => reader.cancel());
    yield* settle();
    assert.equal(closed, true);
  });

  test('a chunkSize that is not a positive integer is a RangeError, not a stream that ends at once', function* () {
    const [, b] = duplex(64);
    for (const chunkSize of [0, -1, 1.5, Number.NaN])
      assert.throws(() => toWebReadable(b, { chunkSize }), RangeError);
    yield* yieldNow();
  });

  test('toWebReadable is pull-based: nothing is read before the consumer asks', function* () {
    let reads = 0;
    class Counting extends ReadBase {
      *read(buf: Uint8Array): Future<number> {
        reads++;
        buf[0] = 1;
        return 1;
      }
    }
    const rs = toWebReadable(new Counting());
    yield* settle();
    assert.equal(reads, 0);
    const reader = rs.getReader();
    yield* call(() => reader.read());
    yield* settle();
    assert.equal(reads, 1);
    yield* call(() => reader.cancel());
  });
});

describe('fromEvents', () => {
  test('events become items; an end event ends the stream and removes the listeners', function* () {
    const em = new EventEmitter();
    const s = fromEvents<string>(em, 'data', { end: ['end'] });
    em.emit('data', 'a');
    em.emit('data', 'b', 'ignored second argument');
    em.emit('data');
    em.emit('end');
    em.emit('data', 'after the end');
    assert.deepEqual(yield* s.collect(), ['a', 'b', null]);
    assert.equal(em.listenerCount('data'), 0);
    assert.equal(em.listenerCount('end'), 0);
    assert.equal(em.listenerCount('error'), 0);
  });

  test('an error event is thrown by next() after the buffered events', function* () {
    const em = new EventEmitter();
    const s = fromEvents<number>(em, 'n');
    em.emit('n', 1);
    const boom = new Error('boom');
    em.emit('error', boom);
    assert.equal(yield* s.next(), 1);
    try {
      yield* s.next();
      assert.fail('no error');
    } catch (e) {
      assert.equal(e, boom);
    }
    assert.equal(yield* s.next(), undefined);
  });

  test("overflow: 'error' throws OverflowError after the buffered events; drop-oldest and drop-newest drop", function* () {
    const em = new EventEmitter();
    const e1 = fromEvents<number>(em, 'x', { capacity: 2 });
    const e2 = fromEvents<number>(em, 'x', { capacity: 2, overflow: 'drop-oldest' });
    const e3 = fromEvents<number>(em, 'x', { capacity: 2, overflow: 'drop-newest' });
    for (let i = 1; i <= 4; i++) em.emit('x', i);
    assert.equal(yield* e1.next(), 1);
    assert.equal(yield* e1.next(), 2);
    try {
      yield* e1.next();
      assert.fail('no overflow');
    } catch (e) {
      assert.ok(e instanceof OverflowError);
      assert.equal(e.kind, 'overflow');
    }
    assert.deepEqual(yield* e2.take(2).collect(), [3, 4]);
    assert.deepEqual(yield* e3.take(2).collect(), [1, 2]);
    e2.close();
    e3.close();
    assert.equal(em.listenerCount('x'), 0);
    assert.throws(() => fromEvents(em, 'x', { capacity: 0 }), RangeError);
    assert.throws(() => fromEvents({}, 'x'), TypeError);
  });

  test('an EventTarget works too', function* () {
    const et = new EventTarget();
    const s = fromEvents<Event>(et, 'ping');
    et.dispatchEvent(new Event('ping'));
    const ev = yield* s.next();
    assert.equal(ev?.type, 'ping');
    s.close();
  });

  test('cancelling the task waiting in next() removes the listener', function* () {
    const em = new EventEmitter();
    const s = fromEvents<number>(em, 'x');
    const h = spawn(function* () {
      return yield* s.next();
    });
    yield* yieldNow();
    assert.equal(em.listenerCount('x'), 1);
    h.abort();
    yield* call(() => Promise.resolve(h).catch(() => undefined));
    assert.equal(em.listenerCount('x'), 0);
  });

  test('cancel safety: a next() that loses a select loses no event', {
    startPaused: true,
  }, function* () {
    const em = new EventEmitter();
    const s = fromEvents<number>(em, 'x');
    const r = yield* select({ n: s.next(), t: sleep(5) });
    assert.equal(r.key, 't');
    em.emit('x', 7);
    assert.equal(yield* s.next(), 7);
    assert.equal(em.listenerCount('x'), 1);
    s.close();
  });
});
