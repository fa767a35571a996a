import assert from 'node:assert/strict';
import { after, before, describe, test as nodeTest } from 'node:test';
import { Runtime, spawn, yieldNow } from 'tokio-ts';
import { select } from 'tokio-ts/future';
import {
  AtomicCounter,
  SharedMutex,
  SharedSemaphore,
  SharedSendError,
  sharedChannel,
} from 'tokio-ts/sync/shared';
import { test } from 'tokio-ts/test';
import type { MultiThreadRuntime } from 'tokio-ts/worker';
import { consume, lockedIncrement, produce } from '../worker/fixtures/tasks.js';

const LONG = process.env.TOKIO_TS_STRESS === 'long';

describe('sharedChannel on one thread', () => {
  test('delivers numbers, strings, booleans, null and cloned objects in order', function* () {
    const [tx, rx] = sharedChannel<unknown>(8);
    const vals = [1.5, 'héllo', true, false, null, { a: [1, 2] }, new Map([[1, 'x']])];
    for (const v of vals) yield* tx.send(v);
    for (const v of vals) assert.deepEqual(yield* rx.recv(), v);
  });

  test('trySend reports full at capacity and recv returns undefined after the last sender closes', function* () {
    const [tx, rx] = sharedChannel<number>(2);
    assert.equal(tx.trySend(1), 'ok');
    assert.equal(tx.trySend(2), 'ok');
    assert.equal(tx.trySend(3), 'full');
    const tx2 = tx.clone();
    tx.close();
    assert.equal(yield* rx.recv(), 1);
    tx2.close();
    assert.equal(yield* rx.recv(), 2);
    assert.equal(yield* rx.recv(), undefined);
    assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'disconnected' });
  });

  test('a sender waiting on a full channel resumes when a message is received', function* () {
    const [tx, rx] = sharedChannel<number>(2);
    yield* tx.send(1);
    yield* tx.send(2);
    const h = spawn(function* () {
      yield* tx.send(3);
      return 'sent';
    });
    yield* yieldNow();
    assert.equal(h.isFinished(), false);
    assert.equal(yield* rx.recv(), 1);
    assert.equal(yield* h, 'sent');
    assert.equal(yield* rx.recv(), 2);
    assert.equal(yield* rx.recv(), 3);
  });

  test('send after the receiver closed throws SharedSendError with the value', function* () {
    const [tx, rx] = sharedChannel<number>(1);
    rx.close();
    try {
      yield* tx.send(9);
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof SharedSendError);
      assert.equal(e.value, 9);
    }
  });

  test('bad input throws typed errors', function* () {
    assert.throws(() => sharedChannel(0), RangeError);
    const [tx] = sharedChannel<unknown>(1, { slotBytes: 32 });
    assert.throws(() => tx.trySend(undefined), TypeError);
    assert.throws(() => tx.trySend({ big: 'x'.repeat(100) }), RangeError);
  });

  test('cancel safety: a recv cancelled after its wake-up takes nothing', function* () {
    const [tx, rx] = sharedChannel<number>(4);
    const h = spawn(function* () {
      return yield* rx.recv();
    });
    yield* yieldNow(); // parked in recv
    tx.trySend(7); // wakes it (through the event loop)
    h.abort(); // cancelled before it resumed
    try {
      yield* h;
    } catch {}
    assert.deepEqual(rx.tryRecv(), { ok: true, value: 7 }, 'the message is still there');
  });

  test('cancel safety: a send cancelled after its wake-up sends nothing', function* () {
    const [tx, rx] = sharedChannel<number>(2);
    tx.trySend(1);
    tx.trySend(2);
    const h = spawn(function* () {
      yield* tx.send(3);
    });
    yield* yieldNow(); // parked: the channel is full
    assert.equal(rx.tryRecv().ok, true); // room now: the sender is woken
    h.abort(); // cancelled before it resumed
    try {
      yield* h;
    } catch {}
    assert.deepEqual(rx.tryRecv(), { ok: true, value: 2 });
    assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'empty' }, '3 was never sent');
  });

  test('cancel safety: select with a ready branch leaves the message in the channel', function* () {
    const [tx, rx] = sharedChannel<number>(4);
    const r = yield* select(
      {
        now: (function* () {
          return 0;
        })(),
        msg: rx.recv(),
      },
      { biased: true },
    );
    assert.equal(r.key, 'now');
    tx.trySend(3);
    assert.equal(yield* rx.recv(), 3);
  });

  test('SharedSemaphore: acquire waits for a release, tryAcquire is non-blocking', function* () {
    const sem = new SharedSemaphore(1);
    const p = sem.tryAcquire()!;
    assert.equal(sem.tryAcquire(), undefined);
    const h = spawn(function* () {
      const q = yield* sem.acquire();
      q.release();
      return 'got it';
    });
    yield* yieldNow();
    assert.equal(h.isFinished(), false);
    p.release();
    assert.equal(yield* h, 'got it');
    assert.equal(sem.availablePermits(), 1);
  });

  test('cancel safety: an aborted lock() after its wake-up leaves the mutex free', function* () {
    const m = new SharedMutex();
    const g = m.tryLock()!;
    const h = spawn(function* () {
      const g2 = yield* m.lock();
      g2.release();
    });
    yield* yieldNow();
    g.release();
    h.abort();
    try {
      yield* h;
    } catch {}
    assert.equal(m.isLocked(), false);
    assert.ok(m.tryLock() !== undefined);
  });
});

describe('shared primitives across worker threads', () => {
  let rt: MultiThreadRuntime;
  before(() => {
    rt = Runtime.builder().multiThread().workerThreads(2).build() as MultiThreadRuntime;
  });
  after(() => rt.shutdown(2000));

  nodeTest(
    '2 producers and 2 consumers on different workers: every message exactly once',
    async () => {
      const N = LONG ? 1_000_000 : 50_000;
      const marks = new Uint8Array(new SharedArrayBuffer(N));
      const [tx, rx] = sharedChannel<number>(1024);
      const res = await rt.blockOn(function* () {
        // pinned tasks go round-robin: consecutive spawns land on different workers
        const p1 = spawn(produce, tx.clone(), 0, N / 2);
        const p2 = spawn(produce, tx.clone(), N / 2, N / 2);
        const c1 = spawn(consume, rx, marks);
        const c2 = spawn(consume, rx, marks);
        tx.close();
        const a = yield* c1;
        const b = yield* c2;
        yield* p1;
        yield* p2;
        return [a, b];
      });
      const [a, b] = res as { n: number; sum: number; thread: number }[];
      assert.equal(a!.n + b!.n, N);
      assert.equal(a!.sum + b!.sum, (N * (N - 1)) / 2);
      assert.notEqual(a!.thread, b!.thread, 'the consumers ran on different workers');
      let bad = 0;
      for (let i = 0; i < N; i++) if (marks[i] !== 1) bad++;
      assert.equal(bad, 0, 'each value received exactly once');
    },
  );

  nodeTest(
    'SharedMutex and AtomicCounter keep a shared cell consistent across workers',
    async () => {
      const m = new SharedMutex();
      const cell = new Int32Array(new SharedArrayBuffer(4));
      const counter = new AtomicCounter();
      const times = 200;
      const threads = await rt.blockOn(function* () {
        const hs = [1, 2, 3, 4].map(() => spawn(lockedIncrement, m, cell, counter, times));
        const out: number[] = [];
        for (const h of hs) out.push(yield* h);
        return out;
      });
      assert.equal(cell[0], 4 * times);
      assert.equal(counter.load(), 4 * times);
      assert.equal(new Set(threads).size, 2, 'both workers took part');
    },
  );
});
