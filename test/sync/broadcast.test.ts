import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { select, spawn, yieldNow } from 'tokio-ts';
import { broadcast, RecvError } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';

describe('broadcast', () => {
  test('every receiver gets every message; send returns the receivers reached', function* () {
    const [tx, rx1] = broadcast.channel<number>(8);
    const rx2 = tx.subscribe();
    const h = spawn(function* () {
      return [yield* rx2.recv(), yield* rx2.recv()];
    });
    yield* yieldNow();
    assert.equal(tx.send(1), 2);
    tx.send(2);
    assert.deepEqual([yield* rx1.recv(), yield* rx1.recv()], [1, 2]);
    assert.deepEqual(yield* h, [1, 2]);
  });

  test('a receiver that fell behind gets lagged with the exact skipped count, then the oldest kept', function* () {
    const [tx, rx] = broadcast.channel<number>(3); // keeps 4: rounded up to a power of two
    for (let i = 0; i < 10; i++) tx.send(i);
    try {
      yield* rx.recv();
      assert.fail('should lag');
    } catch (e) {
      assert.ok(e instanceof RecvError);
      assert.equal(e.kind, 'lagged');
      assert.equal(e.skipped, 6);
    }
    assert.deepEqual(
      [yield* rx.recv(), yield* rx.recv(), yield* rx.recv(), yield* rx.recv()],
      [6, 7, 8, 9],
    );
  });

  test('a new subscriber sees only later messages', function* () {
    const [tx, rx] = broadcast.channel<string>(4);
    tx.send('before');
    const late = tx.subscribe();
    tx.send('after');
    assert.equal(yield* late.recv(), 'after');
    assert.equal(yield* rx.recv(), 'before');
  });

  test('send with no receivers throws; close ends receivers after what is kept', function* () {
    const [tx, rx] = broadcast.channel<number>(4);
    tx.send(1);
    tx.close();
    assert.equal(yield* rx.recv(), 1);
    try {
      yield* rx.recv();
      assert.fail('should be closed');
    } catch (e) {
      assert.ok(e instanceof RecvError && e.kind === 'closed');
    }
    rx.close();
    assert.throws(() => tx.send(2), /receiver is gone/);
  });

  test('cancel safety: a recv that lost a select loses no message', function* () {
    const [tx, rx] = broadcast.channel<number>(4);
    const h = spawn(function* () {
      return yield* select(
        {
          m: rx.recv(),
          other: function* () {
            yield* yieldNow();
            return 'other';
          },
        },
        { biased: true },
      );
    });
    yield* yieldNow();
    tx.send(5);
    assert.equal((yield* h).key, 'other');
    assert.equal(yield* rx.recv(), 5);
  });
});
