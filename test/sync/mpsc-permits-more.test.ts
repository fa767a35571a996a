/**
 * Permit cases main's mpsc-permits tests did not cover yet (ported from the
 * unmerged chan2 branch, adapted to main's PermitIterator: `next()`, `len()`,
 * `release()`): reserveMany bounds, reserve failing while it waits, the last
 * permit ending the channel, and a reserveMany that loses a select.
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { type Future, select, spawn, yieldNow } from 'tokio-ts';
import { mpsc, SendError } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';

function* yields(n = 3): Future<void> {
  for (let i = 0; i < n; i++) yield* yieldNow();
}

describe('mpsc permits (more)', () => {
  test('reserveMany: n above the capacity or not an integer is a RangeError, n = 0 grants nothing', function* () {
    const [tx, rx] = mpsc.channel<number>(2);
    assert.throws(() => tx.reserveMany(3), RangeError);
    assert.throws(() => tx.reserveMany(1.5), RangeError);
    const none = yield* tx.reserveMany(0);
    assert.equal(none.len(), 0);
    assert.equal(none.next(), undefined);
    assert.equal(tx.capacity(), 2);
    const two = yield* tx.reserveMany(2);
    assert.equal(tx.capacity(), 0);
    two.next()!.send(1);
    two.release();
    assert.equal(tx.capacity(), 1);
    assert.equal(yield* rx.recv(), 1);
    rx.close();
    let err: unknown;
    try {
      yield* tx.reserveMany(0);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof SendError, 'reserveMany(0) on a closed channel is a SendError');
  });

  test('reserve fails with SendError once the receiver closed, also while waiting', function* () {
    const [tx, rx] = mpsc.channel<number>(1);
    yield* tx.send(1);
    const waiting = spawn(function* () {
      try {
        yield* tx.reserve();
        return 'permit';
      } catch (e) {
        return e instanceof SendError ? 'SendError' : String(e);
      }
    });
    yield* yields();
    assert.equal(waiting.isFinished(), false);
    rx.close();
    assert.equal(yield* waiting, 'SendError');
    let err: unknown;
    try {
      yield* tx.reserve();
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof SendError);
    assert.equal(yield* rx.recv(), 1);
    assert.equal(yield* rx.recv(), undefined);
  });

  test('releasing the last permit after every sender closed ends the channel', function* () {
    const [tx, rx] = mpsc.channel<number>(1);
    const p = yield* tx.reserve();
    tx.close();
    const r = spawn(rx.recv());
    yield* yields();
    assert.equal(r.isFinished(), false, 'an outstanding permit keeps recv waiting');
    p.release();
    assert.equal(yield* r, undefined);
    assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'disconnected' });
  });

  test('cancel safety: a reserveMany that loses a select after its grant gives every slot back', function* () {
    const [tx, rx] = mpsc.channel<number>(2);
    yield* tx.send(1);
    yield* tx.send(2);
    const h = spawn(function* () {
      return yield* select(
        {
          permits: tx.reserveMany(2),
          other: function* () {
            yield* yieldNow();
            return 'other';
          },
        },
        { biased: true },
      );
    });
    yield* yieldNow();
    // frees both slots: the reserve is granted after `other` was queued
    assert.equal(rx.tryRecv().ok, true);
    assert.equal(rx.tryRecv().ok, true);
    const r = yield* h;
    assert.equal(r.key, 'other');
    assert.equal(tx.capacity(), 2);
    assert.equal(tx.trySend(3), 'ok');
    assert.equal(tx.trySend(4), 'ok');
    assert.equal(rx.len(), 2);
  });
});
