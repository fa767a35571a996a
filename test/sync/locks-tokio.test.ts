// Ports of tokio/tests/sync_mutex.rs, sync_rwlock.rs and sync_barrier.rs (the
// cases not covered by the module tests), through the public API.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Future, spawn, yieldNow } from 'tokio-ts';
import { Barrier, Mutex, RwLock } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';
import { Elapsed, interval, timeout } from 'tokio-ts/time';

function* settle(): Future<void> {
  for (let i = 0; i < 3; i++) yield* yieldNow();
}

/** Spawns `fut` and tracks whether it has finished. */
function track<T>(fut: Future<T>): { done: boolean; value?: T; h: ReturnType<typeof spawn> } {
  const t: { done: boolean; value?: T; h: ReturnType<typeof spawn> } = {
    done: false,
    h: undefined as unknown as ReturnType<typeof spawn>,
  };
  t.h = spawn(function* () {
    t.value = yield* fut;
    t.done = true;
  });
  return t;
}

function* elapses(fut: Future<unknown>): Future<void> {
  try {
    yield* fut;
  } catch (e) {
    assert.ok(e instanceof Elapsed);
    return;
  }
  assert.fail('should time out');
}

describe('Mutex (ports of tokio sync_mutex.rs)', () => {
  test('aborted_future_1: a guard held by a timed-out future is released', {
    startPaused: true,
  }, function* () {
    const m = new Mutex(0);
    yield* elapses(
      timeout(1, function* () {
        const iv = interval(1000);
        using _g = yield* m.lock();
        yield* iv.tick();
        yield* iv.tick();
      }),
    );
    yield* timeout(1, function* () {
      using _g = yield* m.lock();
    });
  });

  test('aborted_future_2: a timed-out lock() waiting in the queue leaves no lock behind', {
    startPaused: true,
  }, function* () {
    const m = new Mutex(0);
    {
      using _lock = yield* m.lock();
      yield* elapses(
        timeout(1, function* () {
          using _g = yield* m.lock();
        }),
      );
    }
    yield* timeout(1, function* () {
      using _g = yield* m.lock();
    });
  });

  it('try_lock', () => {
    const m = new Mutex(0);
    const g1 = m.tryLock();
    assert.ok(g1);
    assert.equal(m.tryLock(), undefined);
    g1.release();
    assert.ok(m.tryLock());
  });
});

describe('RwLock (ports of tokio sync_rwlock.rs)', () => {
  test('read_shared, write_shared_pending, read_exclusive_pending, write_exclusive_pending', function* () {
    const l = new RwLock(100);
    const g1 = yield* l.read();
    const g2 = yield* l.read();
    assert.equal(l.tryWrite(), undefined);
    g1.release();
    g2.release();
    const w = yield* l.write();
    assert.equal(l.tryRead(), undefined);
    assert.equal(l.tryWrite(), undefined);
    w.release();
  });

  test('exhaust_reading: past maxReaders a reader waits until one is released', function* () {
    const l = new RwLock(100, { maxReaders: 1024 });
    const reads = [];
    for (let g = l.tryRead(); g !== undefined; g = l.tryRead()) reads.push(g);
    assert.equal(reads.length, 1024);
    const t = track(l.read());
    yield* settle();
    assert.equal(t.done, false);
    reads.pop()!.release();
    yield* t.h;
    assert.equal(t.done, true);
  });

  it('zero_max_readers: refused', () => {
    assert.throws(() => new RwLock(100, { maxReaders: 0 }), RangeError);
  });

  test('write_shared_drop: a waiting writer gets the lock when the reader goes', function* () {
    const l = new RwLock(100);
    const g1 = yield* l.read();
    const t = track(l.write());
    yield* settle();
    assert.equal(t.done, false);
    g1.release();
    yield* t.h;
    assert.equal(t.done, true);
  });

  test('write_read_shared_pending / write_read_shared_drop_pending: a queued writer blocks new readers until it leaves', function* () {
    const l = new RwLock(100);
    const g1 = yield* l.read();
    const g2 = yield* l.read();
    const w = track(l.write());
    yield* settle();
    const r = track(l.read());
    yield* settle();
    assert.deepEqual([w.done, r.done], [false, false]);
    w.h.abort(); // the writer gives up: the reader behind it gets in at once
    yield* r.h;
    assert.equal(r.done, true);
    g1.release();
    g2.release();
  });

  test('read_uncontested, write_uncontested and write_order', function* () {
    const l = new RwLock<number[]>([]);
    {
      using r = yield* l.read();
      assert.deepEqual(r.value, []);
    }
    const f2 = l.write();
    const f1 = l.write();
    {
      using g = yield* f1;
      g.value.push(1);
    }
    {
      using g = yield* f2;
      g.value.push(2);
    }
    using g = yield* l.read();
    assert.deepEqual(g.value, [1, 2]);
  });

  test('multithreaded (one thread): concurrent writers add up', function* () {
    const l = new RwLock(0);
    const b = new Barrier(5);
    for (const inc of [2, 3, 5, 7]) {
      spawn(function* () {
        for (let i = 0; i < 1000; i++) {
          using g = yield* l.write();
          g.value += inc;
          if (i % 100 === 0) yield* yieldNow();
        }
        yield* b.wait();
      });
    }
    yield* b.wait();
    using g = yield* l.read();
    assert.equal(g.value, 17_000);
  });
});

describe('Barrier (ports of tokio sync_barrier.rs)', () => {
  test('zero_does_not_block and single', function* () {
    for (const n of [0, 1]) {
      const b = new Barrier(n);
      for (let i = 0; i < 3; i++) assert.equal((yield* b.wait()).isLeader, true);
    }
  });

  test('tango: two waiters, one leader', function* () {
    const b = new Barrier(2);
    const a = track(b.wait());
    yield* settle();
    assert.equal(a.done, false);
    const r = yield* b.wait();
    yield* a.h;
    assert.equal(Number(r.isLeader) + Number(a.value!.isLeader), 1);
  });

  test('lots: ten generations of 100 waiters, exactly one leader each', function* () {
    const b = new Barrier(100);
    for (let round = 0; round < 10; round++) {
      const ws = [];
      for (let i = 0; i < 99; i++) ws.push(track(b.wait()));
      yield* settle();
      assert.ok(ws.every((w) => !w.done));
      let leaders = Number((yield* b.wait()).isLeader);
      for (const w of ws) {
        yield* w.h;
        leaders += Number(w.value!.isLeader);
      }
      assert.equal(leaders, 1);
    }
  });
});
