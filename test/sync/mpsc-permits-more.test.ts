/**
 * Permit cases main's mpsc-permits tests did not cover yet (ported from the
 * unmerged chan2 branch, adapted to main's PermitIterator: `next()`, `len()`,
 * `release()`): reserveMany bounds, reserve failing while it waits, the last
 * permit ending the channel, and a reserveMany that loses a select.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Future, JoinError, select, spawn, yieldNow } from 'tokio-ts';
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

  test('cancel safety: a waiting reserveMany that is cancelled lets smaller waiters behind it in', function* () {
    const [tx, rx] = mpsc.channel<number>(2);
    yield* tx.send(1);
    yield* tx.send(2);
    const big = spawn(tx.reserveMany(2));
    yield* yieldNow();
    const small = spawn(tx.send(3));
    yield* yieldNow();
    assert.equal(rx.tryRecv().ok, true); // one slot: not enough for big
    yield* yields();
    assert.equal(
      small.isFinished(),
      false,
      'the small send must not overtake the waiting reserveMany',
    );
    big.abort();
    let cancelled = false;
    try {
      yield* big;
    } catch (e) {
      cancelled = e instanceof JoinError && e.isCancelled();
    }
    assert.equal(cancelled, true);
    yield* small;
    assert.deepEqual(
      [rx.tryRecv(), rx.tryRecv()],
      [
        { ok: true, value: 2 },
        { ok: true, value: 3 },
      ],
    );
    assert.equal(tx.capacity(), 2);
  });
});

describe('mpsc weak sender counts', () => {
  test('strong and weak counts seen from senders, weak senders and the receiver', function* () {
    const [tx, rx] = mpsc.channel<number>(4);
    const weak = tx.downgrade();
    assert.equal(tx.strongCount(), 1);
    assert.equal(tx.weakCount(), 1);
    assert.equal(rx.senderStrongCount(), 1);
    assert.equal(rx.senderWeakCount(), 1);
    const strong = weak.upgrade();
    assert.ok(strong !== undefined);
    assert.equal(strong.sameChannel(tx), true);
    assert.equal(weak.strongCount(), 2);
    assert.equal(weak.weakCount(), 1);
    yield* strong.send(1);
    strong.close();
    tx.close();
    assert.equal(rx.senderStrongCount(), 0);
    assert.equal(weak.upgrade(), undefined);
    assert.equal(yield* rx.recv(), 1);
    assert.equal(yield* rx.recv(), undefined, 'the weak sender did not keep it open');
  });

  it('unbounded weak senders upgrade to unbounded senders and are counted', () => {
    const [tx, rx] = mpsc.unboundedChannel<string>();
    const weak = tx.downgrade();
    assert.equal(rx.senderWeakCount(), 1);
    assert.equal(tx.weakCount(), 1);
    const s = weak.upgrade();
    assert.ok(s instanceof mpsc.UnboundedSender);
    assert.equal(rx.senderStrongCount(), 2);
    s.send('x');
    s.close();
    tx.close();
    assert.equal(weak.upgrade(), undefined);
    assert.deepEqual(rx.tryRecv(), { ok: true, value: 'x' });
    assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'disconnected' });
  });
});
