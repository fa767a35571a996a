import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { type Future, select, spawn, yieldNow } from 'tokio-ts';
import { RecvError, watch } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';

describe('watch', () => {
  test('changed() completes once per new version however many sends happened', function* () {
    const [tx, rx] = watch.channel(0);
    tx.send(1);
    tx.send(2);
    tx.send(3);
    yield* rx.changed();
    assert.equal(rx.borrow(), 3);
    const r = yield* select({ c: rx.changed(), other: yieldNow() }, { biased: true });
    assert.equal(r.key, 'other', 'no second completion without a new send');
  });

  test('changed() waits for a send and fails once the sender is gone', function* () {
    const [tx, rx] = watch.channel('a');
    const h = spawn(function* () {
      yield* rx.changed();
      return rx.borrowAndUpdate();
    });
    yield* yieldNow();
    tx.send('b');
    assert.equal(yield* h, 'b');
    tx.close();
    try {
      yield* rx.changed();
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof RecvError && e.kind === 'closed');
    }
  });

  test('sendModify, sendIfModified, sendReplace and waitFor', function* () {
    const [tx, rx] = watch.channel(1);
    tx.sendModify((v) => v + 1);
    assert.equal(
      tx.sendIfModified((v) => ({ modified: false, value: v })),
      false,
    );
    assert.equal(rx.hasChanged(), true);
    assert.equal(tx.sendReplace(10), 2);
    const h = spawn(rx.waitFor((v) => v >= 12));
    yield* yieldNow();
    tx.send(11);
    yield* yieldNow();
    assert.equal(h.isFinished(), false);
    tx.send(12);
    assert.equal(yield* h, 12);
  });

  test('send with no receivers is a SendError; closed() completes when the last receiver closes', function* () {
    const [tx, rx] = watch.channel(0);
    const rx2 = tx.subscribe();
    assert.equal(tx.receiverCount(), 2);
    const waiter = spawn(tx.closed());
    yield* yieldNow();
    rx.close();
    rx2.close();
    yield* waiter;
    assert.throws(() => tx.send(1), /receiver is gone/);
  });

  test('cancel safety: a changed() that lost a select leaves the change unseen', function* () {
    const [tx, rx] = watch.channel(0);
    const h = spawn(function* () {
      return yield* select(
        {
          c: rx.changed(),
          other: function* () {
            yield* yieldNow();
            return 'other';
          },
        },
        { biased: true },
      );
    });
    yield* yieldNow();
    tx.send(1);
    assert.equal((yield* h).key, 'other');
    assert.equal(rx.hasChanged(), true);
    yield* rx.changed();
  });
});

function* settle(n = 4): Future<void> {
  for (let i = 0; i < n; i++) yield* yieldNow();
}

function* closedError(f: Future<unknown>): Future<string> {
  try {
    yield* f;
    return 'ok';
  } catch (e) {
    return e instanceof RecvError ? e.kind : String(e);
  }
}

describe('watch (Tokio sync_watch.rs)', () => {
  test('has_changed_errors_on_closed_channel_with_unseen_value', function* () {
    const [tx, rx] = watch.channel('A');
    tx.send('B');
    tx.close();
    assert.throws(() => rx.hasChanged(), RecvError);
    assert.equal(rx.borrowAndUpdate(), 'B', 'the last value stays readable');
  });

  test('has_changed_errors_on_closed_channel_with_seen_value', function* () {
    const [tx, rx] = watch.channel('A');
    tx.close();
    assert.throws(() => rx.hasChanged(), RecvError);
  });

  test('changed_succeeds_on_closed_channel_with_unseen_value', function* () {
    const [tx, rx] = watch.channel('A');
    tx.send('B');
    tx.close();
    yield* rx.changed();
    assert.equal(rx.borrow(), 'B');
  });

  test('changed_errors_on_closed_channel_with_seen_value', function* () {
    const [tx, rx] = watch.channel('A');
    tx.close();
    assert.equal(yield* closedError(rx.changed()), 'closed');
  });

  test('wait_for_errors_on_closed_channel_true_predicate: a true predicate on the last value still succeeds', function* () {
    const [tx, rx] = watch.channel('A');
    tx.send('B');
    tx.close();
    assert.equal(yield* rx.waitFor(() => true), 'B');
    assert.equal(yield* closedError(rx.waitFor((v) => v === 'C')), 'closed');
  });

  test('multiple_sender: a cloned sender sends to the same receivers', function* () {
    const [tx1, rx] = watch.channel(0);
    const tx2 = tx1.clone();
    assert.equal(tx1.senderCount(), 2);
    const h = spawn(function* () {
      yield* rx.changed();
      const v1 = rx.borrowAndUpdate();
      yield* rx.changed();
      return [v1, rx.borrowAndUpdate()];
    });
    tx1.send(1);
    yield* settle();
    tx2.send(2);
    assert.deepEqual(yield* h, [1, 2]);
  });

  test('receiver_is_notified_when_last_sender_is_dropped', function* () {
    const [tx1, rx] = watch.channel(0);
    const tx2 = tx1.clone();
    const h = spawn(closedError(rx.changed()));
    yield* settle();
    tx1.close();
    tx1.close(); // idempotent: does not count twice
    yield* settle();
    assert.equal(h.isFinished(), false, 'one sender is still alive');
    assert.equal(rx.hasChanged(), false);
    tx2.close();
    assert.equal(yield* h, 'closed');
    assert.throws(() => tx1.clone(), /closed/);
  });

  test('reopened_after_subscribe: closed() waits again after a subscribe', function* () {
    const [tx, rx] = watch.channel('one');
    assert.equal(tx.isClosed(), false);
    rx.close();
    assert.equal(tx.isClosed(), true);
    const rx2 = tx.subscribe();
    assert.equal(tx.isClosed(), false);
    const h = spawn(tx.closed());
    yield* settle();
    assert.equal(h.isFinished(), false);
    rx2.close();
    yield* h;
  });
});
