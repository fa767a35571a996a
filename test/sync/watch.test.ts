import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { select, spawn, yieldNow } from 'tokio-ts';
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
