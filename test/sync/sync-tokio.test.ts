// Ports of tokio/tests/sync_oneshot.rs, sync_notify.rs, sync_semaphore.rs and
// tokio-util/tests/sync_cancellation_token.rs (the cases not covered by the
// module tests), through the public API.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Future, spawn, yieldNow } from 'tokio-ts';
import { pending } from 'tokio-ts/future';
import {
  AcquireError,
  CancellationToken,
  Notify,
  OnceCell,
  oneshot,
  RecvError,
  Semaphore,
  SendError,
  SetError,
} from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';
import { advance, sleep } from 'tokio-ts/time';

function* settle(): Future<void> {
  for (let i = 0; i < 3; i++) yield* yieldNow();
}

/** Spawns `fut` and tracks whether it has finished. */
function track(fut: Future<unknown>): { done: boolean; h: Future<unknown> & { abort(): void } } {
  const t = { done: false, h: undefined as unknown as Future<unknown> & { abort(): void } };
  t.h = spawn(function* () {
    yield* fut;
    t.done = true;
  });
  return t;
}

describe('oneshot (ports of tokio sync_oneshot.rs)', () => {
  test('close_tx: closing the sender wakes the receiver with an error', function* () {
    const [tx, rx] = oneshot.channel<number>();
    const h = spawn(function* () {
      try {
        yield* rx;
        return 'value';
      } catch (e) {
        return e instanceof RecvError ? e.kind : 'other';
      }
    });
    yield* settle();
    tx.close();
    assert.equal(yield* h, 'closed');
  });

  test('close_rx and explicit_close_poll: closed() completes when the receiver closes', function* () {
    {
      const [tx, rx] = oneshot.channel<number>();
      rx.close();
      assert.throws(() => tx.send(1), SendError);
    }
    const [tx, rx] = oneshot.channel<number>();
    const t = track(tx.closed());
    yield* settle();
    assert.equal(t.done, false);
    rx.close();
    yield* t.h;
    assert.equal(tx.isClosed(), true);
    assert.throws(() => tx.send(1), SendError);
    yield* assertRecvClosed(rx);
  });

  test('explicit_close_poll / explicit_close_try_recv: a value sent before close is still received', function* () {
    const [tx, rx] = oneshot.channel<number>();
    tx.send(1);
    rx.close();
    assert.equal(yield* rx, 1);
    const [tx2, rx2] = oneshot.channel<number>();
    tx2.send(1);
    rx2.close();
    assert.deepEqual(rx2.tryRecv(), { ok: true, value: 1 });
    const [, rx3] = oneshot.channel<number>();
    rx3.close();
    assert.deepEqual(rx3.tryRecv(), { ok: false, reason: 'closed' });
  });

  it('try_recv_after_completion and close_after_recv: a taken value reads as closed', () => {
    const [tx, rx] = oneshot.channel<number>();
    tx.send(17);
    assert.deepEqual(rx.tryRecv(), { ok: true, value: 17 });
    assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'closed' });
    rx.close();
  });

  test('try_recv_after_completion_await', function* () {
    const [tx, rx] = oneshot.channel<number>();
    tx.send(17);
    assert.equal(yield* rx, 17);
    assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'closed' });
    rx.close();
  });
});

function* assertRecvClosed(rx: oneshot.OneshotReceiver<number>): Future<void> {
  try {
    yield* rx;
    assert.fail('should fail');
  } catch (e) {
    assert.ok(e instanceof RecvError);
  }
}

