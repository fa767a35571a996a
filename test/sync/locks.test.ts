import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { type Future, select, spawn, yieldNow } from 'tokio-ts';
import { pending } from 'tokio-ts/future';
import { Barrier, CancellationToken, Notify, OnceCell, RwLock, Semaphore } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';

function* settle(n = 3): Future<void> {
  for (let i = 0; i < n; i++) yield* yieldNow();
}

describe('Semaphore', () => {
  test('waiters are served FIFO; a large acquireMany at the head blocks later small ones', function* () {
    const sem = new Semaphore(2);
    const held = yield* sem.acquireMany(2);
    const order: string[] = [];
    const big = spawn(function* () {
      const p = yield* sem.acquireMany(2);
      order.push('big');
      p.release();
    });
    yield* yieldNow();
    const small = spawn(function* () {
      const p = yield* sem.acquire();
      order.push('small');
      p.release();
    });
    yield* settle();
    held.release();
    held.release(); // twice is a no-op
    yield* big;
    yield* small;
    assert.deepEqual(order, ['big', 'small']);
    assert.equal(sem.availablePermits(), 2);
  });

  test('FIFO order of 1,000 waiters', function* () {
    const sem = new Semaphore(0);
    const order: number[] = [];
    const hs = [];
    for (let i = 0; i < 1000; i++) {
      hs.push(
        spawn(function* () {
          const p = yield* sem.acquire();
          order.push(i);
          p.release();
        }),
      );
      yield* yieldNow();
    }
    sem.addPermits(1);
    for (const h of hs) yield* h;
    assert.deepEqual(order, [...Array(1000).keys()]);
  });

  test('close wakes every waiter with an error; tryAcquire fails', function* () {
    const sem = new Semaphore(0);
    const h = spawn(function* () {
      try {
        yield* sem.acquire();
        return 'acquired';
      } catch (e) {
        return (e as { kind?: string }).kind ?? 'error';
      }
    });
    yield* yieldNow();
    sem.close();
    assert.notEqual(yield* h, 'acquired');
    assert.equal(sem.isClosed(), true);
    assert.equal(sem.tryAcquire(), undefined);
  });

  test('cancel safety: a permit granted to a cancelled waiter goes to the next one', function* () {
    const sem = new Semaphore(1);
    const first = yield* sem.acquire();
    const a = spawn(sem.acquire());
    yield* yieldNow();
    const b = spawn(function* () {
      const p = yield* sem.acquire();
      p.release();
      return 'b got it';
    });
    yield* yieldNow();
    first.release(); // granted to a, which has not run yet
    a.abort();
    try {
      yield* a;
    } catch {
      // cancelled
    }
    assert.equal(yield* b, 'b got it');
    assert.equal(sem.availablePermits(), 1);
  });
});

describe('RwLock', () => {
  test('many readers at once; a queued writer blocks later readers', function* () {
    const lock = new RwLock(0);
    const r1 = yield* lock.read();
    const r2 = lock.tryRead();
    assert.ok(r2, 'a second reader gets in');
    const order: string[] = [];
    const w = spawn(function* () {
      const g = yield* lock.write();
      g.value = 1;
      order.push('writer');
      g.release();
    });
    yield* yieldNow();
    assert.equal(lock.tryRead(), undefined, 'a queued writer blocks new readers');
    const r = spawn(function* () {
      const g = yield* lock.read();
      order.push(`reader saw ${g.value}`);
      g.release();
    });
    yield* settle();
    r1.release();
    r2.release();
    yield* w;
    yield* r;
    assert.deepEqual(order, ['writer', 'reader saw 1']);
  });
});

