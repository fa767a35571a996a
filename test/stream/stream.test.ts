import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe } from 'node:test';
import { type Future, Runtime, spawn, yieldNow } from 'tokio-ts';
import { FramedRead, LinesCodec } from 'tokio-ts/codec';
import { call, select } from 'tokio-ts/future';
import { BufReader, duplex } from 'tokio-ts/io';
import { TcpListener, TcpStream } from 'tokio-ts/net';
import { SignalKind, signal } from 'tokio-ts/signal';
import { empty, iter, merge, once, pending, Stream } from 'tokio-ts/stream';
import { broadcast, mpsc, RecvError, watch } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';
import { Elapsed, Instant, interval, sleep, timeout } from 'tokio-ts/time';

const enc = new TextEncoder();

function* after<T>(ms: number, v: T): Future<T> {
  yield* sleep(ms);
  return v;
}

/** Milliseconds since `t0` on the runtime clock. */
const since = (t0: Instant) => Instant.now().durationSince(t0);

describe('stream sources', () => {
  test('iter, once, empty: items then undefined, and undefined stays undefined', function* () {
    const s = iter([1, 2]);
    assert.equal(yield* s.next(), 1);
    assert.equal(yield* s.next(), 2);
    assert.equal(yield* s.next(), undefined);
    assert.equal(yield* s.next(), undefined);
    assert.deepEqual(yield* once('x').collect(), ['x']);
    assert.deepEqual(yield* empty().collect(), []);
    assert.deepEqual(yield* iter('ab').collect(), ['a', 'b']);
    assert.throws(() => iter(5 as unknown as number[]), TypeError);
    assert.throws(() => once(undefined), TypeError);
  });

  test('an undefined item in an iterable is a TypeError, not a silent end', function* () {
    let err: unknown;
    try {
      yield* iter([1, undefined]).collect();
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof TypeError);
  });

  test('pending never yields: a timeout around it elapses at the exact instant', {
    startPaused: true,
  }, function* () {
    const t0 = Instant.now();
    const s = pending<number>();
    try {
      yield* timeout(50, s.next());
      assert.fail('pending yielded');
    } catch (e) {
      assert.ok(e instanceof Elapsed);
    }
    assert.equal(since(t0), 50);
  });

  test('Stream.from(mpsc receiver) yields the messages and ends when the senders close; close() closes the receiver', function* () {
    const [tx, rx] = mpsc.channel<number>(4);
    const s = Stream.from(rx);
    yield* tx.send(1);
    yield* tx.send(2);
    assert.equal(yield* s.next(), 1);
    s.close();
    assert.equal(tx.isClosed(), true);
    assert.equal(yield* s.next(), 2, 'buffered messages stay readable');
    assert.equal(yield* s.next(), undefined);
  });

  test('Stream.from(broadcast receiver): a lag is thrown once, then the stream goes on; the end is undefined', function* () {
    const [tx, rx] = broadcast.channel<number>(2);
    const s = Stream.from(rx);
    for (let i = 0; i < 4; i++) tx.send(i);
    try {
      yield* s.next();
      assert.fail('no lag');
    } catch (e) {
      assert.ok(e instanceof RecvError);
      assert.equal(e.kind, 'lagged');
      assert.equal(e.skipped, 2);
    }
    assert.equal(yield* s.next(), 2);
    assert.equal(yield* s.next(), 3);
    tx.close();
    assert.equal(yield* s.next(), undefined);
  });

  test('Stream.from(watch receiver) yields the current value at once, then each change, then ends when the sender closes', function* () {
    const [tx, rx] = watch.channel('a');
    const s = Stream.from(rx);
    assert.equal(yield* s.next(), 'a');
    tx.send('b');
    assert.equal(yield* s.next(), 'b');
    tx.send('c');
    tx.send('d');
    assert.equal(yield* s.next(), 'd', 'changes coalesce: the latest value');
    tx.close();
    assert.equal(yield* s.next(), undefined);
  });

  test('Stream.from(interval) yields each tick at its exact instant', {
    startPaused: true,
  }, function* () {
    const t0 = Instant.now();
    const s = Stream.from(interval(100)).take(3);
    const at: number[] = [];
    for (let v: Instant | undefined; (v = yield* s.next()) !== undefined; )
      at.push(v.durationSince(t0));
    assert.deepEqual(at, [0, 100, 200]);
  });

  test('Stream.from(TcpListener) yields accepted connections; close() closes the listener and ends it', function* () {
    const l = yield* TcpListener.bind('127.0.0.1:0');
    const s = Stream.from(l);
    const c = yield* TcpStream.connect(l.localAddr());
    const conn = yield* s.next();
    assert.ok(conn instanceof TcpStream);
    yield* c.writeAll(enc.encode('hi'));
    const buf = new Uint8Array(2);
    yield* conn.readExact(buf);
    assert.equal(new TextDecoder().decode(buf), 'hi');
    s.close();
    assert.equal(yield* s.next(), undefined);
    conn.close();
    c.close();
  });

  test('Stream.from(Lines) and Stream.from(FramedRead) yield lines and frames', function* () {
    const [a, b] = duplex(64);
    yield* a.writeAll(enc.encode('x\ny\n'));
    a.close();
    assert.deepEqual(yield* Stream.from(new BufReader(b).lines()).collect(), ['x', 'y']);
    const [c, d] = duplex(64);
    yield* c.writeAll(enc.encode('p\nq\n'));
    c.close();
    assert.deepEqual(yield* Stream.from(new FramedRead(d, new LinesCodec())).collect(), ['p', 'q']);
  });

  test('Stream.from(Node object-mode Readable) yields its objects; close() destroys it', function* () {
    const r = Readable.from([{ a: 1 }, { a: 2 }, { a: 3 }]);
    const s = Stream.from<{ a: number }>(r);
    assert.deepEqual(yield* s.next(), { a: 1 });
    s.close();
    yield* yieldNow();
    assert.equal(r.destroyed, true);
    const all = yield* Stream.from<number>(Readable.from([1, 2, 3])).collect();
    assert.deepEqual(all, [1, 2, 3]);
  });

  test('Stream.from(web ReadableStream) yields its chunks; close() cancels it', function* () {
    let cancelled = false;
    let i = 0;
    const rs = new ReadableStream<number>({
      pull(c) {
        c.enqueue(++i);
      },
      cancel() {
        cancelled = true;
      },
    });
    const s = Stream.from(rs);
    assert.deepEqual(yield* s.take(3).collect(), [1, 2, 3]);
    s.close();
    for (let k = 0; k < 5 && !cancelled; k++) yield* yieldNow();
    assert.equal(cancelled, true);
  });

  test('Stream.from(signal stream) yields the SignalKind per delivery; close() ends it', function* () {
    const s = Stream.from(signal(SignalKind.userDefined2()));
    process.kill(process.pid, 'SIGUSR2');
    const k = yield* s.next();
    assert.equal(k?.name, 'SIGUSR2');
    s.close();
    assert.equal(yield* s.next(), undefined);
  });

  test('Stream.from refuses what it cannot stream with a TypeError', function* () {
    assert.throws(() => Stream.from(42 as never), TypeError);
    assert.throws(() => Stream.from(null as never), TypeError);
  });
});

