// Ports of Tokio's sync_rwlock.rs (into_inner, downgrade_map, try_downgrade_map)
// and sync_semaphore.rs (merge, merge_unrelated_permits, split).
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { type Future, spawn, yieldNow } from 'tokio-ts';
import { RwLock, Semaphore } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';

function* settle(n = 4): Future<void> {
  for (let i = 0; i < n; i++) yield* yieldNow();
}

describe('RwLock additions', () => {
  test('into_inner', function* () {
    const lock = new RwLock(42);
    assert.equal(lock.intoInner(), 42);
    const r = lock.tryRead()!;
    assert.throws(() => lock.intoInner(), /held or awaited/);
    r.release();
    assert.equal(lock.intoInner(), 42);
  });

  test('downgrade_map: readers wait during fn and get the lock after the downgrade', function* () {
    const lock = new RwLock({ n: 0 });
    const w = yield* lock.write();
    const reader = spawn(function* () {
      return yield* lock.read();
    });
    yield* settle();
    assert.equal(reader.isFinished(), false);
    let finishedDuringFn: boolean | undefined;
    const r1 = w.downgradeMap((v) => {
      finishedDuringFn = reader.isFinished() || lock.tryRead() !== undefined;
      return v;
    });
    assert.equal(finishedDuringFn, false, 'no read access while fn runs');
    const r2 = yield* reader;
    assert.equal(r1.value, r2.value, 'the same object');
    assert.throws(() => w.value, /released/);
    r1.release();
    r2.release();
    assert.ok(lock.tryWrite() !== undefined);
  });

  test('try_downgrade_map: undefined keeps write access; a value downgrades', function* () {
    const lock = new RwLock({ n: 0 });
    const w = yield* lock.write();
    const reader = spawn(lock.read());
    yield* settle();
    assert.equal(
      w.tryDowngradeMap(() => undefined),
      undefined,
    );
    yield* settle();
    assert.equal(reader.isFinished(), false, 'still locked for writing');
    w.value.n = 1;
    const r1 = w.tryDowngradeMap((v) => v);
    assert.ok(r1 !== undefined);
    const r2 = yield* reader;
    assert.equal(r1.value, r2.value);
    assert.equal(r2.value.n, 1);
    r1.release();
    r2.release();
  });

  test('bad input: downgradeMap without a function is a TypeError and keeps the write guard', function* () {
    const lock = new RwLock(1);
    const w = lock.tryWrite()!;
    assert.throws(() => w.downgradeMap(null as never), TypeError);
    assert.throws(() => w.tryDowngradeMap(42 as never), TypeError);
    w.value = 2;
    w.release();
  });

  test('a mapped read guard holds a read slot until released', function* () {
    const lock = new RwLock([1, 2, 3]);
    const w = yield* lock.write();
    const first = w.downgradeMap((v) => v[0]);
    assert.equal(first.value, 1);
    assert.equal(lock.tryWrite(), undefined);
    first.release();
    first.release(); // idempotent
    assert.throws(() => first.value, /released/);
    assert.ok(lock.tryWrite() !== undefined);
  });
});

describe('SemaphorePermit merge/split', () => {
  test('merge', function* () {
    const sem = new Semaphore(3);
    const p1 = sem.tryAcquire()!;
    assert.equal(sem.availablePermits(), 2);
    const p2 = sem.tryAcquireMany(2)!;
    assert.equal(sem.availablePermits(), 0);
    p1.merge(p2);
    assert.equal(p1.num, 3);
    p2.release(); // spent: nothing
    assert.equal(sem.availablePermits(), 0);
    p1.release();
    assert.equal(sem.availablePermits(), 3);
  });

  test('merge_unrelated_permits throws', function* () {
    const p1 = new Semaphore(3).tryAcquire()!;
    const p2 = new Semaphore(3).tryAcquire()!;
    assert.throws(() => p1.merge(p2), /different semaphores/);
    assert.throws(() => p1.merge(p1), /itself/);
  });

  test('split', function* () {
    const sem = new Semaphore(5);
    const p1 = sem.tryAcquireMany(3)!;
    assert.equal(sem.availablePermits(), 2);
    const p2 = p1.split(1)!;
    assert.equal(sem.availablePermits(), 2);
    assert.deepEqual([p1.num, p2.num], [2, 1]);
    const p3 = p1.split(0)!;
    assert.equal(p3.num, 0);
    p1.release();
    assert.equal(sem.availablePermits(), 4);
    const p4 = p2.split(1)!;
    assert.deepEqual([p2.num, p4.num], [0, 1]);
    assert.equal(p2.split(1), undefined);
    p2.release();
    assert.equal(sem.availablePermits(), 4);
    p3.release();
    assert.equal(sem.availablePermits(), 4);
    p4.release();
    assert.equal(sem.availablePermits(), 5);
  });

  test('split permits given back go to a queued acquireMany', function* () {
    const sem = new Semaphore(2);
    const p = sem.tryAcquireMany(2)!;
    const waiter = spawn(sem.acquireMany(2));
    yield* settle();
    const q = p.split(1)!;
    q.release();
    yield* settle();
    assert.equal(waiter.isFinished(), false, 'one of two');
    p.release();
    (yield* waiter).release();
    assert.equal(sem.availablePermits(), 2);
  });
});