describe('Notify (ports of tokio sync_notify.rs)', () => {
  test('notify_multi_notified_one / notify_multi_notified_last: FIFO and LIFO wake order', function* () {
    for (const last of [false, true]) {
      const n = new Notify();
      const a = track(n.notified());
      yield* settle();
      const b = track(n.notified());
      yield* settle();
      if (last) n.notifyLast();
      else n.notifyOne();
      yield* settle();
      assert.deepEqual([a.done, b.done], last ? [false, true] : [true, false]);
      n.notifyWaiters();
      yield* settle();
    }
  });

  test('notify_notified_multi: a stored permit serves one later waiter only', function* () {
    const n = new Notify();
    n.notifyOne();
    const a = track(n.notified());
    const b = track(n.notified());
    yield* settle();
    assert.deepEqual([a.done, b.done], [true, false]);
    n.notifyOne();
    yield* b.h;
  });

  test('notified_multi_notify_drop_one: a notification taken by a cancelled waiter goes to the next', function* () {
    const n = new Notify();
    const a = track(n.notified());
    yield* settle();
    const b = track(n.notified());
    const c = track(n.notified());
    yield* settle();
    n.notifyOne();
    a.h.abort(); // before it ran: the notification moves on
    yield* settle();
    assert.deepEqual([b.done, c.done], [true, false]);
    n.notifyLast();
    c.h.abort();
    const d = track(n.notified());
    yield* settle();
    assert.equal(d.done, true, 'the forwarded notifyLast became a permit');
  });

  test('notify_one_after_dropped_all: a permit stored while the only waiter was notified survives its drop', function* () {
    const n = new Notify();
    const a = track(n.notified());
    yield* settle();
    n.notifyWaiters();
    n.notifyOne();
    a.h.abort();
    yield* settle();
    const b = track(n.notified());
    yield* settle();
    assert.equal(b.done, true);
  });

  test('unpolled_future_completed_by_notify_waiters_preserves_notify_one_permit', function* () {
    const n = new Notify();
    const first = n.notified();
    n.notifyWaiters();
    n.notifyOne();
    yield* first; // completed by notifyWaiters, even unpolled
    yield* n.notified(); // the permit is still there
  });

  it('test_enable_consumes_permit / test_notify_one_after_enable', () => {
    const n = new Notify();
    n.notifyOne();
    assert.equal(n.notified().enable(), true);
    const second = n.notified();
    assert.equal(second.enable(), false);
    second.close(); // Rust drops the temporary: it leaves the queue
    const f = n.notified();
    assert.equal(f.enable(), false);
    n.notifyOne();
    assert.equal(f.enable(), true);
  });
});