describe('stream adapters', () => {
  test('map, filter, filterMap, take, takeWhile, skip, skipWhile, chain, zip', function* () {
    const s = () => iter([1, 2, 3, 4, 5]);
    assert.deepEqual(
      yield* s()
        .map((x) => x * 2)
        .collect(),
      [2, 4, 6, 8, 10],
    );
    assert.deepEqual(
      yield* s()
        .filter((x) => x % 2 === 1)
        .collect(),
      [1, 3, 5],
    );
    assert.deepEqual(
      yield* s()
        .filterMap((x) => (x > 3 ? `${x}` : undefined))
        .collect(),
      ['4', '5'],
    );
    assert.deepEqual(yield* s().take(2).collect(), [1, 2]);
    assert.deepEqual(yield* s().take(0).collect(), []);
    assert.deepEqual(
      yield* s()
        .takeWhile((x) => x < 3)
        .collect(),
      [1, 2],
    );
    assert.deepEqual(yield* s().skip(3).collect(), [4, 5]);
    assert.deepEqual(
      yield* s()
        .skipWhile((x) => x < 4)
        .collect(),
      [4, 5],
    );
    assert.deepEqual(
      yield* iter([1, 9, 1])
        .skipWhile((x) => x < 4)
        .collect(),
      [9, 1],
    );
    assert.deepEqual(
      yield* iter([1])
        .chain(iter([2, 3]))
        .collect(),
      [1, 2, 3],
    );
    assert.deepEqual(yield* s().zip(iter('ab')).collect(), [
      [1, 'a'],
      [2, 'b'],
    ]);
  });

  test('for await from plain async code drives the stream on the caller runtime; break closes it', function* () {
    const [tx, rx] = mpsc.unboundedChannel<number>();
    for (let i = 1; i <= 5; i++) tx.send(i);
    const mine = Runtime.current();
    const s = Stream.from(rx).map((x) => {
      assert.equal(Runtime.current(), mine, 'driven on the test runtime, not the default one');
      return x * 10;
    });
    const got = yield* call(async () => {
      const out: number[] = [];
      for await (const v of s) {
        out.push(v);
        if (out.length === 3) break;
      }
      return out;
    });
    assert.deepEqual(got, [10, 20, 30]);
    assert.equal(tx.isClosed(), true, 'breaking out closed the receiver');
  });

  test('for await over a merged stream gets every item (its tasks are not owned by the per-item driver)', function* () {
    const m = merge(iter([1, 2]), iter([3, 4])).map((x) => x * 10);
    const got = yield* call(async () => {
      const out: number[] = [];
      for await (const v of m) out.push(v);
      return out;
    });
    assert.deepEqual(got.sort(), [10, 20, 30, 40]);
  });

  test('take(n) stops pulling the source after n items', function* () {
    let pulled = 0;
    const src = iter([1, 2, 3, 4]).map((x) => {
      pulled++;
      return x;
    });
    assert.deepEqual(yield* src.take(2).collect(), [1, 2]);
    assert.equal(pulled, 2);
  });

  test('map returning undefined is a TypeError; bad arguments are typed errors', function* () {
    let err: unknown;
    try {
      yield* iter([1])
        .map(() => undefined)
        .collect();
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof TypeError);
    assert.throws(() => iter([1]).map(5 as never), TypeError);
    assert.throws(() => iter([1]).take(-1), RangeError);
    assert.throws(() => iter([1]).throttle(Number.NaN), RangeError);
    assert.throws(() => iter([1]).chunksTimeout(0, 5), RangeError);
    assert.throws(() => iter([sleep(1)]).bufferUnordered(0), RangeError);
    assert.throws(() => iter([1]).chain([2] as never), TypeError);
  });

  test('then runs an async function per item, in order', { startPaused: true }, function* () {
    const t0 = Instant.now();
    const s = iter([3, 1, 2]).then((ms) => after(ms * 10, ms));
    assert.deepEqual(yield* s.collect(), [3, 1, 2]);
    assert.equal(since(t0), 60);
  });

  test('fuse: after the end the source is not polled again', function* () {
    let polls = 0;
    class Flaky extends Stream<number> {
      *next(): Future<number | undefined> {
        polls++;
        return polls === 2 ? 7 : undefined;
      }
    }
    const f = new Flaky().fuse();
    assert.equal(yield* f.next(), undefined);
    assert.equal(yield* f.next(), undefined);
    assert.equal(polls, 1);
  });

  test('peekable: peek does not take; nextIf takes only a match', function* () {
    const s = iter([1, 2, 3]).peekable();
    assert.equal(yield* s.peek(), 1);
    assert.equal(yield* s.peek(), 1);
    assert.equal(yield* s.nextIf((x) => x > 1), undefined);
    assert.equal(yield* s.nextIf((x) => x === 1), 1);
    assert.equal(yield* s.next(), 2);
    assert.deepEqual(yield* s.collect(), [3]);
    assert.equal(yield* s.peek(), undefined);
  });

  test('terminal futures: fold, count, any, all, forEach', function* () {
    assert.equal(yield* iter([1, 2, 3]).fold(10, (a, x) => a + x), 16);
    assert.equal(yield* iter('abc').count(), 3);
    let seen = 0;
    const counted = iter([1, 2, 3]).map((x) => {
      seen++;
      return x;
    });
    assert.equal(yield* counted.any((x) => x === 2), true);
    assert.equal(seen, 2, 'any stops at the first match');
    assert.equal(yield* iter([1, 2]).any((x) => x > 5), false);
    assert.equal(yield* iter([2, 4]).all((x) => x % 2 === 0), true);
    assert.equal(yield* iter([2, 3]).all((x) => x % 2 === 0), false);
    const out: number[] = [];
    yield* iter([1, 2]).forEach((x) => {
      out.push(x);
    });
    yield* iter([3]).forEach(function* (x) {
      yield* yieldNow();
      out.push(x);
    });
    assert.deepEqual(out, [1, 2, 3]);
  });
});

