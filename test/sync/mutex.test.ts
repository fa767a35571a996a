import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { JoinError, select, spawn, yieldNow } from 'tokio-ts';
import { GuardReleasedError, Mutex, Notify } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';
import { forSeeds, int, jitter, prng, settle } from './seeded.js';

describe('Mutex', () => {
  test('an uncontended lock completes without suspending', function* () {
    const m = new Mutex(1);
    let other = false;
    const h = spawn(function* () {
      other = true;
    });
    for (let i = 0; i < 50; i++) {
      const g = yield* m.lock();
      g.release();
    }
    assert.equal(other, false, 'the spawned task ran: lock() suspended');
    yield* h;
  });

  test('the guard reads and replaces the value', function* () {
    const m = new Mutex(1);
    const g = yield* m.lock();
    assert.equal(g.value, 1);
    g.value = 2;
    g.release();
    assert.equal(m.tryLock()?.value, 2);
  });

  test('a second lock waits until the guard is released, then is woken', function* () {
    const m = new Mutex(0);
    const g = yield* m.lock();
    let got = false;
    const h = spawn(function* () {
      const g2 = yield* m.lock();
      got = true;
      g2.release();
    });
    for (let i = 0; i < 5; i++) yield* yieldNow();
    assert.equal(got, false);
    g.release();
    yield* h;
    assert.equal(got, true);
  });

  test('releasing a guard twice is a no-op, not a double release', function* () {
    const m = new Mutex(0);
    const g = yield* m.lock();
    g.release();
    const g2 = m.tryLock();
    assert.ok(g2 !== undefined);
    g.release(); // must not unlock g2's lock
    assert.equal(m.tryLock(), undefined);
    g2.release();
    assert.ok(m.tryLock() !== undefined);
  });

  test('a released guard throws GuardReleasedError on access', function* () {
    const m = new Mutex(0);
    const g = yield* m.lock();
    g.release();
    assert.throws(() => g.value, GuardReleasedError);
    assert.throws(() => {
      g.value = 1;
    }, GuardReleasedError);
  });

  test('using releases the guard at the end of the block', function* () {
    const m = new Mutex(0);
    {
      using g = yield* m.lock();
      g.value++;
      assert.equal(m.tryLock(), undefined);
    }
    assert.equal(m.tryLock()?.value, 1);
  });

  test('tryLock does not jump the queue', function* () {
    const m = new Mutex(0);
    const g = yield* m.lock();
    const h = spawn(function* () {
      (yield* m.lock()).release();
    });
    yield* yieldNow();
    g.release(); // the lock is handed to the queued task
    assert.equal(m.tryLock(), undefined);
    yield* h;
    assert.ok(m.tryLock() !== undefined);
  });

  test('withLock releases after a generator callback and after a throw', function* () {
    const m = new Mutex<number[]>([]);
    const n = yield* m.withLock(function* (v) {
      v.push(1);
      yield* yieldNow();
      return v.length;
    });
    assert.equal(n, 1);
    assert.equal(yield* m.withLock((v) => v.length), 1);
    yield* m.withLock<number[]>((v) => {
      v.push(2);
      return [v.length]; // an array result is a value, not a Future
    });
    try {
      yield* m.withLock(() => {
        throw new Error('boom');
      });
      assert.fail('withLock should rethrow');
    } catch (e) {
      assert.equal((e as Error).message, 'boom');
    }
    assert.deepEqual(m.tryLock()?.value, [1, 2]);
  });

  test('1,000 waiters get the lock in FIFO order', function* () {
    const m = new Mutex<number[]>([]);
    const g = yield* m.lock();
    const hs = [];
    for (let i = 0; i < 1000; i++) {
      hs.push(
        spawn(function* () {
          const g2 = yield* m.lock();
          g2.value.push(i);
          yield* yieldNow();
          g2.release();
        }),
      );
    }
    yield* yieldNow(); // all queue
    g.release();
    for (const h of hs) yield* h;
    const order = m.tryLock()!.value;
    assert.deepEqual(
      order,
      Array.from({ length: 1000 }, (_, i) => i),
    );
  });

  test('a guard held by a task that is aborted is released by its finally', function* () {
    const m = new Mutex(0);
    const h = spawn(function* () {
      using _g = yield* m.lock();
      yield* new Notify().notified(); // forever
    });
    yield* yieldNow();
    assert.equal(m.tryLock(), undefined);
    h.abort();
    assert.equal(yield* settle(h), true);
    assert.ok(m.tryLock() !== undefined);
  });

  test('cancel safety: lock granted then aborted before resuming passes the lock on', function* () {
    const m = new Mutex(0);
    const g = yield* m.lock();
    const a = spawn(function* () {
      (yield* m.lock()).release();
      return 'a';
    });
    const b = spawn(function* () {
      const gb = yield* m.lock();
      gb.value = 7;
      gb.release();
    });
    yield* yieldNow();
    g.release(); // granted to a, which has not resumed yet
    a.abort();
    assert.equal(yield* settle(a), true);
    yield* b;
    const free = m.tryLock();
    assert.equal(free?.value, 7, 'the lock went to b and is free again');
  });

  test('cancel safety: lock granted to a select branch that loses is passed on', function* () {
    const m = new Mutex(0);
    const n = new Notify();
    const g = yield* m.lock();
    const a = spawn(function* () {
      const r = yield* select({ lock: m.lock(), other: n.notified() }, { biased: true });
      if (r.key === 'lock') r.value.release();
      return r.key;
    });
    const b = spawn(function* () {
      (yield* m.lock()).release();
    });
    yield* yieldNow();
    n.notifyOne(); // the other branch is woken first...
    g.release(); // ...then the lock branch is granted the lock
    assert.equal(yield* a, 'other');
    yield* b;
    assert.ok(m.tryLock() !== undefined, 'the lock was not leaked');
  });

  test('cancel safety: a cancelled queued waiter loses its place only', function* () {
    const m = new Mutex<string[]>([]);
    const g = yield* m.lock();
    const hs = ['a', 'b', 'c'].map((k) =>
      spawn(function* () {
        const g2 = yield* m.lock();
        g2.value.push(k);
        g2.release();
      }),
    );
    yield* yieldNow();
    hs[1]!.abort();
    yield* yieldNow();
    g.release();
    yield* hs[0]!;
    yield* hs[2]!;
    assert.ok((yield* settle(hs[1]!)) === true);
    assert.deepEqual(m.tryLock()?.value, ['a', 'c']);
  });

  test('mutual exclusion holds under 200 seeded schedules with aborts', function* () {
    yield* forSeeds('Mutex', function* (seed) {
      const rand = prng(seed);
      const m = new Mutex(0);
      let inside = 0;
      const hs = [];
      for (let t = 0; t < 6; t++) {
        hs.push(
          spawn(function* () {
            for (let k = 0; k < 4; k++) {
              yield* jitter(rand);
              const g = yield* m.lock();
              try {
                inside++;
                assert.equal(inside, 1, 'two tasks inside the lock');
                yield* jitter(rand);
                g.value++;
              } finally {
                inside--;
                g.release();
              }
            }
          }),
        );
      }
      const victim = int(rand, 6);
      yield* jitter(rand, 8);
      hs[victim]!.abort();
      let done = 0;
      for (const h of hs) if (!(yield* settle(h))) done++;
      const g = m.tryLock();
      assert.ok(g !== undefined, 'the lock leaked');
      assert.ok(g.value >= done * 4);
      g.release();
    });
  });

  test('joining an aborted waiter reports a cancelled JoinError', function* () {
    const m = new Mutex(0);
    const g = yield* m.lock();
    const h = spawn(m.lock());
    yield* yieldNow();
    h.abort();
    try {
      yield* h;
      assert.fail('expected cancellation');
    } catch (e) {
      assert.ok(e instanceof JoinError && e.isCancelled());
    }
    g.release();
    assert.ok(m.tryLock() !== undefined);
  });
});