describe('Semaphore (ports of tokio sync_semaphore.rs)', () => {
  it('no_permits, try_acquire and forget', () => {
    new Semaphore(0);
    const sem = new Semaphore(1);
    const p1 = sem.tryAcquire();
    assert.ok(p1);
    assert.equal(sem.tryAcquire(), undefined);
    p1.release();
    const p = sem.tryAcquire();
    assert.ok(p);
    p.forget();
    assert.equal(sem.availablePermits(), 0);
    assert.equal(sem.tryAcquire(), undefined);
  });

  it('add_permits_open / add_permits_closed: adding works, closed or not', () => {
    for (const closed of [false, true])
      for (let size = 0; size < 4; size++)
        for (let add = 0; add < 4; add++) {
          const sem = new Semaphore(size);
          if (closed) sem.close();
          sem.addPermits(add);
          assert.equal(sem.availablePermits(), size + add);
          assert.equal(sem.isClosed(), closed);
        }
  });

  it('forget_open / forget_closed: forgets at most what is available', () => {
    for (const closed of [false, true])
      for (let size = 0; size < 4; size++)
        for (let sub = 0; sub < 4; sub++) {
          const sem = new Semaphore(size);
          if (closed) sem.close();
          const forgot = sem.forgetPermits(sub);
          const expected = Math.max(0, size - sub);
          assert.equal(sem.availablePermits(), expected);
          assert.equal(forgot, size - expected);
          assert.equal(sem.isClosed(), closed);
        }
  });

  it('merge and split', () => {
    const sem = new Semaphore(3);
    const p1 = sem.tryAcquire()!;
    const p2 = sem.tryAcquireMany(2)!;
    p1.merge(p2);
    assert.equal(sem.availablePermits(), 0);
    p1.release();
    assert.equal(sem.availablePermits(), 3);
    assert.throws(() => sem.tryAcquire()!.merge(new Semaphore(3).tryAcquire()!));

    const s = new Semaphore(5);
    const a = s.tryAcquireMany(3)!;
    const b = a.split(1)!;
    assert.deepEqual([s.availablePermits(), a.num, b.num], [2, 2, 1]);
    const c = a.split(0)!;
    assert.equal(c.num, 0);
    a.release();
    assert.equal(s.availablePermits(), 4);
    const d = b.split(1)!;
    assert.deepEqual([b.num, d.num], [0, 1]);
    assert.equal(b.split(1), undefined);
    b.release();
    c.release();
    assert.equal(s.availablePermits(), 4);
    d.release();
    assert.equal(s.availablePermits(), 5);
  });

  it('add_max_amount_permits, add_more_than_max_amount_permits1/2, panic_when_exceeds_maxpermits', () => {
    const s = new Semaphore(0);
    s.addPermits(Semaphore.MAX_PERMITS);
    assert.equal(s.availablePermits(), Semaphore.MAX_PERMITS);
    assert.throws(() => new Semaphore(1).addPermits(Semaphore.MAX_PERMITS), RangeError);
    const s2 = new Semaphore(Semaphore.MAX_PERMITS - 1);
    s2.addPermits(1);
    assert.throws(() => s2.addPermits(1), RangeError);
    assert.throws(() => new Semaphore(Semaphore.MAX_PERMITS + 1), RangeError);
    new Semaphore(Semaphore.MAX_PERMITS);
  });

  test('stress_test: 1000 tasks through 5 permits leave exactly 5', function* () {
    const sem = new Semaphore(5);
    const hs = [];
    for (let i = 0; i < 1000; i++)
      hs.push(
        spawn(function* () {
          const p = yield* sem.acquire();
          yield* yieldNow();
          p.release();
        }),
      );
    for (const h of hs) yield* h;
    for (let i = 0; i < 5; i++) assert.ok(sem.tryAcquire());
    assert.equal(sem.tryAcquire(), undefined);
  });

  test('a closed semaphore fails acquire even with permits available', function* () {
    const sem = new Semaphore(2);
    sem.close();
    assert.equal(sem.tryAcquire(), undefined);
    let err: unknown;
    try {
      yield* sem.acquire();
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof AcquireError);
  });
});

describe('CancellationToken (ports of tokio-util sync_cancellation_token.rs)', () => {
  test('cancel_token: cancelled() completes on cancel', function* () {
    const token = new CancellationToken();
    assert.equal(token.isCancelled(), false);
    const t = track(token.cancelled());
    yield* settle();
    assert.equal(t.done, false);
    token.cancel();
    yield* t.h;
    assert.equal(token.isCancelled(), true);
    yield* token.cancelled(); // at once now
  });

  test('cancel_child_token_through_parent and the grandchild of a dropped child', function* () {
    const parent = new CancellationToken();
    const child = parent.childToken();
    const grandchild = child.childToken();
    const tc = track(child.cancelled());
    const tg = track(grandchild.cancelled());
    yield* settle();
    parent.cancel();
    yield* tc.h;
    yield* tg.h;
    assert.equal(grandchild.isCancelled(), true);
  });

  test('cancel_child_token_without_parent: a child cancels itself and its children only', function* () {
    const parent = new CancellationToken();
    const child1 = parent.childToken();
    const child2 = parent.childToken();
    const grand = child1.childToken();
    child1.cancel();
    assert.deepEqual(
      [parent.isCancelled(), child1.isCancelled(), child2.isCancelled(), grand.isCancelled()],
      [false, true, false, true],
    );
    const child3 = parent.childToken();
    parent.cancel();
    assert.equal(child2.isCancelled(), true);
    assert.equal(child3.isCancelled(), true);
  });

  it('create_child_token_after_parent_was_cancelled: the child starts cancelled', () => {
    const parent = new CancellationToken();
    parent.cancel();
    const child = parent.childToken();
    assert.equal(child.isCancelled(), true);
    assert.equal(child.childToken().isCancelled(), true);
  });

  it('cancel_only_all_descendants: a middle token cancels its subtree, not its ancestors or siblings', () => {
    const parent = new CancellationToken();
    const token = parent.childToken();
    const sibling = parent.childToken();
    const child1 = token.childToken();
    const child2 = token.childToken();
    const grand1 = child1.childToken();
    const grand2 = child1.childToken();
    const grand3 = child2.childToken();
    token.cancel();
    assert.equal(parent.isCancelled(), false);
    assert.equal(sibling.isCancelled(), false);
    for (const t of [token, child1, child2, grand1, grand2, grand3]) assert.ok(t.isCancelled());
  });

  test('run_until_cancelled_test: undefined when cancelled, the value otherwise, not run once cancelled', function* () {
    const token = new CancellationToken();
    const h = spawn(token.runUntilCancelled(pending<number>()));
    yield* settle();
    token.cancel();
    assert.equal(yield* h, undefined);

    const [tx, rx] = oneshot.channel<null>();
    const t2 = new CancellationToken();
    const h2 = spawn(
      t2.runUntilCancelled(function* () {
        yield* rx;
        return 42;
      }),
    );
    yield* settle();
    tx.send(null);
    assert.equal(yield* h2, 42);

    const t3 = new CancellationToken();
    t3.cancel();
    let ran = false;
    assert.equal(
      yield* t3.runUntilCancelled(function* () {
        ran = true;
        return 1;
      }),
      undefined,
    );
    assert.equal(ran, false);
  });
});