describe('stream time adapters', () => {
  test('timeout yields Elapsed in place of a late item, and the stream goes on', {
    startPaused: true,
  }, function* () {
    const t0 = Instant.now();
    const [tx, rx] = mpsc.unboundedChannel<string>();
    const h = spawn(function* () {
      yield* sleep(30);
      tx.send('a');
      yield* sleep(150);
      tx.send('b');
      tx.close();
    });
    const s = Stream.from(rx).timeout(100);
    const got: [string, number][] = [];
    for (let v: string | Elapsed | undefined; (v = yield* s.next()) !== undefined; )
      got.push([v instanceof Elapsed ? 'elapsed' : v, since(t0)]);
    assert.deepEqual(got, [
      ['a', 30],
      ['elapsed', 130],
      ['b', 180],
    ]);
    yield* h;
  });

  test('return_elapsed_errors_only_once: a silent source gives one Elapsed per gap, then the next item', {
    startPaused: true,
  }, function* () {
    const t0 = Instant.now();
    const [tx, rx] = mpsc.unboundedChannel<number>();
    const h = spawn(function* () {
      yield* sleep(500);
      tx.send(1);
      tx.close();
    });
    const s = Stream.from(rx).timeout(100);
    const got: [string, number][] = [];
    for (let v: number | Elapsed | undefined; (v = yield* s.next()) !== undefined; )
      got.push([v instanceof Elapsed ? 'elapsed' : String(v), since(t0)]);
    assert.deepEqual(got, [
      ['elapsed', 100],
      ['1', 500],
    ]);
    yield* h;
  });

  test('throttle: the first item at once, then at least ms apart (Tokio throttle)', {
    startPaused: true,
  }, function* () {
    const t0 = Instant.now();
    const s = iter([1, 2, 3]).throttle(100);
    const at: number[] = [];
    for (let v: number | undefined; (v = yield* s.next()) !== undefined; ) at.push(since(t0));
    assert.deepEqual(at, [0, 100, 200]);
    assert.equal(since(t0), 300, 'the poll that finds the end waited too, as in Tokio');
  });

  test('throttle waits before it polls the source, so a slow item comes after the delay plus its own time (as Tokio)', {
    startPaused: true,
  }, function* () {
    const t0 = Instant.now();
    const s = iter([50, 10])
      .then((ms) => after(ms * 4, ms))
      .throttle(100);
    assert.equal(yield* s.next(), 50);
    assert.equal(since(t0), 200);
    assert.equal(yield* s.next(), 10);
    assert.equal(since(t0), 340, 'waited the throttle (to 300), then the 40 ms item');
  });

  test('chunksTimeout: a chunk when full, or ms after its first item, or at the end', {
    startPaused: true,
  }, function* () {
    const t0 = Instant.now();
    const [tx, rx] = mpsc.unboundedChannel<number>();
    const h = spawn(function* () {
      tx.send(1);
      tx.send(2);
      tx.send(3);
      yield* sleep(10);
      tx.send(4);
      yield* sleep(100);
      tx.send(5);
      tx.close();
    });
    const s = Stream.from(rx).chunksTimeout(3, 50);
    const got: [number[], number][] = [];
    for (let v: number[] | undefined; (v = yield* s.next()) !== undefined; )
      got.push([v, since(t0)]);
    assert.deepEqual(got, [
      [[1, 2, 3], 0],
      [[4], 60],
      [[5], 110],
    ]);
    yield* h;
  });
});

