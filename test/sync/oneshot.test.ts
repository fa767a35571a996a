import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { select, spawn, yieldNow } from 'tokio-ts';
import { oneshot, RecvError, SendError } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';

describe('oneshot', () => {
  test('the receiver is a Future of the one value', function* () {
    const [tx, rx] = oneshot.channel<string>();
    spawn(function* () {
      yield* yieldNow();
      tx.send('v');
    });
    assert.equal(yield* rx, 'v');
  });

  test('a sender closed without sending makes the receiver throw RecvError closed', function* () {
    const [tx, rx] = oneshot.channel<number>();
    const h = spawn(function* () {
      try {
        yield* rx;
        return 'value';
      } catch (e) {
        return e;
      }
    });
    yield* yieldNow();
    tx.close();
    const e = yield* h;
    assert.ok(e instanceof RecvError);
    assert.equal(e.kind, 'closed');
  });

  test('send after the receiver closed throws SendError with the value; closed() completes', function* () {
    const [tx, rx] = oneshot.channel<number>();
    const waiter = spawn(tx.closed());
    yield* yieldNow();
    rx.close();
    yield* waiter;
    assert.equal(tx.isClosed(), true);
    assert.throws(
      () => tx.send(5),
      (e: unknown) => e instanceof SendError && e.value === 5,
    );
  });

  it('a second send and undefined are errors; tryRecv reports empty then the value', () => {
    const [tx, rx] = oneshot.channel<number>();
    assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'empty' });
    assert.throws(() => tx.send(undefined as unknown as number), TypeError);
    tx.send(1);
    assert.throws(() => tx.send(2), /already used/);
    assert.deepEqual(rx.tryRecv(), { ok: true, value: 1 });
    assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'closed' });
  });

  test('cancel safety: a value sent to a receiver that lost a select is still there', function* () {
    const [tx, rx] = oneshot.channel<string>();
    const h = spawn(function* () {
      return yield* select(
        {
          v: rx,
          other: function* () {
            yield* yieldNow();
            return 'other';
          },
        },
        { biased: true },
      );
    });
    yield* yieldNow();
    tx.send('kept');
    assert.equal((yield* h).key, 'other');
    assert.equal(yield* rx, 'kept');
  });
});