describe('OnceCell (ports of tokio sync_once_cell.rs)', () => {
  const paused = { startPaused: true };

  test('get_or_init: concurrent callers share the first initializer', paused, function* () {
    const once = new OnceCell<number>();
    const h1 = spawn(once.getOrInit(() => 5));
    const h2 = spawn(
      once.getOrInit(function* () {
        yield* sleep(1);
        return 10;
      }),
    );
    yield* advance(1);
    assert.deepEqual([yield* h1, yield* h2], [5, 5]);
  });

  test(
    'get_or_init_panic: the second initializer never runs once the first stored',
    paused,
    function* () {
      const once = new OnceCell<number>();
      const h1 = spawn(once.getOrInit(() => 5));
      const h2 = spawn(
        once.getOrInit(function* (): Future<number> {
          yield* sleep(1);
          throw new Error('panic');
        }),
      );
      yield* advance(1);
      assert.deepEqual([yield* h1, yield* h2], [5, 5]);
    },
  );

  test('set_and_get, get_uninit and set_twice', function* () {
    const once = new OnceCell<number>();
    assert.equal(once.get(), undefined);
    yield* spawn(function* () {
      once.set(5);
    });
    assert.equal(once.get(), 5);
    let err: unknown;
    try {
      once.set(6);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof SetError && err.kind === 'alreadyInitialized');
    assert.equal(err.value, 6);
  });

  test('set_while_initializing: set fails while getOrInit runs', paused, function* () {
    const once = new OnceCell<number>();
    const h1 = spawn(
      once.getOrInit(function* () {
        yield* sleep(2);
        return 5;
      }),
    );
    const h2 = spawn(function* () {
      yield* advance(1);
      try {
        once.set(10);
        return 'set';
      } catch (e) {
        return e instanceof SetError ? e.kind : 'other';
      }
    });
    yield* advance(2);
    assert.equal(yield* h1, 5);
    assert.equal(yield* h2, 'initializing');
  });

  test(
    'get_or_try_init: a failed initializer leaves the cell for the next one',
    paused,
    function* () {
      const once = new OnceCell<number>();
      const h1 = spawn(function* () {
        try {
          yield* once.getOrTryInit(() => {
            throw new Error('err');
          });
          return 'ok';
        } catch {
          return 'err';
        }
      });
      const h2 = spawn(once.getOrTryInit(() => 10));
      yield* advance(1);
      assert.equal(yield* h1, 'err');
      assert.equal(yield* h2, 10);
    },
  );
});
