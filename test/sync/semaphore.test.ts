import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { select, spawn, yieldNow } from 'tokio-ts';
import { AcquireError, Notify, Semaphore, type SemaphorePermit } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';
import { forSeeds, int, jitter, prng, settle } from './seeded.js';

describe('Semaphore', () => {
  test('acquire takes a free permit at once and release gives it back', function* () {
    const sem = new Semaphore(2);
    const p = yield* sem.acquire();
    assert.equal(p.num, 1);
    assert.equal(sem.availablePermits(), 1);
    p.release();
    assert.equal(sem.availablePermits(), 2);
  });

  test('releasing a permit twice is a no-op', function* () {
    const sem = new Semaphore(1);
    const p = yield* sem.acquire();
    p.release();
    p.release();
    assert.equal(sem.availablePermits(), 1);
    using _q = yield* sem.acquire();
    assert.equal(sem.availablePermits(), 0);
  });

  test('forget drops the permits for good', function* () {
    const sem = new Semaphore(3);
    const p = yield* sem.acquireMany(2);
    p.forget();
    p.release();
    assert.equal(sem.availablePermits(), 1);
  });

  test('tryAcquire and tryAcquireMany return undefined when not available', function* () {
    const sem = new Semaphore(2);
    assert.equal(sem.tryAcquireMany(3), undefined);
    const p = sem.tryAcquireMany(2);
    assert.equal(p?.num, 2);
    assert.equal(sem.tryAcquire(), undefined);
    p!.release();
    assert.equal(sem.tryAcquire()?.num, 1);
  });

  test('acquireMany(0) completes at once even with no permits', function* () {
    const sem = new Semaphore(0);
    const p = yield* sem.acquireMany(0);
    assert.equal(p.num, 0);
  });

  test('bad permit counts throw RangeError or TypeError', function* () {
    assert.throws(() => new Semaphore(-1), RangeError);
    assert.throws(() => new Semaphore(1.5), RangeError);
    assert.throws(() => new Semaphore(Semaphore.MAX_PERMITS + 1), RangeError);
    const sem = new Semaphore(1);
    assert.throws(() => sem.acquireMany(-2), RangeError);
    assert.throws(() => sem.acquireMany('2' as unknown as number), TypeError);
    assert.throws(() => sem.addPermits(Semaphore.MAX_PERMITS), RangeError);
  });

  test('1,000 waiters are served in FIFO order', function* () {
    const sem = new Semaphore(0);
    const order: number[] = [];
    const hs = [];
    for (let i = 0; i < 1000; i++) {
      hs.push(
        spawn(function* () {
          const p = yield* sem.acquire();
          order.push(i);
          yield* yieldNow();
          p.release();
        }),
      );
    }
    yield* yieldNow();
    sem.addPermits(1);
    for (const h of hs) yield* h;
    assert.deepEqual(
      order,
      Array.from({ length: 1000 }, (_, i) => i),
    );
    assert.equal(sem.availablePermits(), 1);
  });

  test('a large acquireMany at the head blocks later small acquires', function* () {
    const sem = new Semaphore(2);
    const p1 = yield* sem.acquire();
    const p2 = yield* sem.acquire();
    const log: string[] = [];
    const big = spawn(function* () {
      const p = yield* sem.acquireMany(2);
      log.push('big');
      yield* yieldNow();
      p.release();
    });
    const small = spawn(function* () {
      const p = yield* sem.acquire();
      log.push('small');
      p.release();
    });
    yield* yieldNow();
    p1.release(); // one permit free, but it is assigned to the big waiter
    for (let i = 0; i < 3; i++) yield* yieldNow();
    assert.deepEqual(log, []);
    assert.equal(sem.availablePermits(), 0);
    assert.equal(sem.tryAcquire(), undefined);
    p2.release();
    yield* big;
    yield* small;
    assert.deepEqual(log, ['big', 'small']);
    assert.equal(sem.availablePermits(), 2);
  });

  test('close wakes every waiter with AcquireError and later acquires fail', function* () {
    const sem = new Semaphore(1);
    const held = yield* sem.acquire();
    const hs = [1, 2, 3].map((n) =>
      spawn(function* () {
        try {
          yield* sem.acquireMany(n);
          return 'acquired';
        } catch (e) {
          assert.ok(e instanceof AcquireError);
          assert.equal(e.kind, 'closed');
          return 'closed';
        }
      }),
    );
    yield* yieldNow();
    sem.close();
    for (const h of hs) assert.equal(yield* h, 'closed');
    assert.equal(sem.isClosed(), true);
    assert.equal(sem.tryAcquire(), undefined);
    try {
      yield* sem.acquire();
      assert.fail('acquire after close must fail');
    } catch (e) {
      assert.ok(e instanceof AcquireError);
    }
    held.release();
    assert.equal(sem.availablePermits(), 1);
  });

  test('addPermits and forgetPermits still work after close', function* () {
    const sem = new Semaphore(3);
    sem.close();
    sem.addPermits(2);
    assert.equal(sem.availablePermits(), 5);
    assert.equal(sem.forgetPermits(4), 4);
    assert.equal(sem.forgetPermits(4), 1);
    assert.equal(sem.availablePermits(), 0);
    assert.equal(sem.isClosed(), true);
  });

  test('close returns the permits partly assigned to a waiter', function* () {
    const sem = new Semaphore(1);
    const h = spawn(function* () {
      try {
        yield* sem.acquireMany(3);
      } catch {
        return 'closed';
      }
    });
    yield* yieldNow();
    assert.equal(sem.availablePermits(), 0, 'the waiter took the free permit');
    sem.close();
    assert.equal(yield* h, 'closed');
    assert.equal(sem.availablePermits(), 1);
  });

  test('cancel safety: acquire granted then aborted before resuming passes the permit on', function* () {
    const sem = new Semaphore(1);
    const held = yield* sem.acquire();
    const a = spawn(sem.acquire());
    const b = spawn(function* () {
      (yield* sem.acquire()).release();
      return 'b';
    });
    yield* yieldNow();
    held.release(); // granted to a
    a.abort();
    assert.equal(yield* settle(a), true);
    assert.equal(yield* b, 'b');
    assert.equal(sem.availablePermits(), 1);
  });

  test('cancel safety: acquireMany partly assigned then aborted gives the permits to the next waiter', function* () {
    const sem = new Semaphore(3);
    const held = yield* sem.acquireMany(3);
    const big = spawn(sem.acquireMany(3));
    const small = spawn(function* () {
      (yield* sem.acquireMany(2)).release();
      return 'small';
    });
    yield* yieldNow();
    held.release(); // all 3 assigned to big, which has not resumed
    big.abort();
    assert.equal(yield* settle(big), true);
    assert.equal(yield* small, 'small');
    assert.equal(sem.availablePermits(), 3);
    // partly assigned: big holds 1 of 3 when aborted
    const p = yield* sem.acquireMany(2);
    const big2 = spawn(sem.acquireMany(3));
    const small2 = spawn(function* () {
      (yield* sem.acquire()).release();
      return 'small2';
    });
    yield* yieldNow();
    assert.equal(sem.availablePermits(), 0);
    big2.abort();
    assert.equal(yield* settle(big2), true);
    assert.equal(yield* small2, 'small2');
    p.release();
    assert.equal(sem.availablePermits(), 3);
  });

  test('cancel safety: acquireMany granted to a losing select branch is given back', function* () {
    const sem = new Semaphore(2);
    const n = new Notify();
    const held = yield* sem.acquireMany(2);
    const a = spawn(function* () {
      const r = yield* select({ p: sem.acquireMany(2), other: n.notified() }, { biased: true });
      if (r.key === 'p') r.value.release();
      return r.key;
    });
    yield* yieldNow();
    n.notifyOne();
    held.release();
    assert.equal(yield* a, 'other');
    assert.equal(sem.availablePermits(), 2);
  });

  test('at most `permits` tasks hold permits under 200 seeded schedules with aborts', function* () {
    yield* forSeeds('Semaphore', function* (seed) {
      const rand = prng(seed);
      const total = 1 + int(rand, 4);
      const sem = new Semaphore(total);
      let inUse = 0;
      const hs = [];
      for (let t = 0; t < 8; t++) {
        hs.push(
          spawn(function* () {
            for (let k = 0; k < 3; k++) {
              yield* jitter(rand);
              const want = 1 + int(rand, total);
              let p: SemaphorePermit | undefined;
              try {
                p = yield* sem.acquireMany(want);
                inUse += want;
                assert.ok(inUse <= total, `${inUse} permits in use of ${total}`);
                yield* jitter(rand);
              } finally {
                if (p !== undefined) inUse -= want;
                p?.release();
              }
            }
          }),
        );
      }
      yield* jitter(rand, 10);
      hs[int(rand, 8)]!.abort();
      yield* jitter(rand, 4);
      hs[int(rand, 8)]!.abort();
      for (const h of hs) yield* settle(h);
      assert.equal(sem.availablePermits(), total, 'permits leaked');
    });
  });
});