describe('stream concurrency adapters', () => {
  test('buffered(n): n in flight, values in the source order', { startPaused: true }, function* () {
    const t0 = Instant.now();
    let running = 0;
    let most = 0;
    const job = function* (ms: number): Future<number> {
      running++;
      most = Math.max(most, running);
      yield* sleep(ms);
      running--;
      return ms;
    };
    const s = iter([40, 10, 30, 20]).map(job).buffered(2);
    const got: [number, number][] = [];
    for (let v: number | undefined; (v = yield* s.next()) !== undefined; ) got.push([v, since(t0)]);
    assert.deepEqual(got, [
      [40, 40],
      [10, 40],
      [30, 70],
      [20, 70],
    ]);
    assert.equal(most, 2);
  });

  test('bufferUnordered(n): n in flight, values as they finish', {
    startPaused: true,
  }, function* () {
    const t0 = Instant.now();
    const s = iter([40, 10, 30, 20])
      .map((ms) => after(ms, ms))
      .bufferUnordered(2);
    const got: [number, number][] = [];
    for (let v: number | undefined; (v = yield* s.next()) !== undefined; ) got.push([v, since(t0)]);
    assert.deepEqual(got, [
      [10, 10],
      [40, 40],
      [30, 40],
      [20, 60],
    ]);
  });

  test('buffered: a failing future is thrown by next() with its own error', function* () {
    const s = iter([1, 2]).map(function* (x): Future<number> {
      yield* yieldNow();
      if (x === 2) throw new Error('boom');
      return x;
    });
    const b = s.buffered(2);
    assert.equal(yield* b.next(), 1);
    try {
      yield* b.next();
      assert.fail('no error');
    } catch (e) {
      assert.equal((e as Error).message, 'boom');
    }
    b.close();
  });

  test('bufferUnordered: a failing future ends the stream with its error', function* () {
    const b = iter([1])
      .map(function* (): Future<number> {
        throw new Error('boom');
      })
      .bufferUnordered(2);
    try {
      yield* b.next();
      assert.fail('no error');
    } catch (e) {
      assert.equal((e as Error).message, 'boom');
    }
  });

  test('merge: every item of every stream, interleaved as they come; ends when all end', {
    startPaused: true,
  }, function* () {
    const t0 = Instant.now();
    const a = iter([10, 30]).then((ms) => after(ms, `a${ms}`));
    const b = iter([20]).then((ms) => after(ms, `b${ms}`));
    const got: [string, number][] = [];
    const m = merge(a, b, empty());
    for (let v: string | undefined; (v = yield* m.next()) !== undefined; ) got.push([v, since(t0)]);
    assert.deepEqual(got, [
      ['a10', 10],
      ['b20', 20],
      ['a30', 40],
    ]);
    assert.deepEqual(
      (yield* iter([1])
        .merge(iter([2]))
        .collect()).sort(),
      [1, 2],
    );
  });

  test('merge: a source that throws ends the merge with its error', function* () {
    class Bad extends Stream<number> {
      *next(): Future<number | undefined> {
        yield* yieldNow();
        throw new Error('bad source');
      }
    }
    const m = merge(pending<number>(), new Bad());
    try {
      yield* m.next();
      assert.fail('no error');
    } catch (e) {
      assert.equal((e as Error).message, 'bad source');
    }
    assert.equal(yield* m.next(), undefined);
  });

  test('merge: close() aborts the forwarding tasks and closes the sources', function* () {
    const [, rx] = mpsc.channel<number>(1);
    const m = merge(Stream.from(rx), pending<number>());
    yield* select({ n: m.next(), y: yieldNow() });
    m.close();
    for (let i = 0; i < 3; i++) yield* yieldNow();
    assert.equal(rx.isClosed(), true);
    // the test harness fails if a forwarding task is still alive
  });

  test('merge: the tasks of a stream never closed end with the task that polled it first', function* () {
    const h = spawn(function* () {
      const m = merge(pending<number>(), pending<number>());
      yield* select({ n: m.next(), y: yieldNow() });
      return 'done without close()';
    });
    assert.equal(yield* h, 'done without close()');
    // the harness checks that no forwarding task is left running
  });

  test('buffered and bufferUnordered: close() cancels the futures in flight (their finally runs)', {
    startPaused: true,
  }, function* () {
    let cleaned = 0;
    const job = function* (ms: number): Future<number> {
      try {
        yield* sleep(ms);
        return ms;
      } finally {
        cleaned++;
      }
    };
    const b = iter([100, 200, 300]).map(job).buffered(2);
    const u = iter([100, 200, 300]).map(job).bufferUnordered(2);
    yield* select({ b: b.next(), t: sleep(10) });
    yield* select({ u: u.next(), t: sleep(10) });
    b.close();
    u.close();
    yield* sleep(1);
    assert.equal(cleaned, 4, 'two in flight per stream, all cancelled; the third never started');
  });

  test('forEach({ concurrency }) runs up to n calls at once and waits for all', {
    startPaused: true,
  }, function* () {
    const t0 = Instant.now();
    let running = 0;
    let most = 0;
    const ends: number[] = [];
    yield* iter([30, 10, 20, 10]).forEach(
      function* (ms) {
        running++;
        most = Math.max(most, running);
        yield* sleep(ms);
        running--;
        ends.push(since(t0));
      },
      { concurrency: 2 },
    );
    assert.equal(most, 2);
    assert.deepEqual(ends, [10, 30, 30, 40]);
    assert.equal(since(t0), 40);
    assert.throws(() => iter([1]).forEach(() => {}, { concurrency: 0 }), RangeError);
  });

  test('forEach({ concurrency }): the first error cancels the running calls and is thrown', {
    startPaused: true,
  }, function* () {
    let cleaned = 0;
    try {
      yield* iter([1, 2, 3]).forEach(
        function* (x) {
          try {
            yield* sleep(x * 10);
            if (x === 1) throw new Error('first');
          } finally {
            cleaned++;
          }
        },
        { concurrency: 3 },
      );
      assert.fail('no error');
    } catch (e) {
      assert.equal((e as Error).message, 'first');
    }
    assert.equal(cleaned, 3, 'the other calls were cancelled and their finally ran');
  });
});