describe('Notify', () => {
  test('notifyOne stores one permit when nobody waits; notifyWaiters stores none', function* () {
    const n = new Notify();
    n.notifyOne();
    n.notifyOne();
    yield* n.notified(); // the stored permit
    const r = yield* select({ n: n.notified(), other: yieldNow() }, { biased: true });
    assert.equal(r.key, 'other', 'only one permit was stored');
    n.notifyWaiters();
    const r2 = yield* select({ n: n.notified(), other: yieldNow() }, { biased: true });
    assert.equal(r2.key, 'other', 'notifyWaiters stores nothing');
  });

  test('notifyWaiters wakes every current waiter', function* () {
    const n = new Notify();
    const hs = [0, 1, 2].map(() => spawn(n.notified()));
    yield* yieldNow();
    n.notifyWaiters();
    for (const h of hs) yield* h;
  });

  test('cancel safety: a notification given to a cancelled waiter is passed on', function* () {
    const n = new Notify();
    const a = spawn(n.notified());
    yield* yieldNow();
    const b = spawn(n.notified());
    yield* yieldNow();
    n.notifyOne(); // to a
    a.abort();
    try {
      yield* a;
    } catch {
      // cancelled
    }
    yield* b; // b must get it
  });
});

describe('Barrier', () => {
  test('exactly one leader per generation; reusable', function* () {
    const barrier = new Barrier(3);
    for (let gen = 0; gen < 2; gen++) {
      const hs = [0, 1, 2].map(() => spawn(barrier.wait()));
      let leaders = 0;
      for (const h of hs) if ((yield* h).isLeader) leaders++;
      assert.equal(leaders, 1);
    }
  });
});

describe('OnceCell', () => {
  test('concurrent getOrInit runs the initializer once', function* () {
    const cell = new OnceCell<number>();
    let runs = 0;
    const init = function* (): Future<number> {
      runs++;
      yield* settle(2);
      return 42;
    };
    const hs = [0, 1, 2].map(() => spawn(cell.getOrInit(init)));
    for (const h of hs) assert.equal(yield* h, 42);
    assert.equal(runs, 1);
    assert.equal(cell.get(), 42);
    assert.equal(cell.initialized(), true);
  });

  test('an initializer that throws is retried by the next caller', function* () {
    const cell = new OnceCell<string>();
    try {
      yield* cell.getOrInit(function* (): Future<string> {
        throw new Error('first fails');
      });
    } catch (e) {
      assert.equal((e as Error).message, 'first fails');
    }
    assert.equal(
      yield* cell.getOrInit(function* (): Future<string> {
        return 'second';
      }),
      'second',
    );
  });

  test('cancel safety: a cancelled initializer lets a waiter initialize', function* () {
    const cell = new OnceCell<string>();
    const a = spawn(
      cell.getOrInit(function* (): Future<string> {
        yield* pending();
        return 'never';
      }),
    );
    yield* yieldNow();
    const b = spawn(
      cell.getOrInit(function* (): Future<string> {
        return 'b';
      }),
    );
    yield* yieldNow();
    a.abort();
    try {
      yield* a;
    } catch {
      // cancelled
    }
    assert.equal(yield* b, 'b');
  });
});

describe('CancellationToken', () => {
  test('cancel wakes cancelled(), cancels children, and aborts the signal', function* () {
    const token = new CancellationToken();
    const child = token.childToken();
    const h = spawn(child.cancelled());
    yield* yieldNow();
    assert.equal(token.signal.aborted, false);
    token.cancel();
    yield* h;
    assert.equal(child.isCancelled(), true);
    assert.equal(token.signal.aborted, true);
    yield* token.cancelled(); // completes at once once cancelled
  });

  test('cancelling a child does not cancel the parent', function* () {
    const token = new CancellationToken();
    token.childToken().cancel();
    assert.equal(token.isCancelled(), false);
  });

  test('runUntilCancelled returns undefined on cancellation and cancels the future', function* () {
    const token = new CancellationToken();
    let cleaned = false;
    const h = spawn(
      token.runUntilCancelled(function* () {
        try {
          yield* pending();
        } finally {
          cleaned = true;
        }
        return 1;
      }),
    );
    yield* yieldNow();
    token.cancel();
    assert.equal(yield* h, undefined);
    assert.equal(cleaned, true);
  });
});
