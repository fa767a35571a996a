// Ports of Tokio's sync_notify.rs: which waiter a handed-back notification
// goes to, and `Notified.enable()`.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { type Future, type JoinHandle, spawn, yieldNow } from 'tokio-ts';
import { Notify } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';

function* settle(n = 4): Future<void> {
  for (let i = 0; i < n; i++) yield* yieldNow();
}

/** Three tasks parked in `notified()`, in this order. */
function* threeWaiters(n: Notify): Future<JoinHandle<void>[]> {
  const hs: JoinHandle<void>[] = [];
  for (let i = 0; i < 3; i++) {
    hs.push(spawn(n.notified()));
    yield* settle(1);
  }
  yield* settle();
  assert.deepEqual(
    hs.map((h) => h.isFinished()),
    [false, false, false],
  );
  return hs;
}

function* cancelled(h: JoinHandle<void>): Future<void> {
  h.abort();
  try {
    yield* h;
    assert.fail('expected the task to be cancelled');
  } catch (e) {
    assert.equal((e as { kind?: string }).kind, 'cancelled');
  }
}

describe('Notify (Tokio sync_notify.rs)', () => {
  test('notified_multi_notify_last_drop: a notifyLast handed back goes to the newest remaining waiter', function* () {
    const n = new Notify();
    const [h1, h2, h3] = yield* threeWaiters(n);
    n.notifyLast(); // chooses h3
    yield* cancelled(h3!); // dropped before it resumed
    yield* settle();
    assert.equal(h2!.isFinished(), true, 'the newest remaining waiter got it');
    assert.equal(h1!.isFinished(), false);
    n.notifyOne();
    yield* h1!;
  });

  test('notified_multi_notify_one_drop: a notifyOne handed back goes to the oldest remaining waiter', function* () {
    const n = new Notify();
    const [h1, h2, h3] = yield* threeWaiters(n);
    n.notifyOne(); // chooses h1
    yield* cancelled(h1!);
    yield* settle();
    assert.equal(h2!.isFinished(), true);
    assert.equal(h3!.isFinished(), false);
    n.notifyOne();
    yield* h3!;
  });

  test('notify_one_after_dropped_all: notifyWaiters then notifyOne stores the permit', function* () {
    const n = new Notify();
    const h = spawn(n.notified());
    yield* settle();
    n.notifyWaiters();
    n.notifyOne();
    yield* cancelled(h);
    const f = n.notified();
    assert.equal(f.enable(), true, 'the permit is there');
    yield* f;
  });

  test('test_notify_one_after_enable: an enabled future is chosen by notifyOne before it is polled', function* () {
    const n = new Notify();
    const f = n.notified();
    assert.equal(f.enable(), false);
    n.notifyOne();
    assert.equal(f.enable(), true);
    yield* f;
    const other = n.notified();
    assert.equal(other.enable(), false, 'the notification went to f, no permit was stored');
    other.close();
  });

  test('test_poll_after_enable: an enabled future still waits when polled', function* () {
    const n = new Notify();
    const f = n.notified();
    assert.equal(f.enable(), false);
    const h = spawn(f);
    yield* settle();
    assert.equal(h.isFinished(), false);
    n.notifyOne();
    yield* h;
  });

  test('test_enable_after_poll: enable() on a parked future returns false', function* () {
    const n = new Notify();
    const f = n.notified();
    const h = spawn(f);
    yield* settle();
    assert.equal(f.enable(), false);
    n.notifyOne();
    yield* h;
    assert.equal(f.enable(), true);
  });

  test('test_enable_consumes_permit', function* () {
    const n = new Notify();
    n.notifyOne();
    const f1 = n.notified();
    assert.equal(f1.enable(), true);
    const f2 = n.notified();
    assert.equal(f2.enable(), false);
    f2.close();
    yield* f1;
  });

  test('unpolled_future_completed_by_notify_waiters_preserves_notify_one_permit', function* () {
    const n = new Notify();
    const f1 = n.notified();
    n.notifyWaiters();
    n.notifyOne();
    yield* f1;
    const f2 = n.notified();
    assert.equal(f2.enable(), true);
    yield* f2;
  });

  test('an enabled future notified by notifyLast and then closed passes it to the newest waiter', function* () {
    const n = new Notify();
    const h1 = spawn(n.notified());
    yield* settle();
    const f = n.notified();
    f.enable(); // f is the newest waiter
    n.notifyLast(); // chooses f
    f.close(); // given up without being awaited
    yield* settle();
    assert.equal(h1.isFinished(), true);
  });
});