describe('stream cancel safety', () => {
  test('cancel safety: map over a receiver loses no item when next() loses a select', function* () {
    const [tx, rx] = mpsc.unboundedChannel<number>();
    const s = Stream.from(rx).map((x) => x * 2);
    const r = yield* select({ v: s.next(), other: yieldNow() }, { biased: true });
    assert.equal(r.key, 'other');
    tx.send(1);
    tx.close();
    assert.deepEqual(yield* s.collect(), [2]);
  });

  test('cancel safety: zip keeps the first stream item taken while the second was awaited', {
    startPaused: true,
  }, function* () {
    const [tx, rx] = mpsc.unboundedChannel<string>();
    const z = iter([1, 2]).zip(Stream.from(rx));
    const r = yield* select({ v: z.next(), t: sleep(10) });
    assert.equal(r.key, 't');
    tx.send('a');
    tx.send('b');
    assert.deepEqual(yield* z.next(), [1, 'a']);
    assert.deepEqual(yield* z.next(), [2, 'b']);
    tx.close();
  });

  test('cancel safety: an async iterable keeps the promise of a cancelled next()', function* () {
    let resolve!: (v: IteratorResult<number>) => void;
    let calls = 0;
    const it: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          calls++;
          return new Promise<IteratorResult<number>>((r) => {
            resolve = r;
          });
        },
      }),
    };
    const s = Stream.from(it);
    const r = yield* select({ v: s.next(), y: yieldNow() }, { biased: true });
    assert.equal(r.key, 'y');
    resolve({ done: false, value: 7 });
    assert.equal(yield* s.next(), 7);
    assert.equal(calls, 1, 'the item of the cancelled next() was not dropped');
  });

  test('cancel safety: chunksTimeout keeps the items of a chunk across a cancelled next()', {
    startPaused: true,
  }, function* () {
    const [tx, rx] = mpsc.unboundedChannel<number>();
    const s = Stream.from(rx).chunksTimeout(3, 100);
    tx.send(1);
    const r = yield* select({ v: s.next(), t: sleep(10) });
    assert.equal(r.key, 't');
    tx.send(2);
    tx.send(3);
    assert.deepEqual(yield* s.next(), [1, 2, 3]);
    tx.close();
  });

  test('cancel safety: buffered keeps the head result across a cancelled next()', {
    startPaused: true,
  }, function* () {
    const b = iter([50, 10])
      .map((ms) => after(ms, ms))
      .buffered(2);
    const r = yield* select({ v: b.next(), t: sleep(20) });
    assert.equal(r.key, 't');
    assert.deepEqual(yield* b.collect(), [50, 10]);
  });

  test('cancel safety: bufferUnordered and merge lose no finished value to a cancelled next()', {
    startPaused: true,
  }, function* () {
    const b = iter([10, 20])
      .map((ms) => after(ms, ms))
      .bufferUnordered(2);
    const r = yield* select({ v: b.next(), t: sleep(5) });
    assert.equal(r.key, 't');
    assert.deepEqual(yield* b.collect(), [10, 20]);
    const m = merge(iter([1]), iter([2]));
    yield* select({ v: m.next(), y: yieldNow() }, { biased: true });
    assert.deepEqual((yield* m.collect()).sort(), [1, 2]);
  });

  test('cancel safety: throttle cancelled during its delay still yields the next item', {
    startPaused: true,
  }, function* () {
    const t0 = Instant.now();
    const s = iter([1, 2]).throttle(100);
    assert.equal(yield* s.next(), 1);
    const r = yield* select({ v: s.next(), t: sleep(30) });
    assert.equal(r.key, 't');
    assert.equal(yield* s.next(), 2);
    assert.equal(since(t0), 100);
  });
  test('cancel safety: timeout, filter, skip and peek over a receiver lose nothing to a cancelled next()', {
    startPaused: true,
  }, function* () {
    const [tx, rx] = mpsc.unboundedChannel<number>();
    const s = Stream.from(rx)
      .filter((x) => x !== 0)
      .skip(1)
      .timeout(1000)
      .peekable();
    for (let i = 0; i < 3; i++) {
      const r = yield* select({ v: i === 2 ? s.peek() : s.next(), t: sleep(5) });
      assert.equal(r.key, 't');
    }
    tx.send(1);
    tx.send(0);
    tx.send(2);
    tx.send(3);
    tx.close();
    assert.equal(yield* s.peek(), 2);
    assert.deepEqual(yield* s.collect(), [2, 3]);
  });
});
