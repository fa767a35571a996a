// Ports of Tokio's sync_mpsc.rs / sync_mpsc_weak.rs cases for tryReserveMany,
// owned permits, closable weak senders and SendTimeoutError.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { type Future, spawn, yieldNow } from 'tokio-ts';
import { mpsc, SendError, SendTimeoutError } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';
import { Instant } from 'tokio-ts/time';

function* settle(n = 4): Future<void> {
  for (let i = 0; i < n; i++) yield* yieldNow();
}

function permitOf<P>(p: P | 'full' | 'closed'): P {
  assert.ok(typeof p !== 'string', `expected a permit, got ${String(p)}`);
  return p;
}

describe('mpsc tryReserveMany', () => {
  test('try_reserve_many_zero: 0 succeeds even when full, and is closed once closed', function* () {
    const [tx, rx] = mpsc.channel<null>(1);
    assert.equal(permitOf(tx.tryReserveMany(0)).next(), undefined);
    tx.trySend(null);
    assert.equal(permitOf(tx.tryReserveMany(0)).next(), undefined);
    rx.close();
    assert.equal(tx.tryReserveMany(0), 'closed');
  });

  test('try_reserve_many_edge_cases: more than the capacity is full; bad n is a RangeError', function* () {
    const [tx] = mpsc.channel<null>(1);
    assert.equal(tx.tryReserveMany(2), 'full');
    assert.equal(tx.tryReserveMany(Number.MAX_SAFE_INTEGER), 'full');
    assert.throws(() => tx.tryReserveMany(-1), RangeError);
    assert.throws(() => tx.tryReserveMany(1.5), RangeError);
  });

  test('try_reserve_many_on_closed_channel', function* () {
    const [tx, rx] = mpsc.channel<number>(100);
    rx.close();
    assert.equal(tx.tryReserveMany(10), 'closed');
  });

  test('try_reserve_many_and_send', function* () {
    const [tx, rx] = mpsc.channel<string>(100);
    for (let i = 0; i < 100; i++) {
      const permits = permitOf(tx.tryReserveMany(i));
      for (let p = permits.next(); p !== undefined; p = permits.next()) {
        p.send('foo');
        assert.equal(yield* rx.recv(), 'foo');
      }
      assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'empty' });
    }
  });

  test('try_reserve_many_full: capacity follows the permits used and given back', function* () {
    for (let n = 1; n < 12; n++) {
      for (let k = 0; k < n; k++) {
        const [tx, rx] = mpsc.channel<number>(n);
        const permits = permitOf(tx.tryReserveMany(n));
        assert.equal(permits.len(), n);
        assert.equal(tx.capacity(), 0);
        assert.equal(tx.tryReserveMany(1), 'full');
        for (let i = 0; i < k; i++) permits.next()!.send(0);
        permits.release();
        assert.equal(tx.capacity(), n - k);
        permitOf(tx.tryReserveMany(1)).release();
        assert.equal(tx.tryReserveMany(n - k + 1), 'full');
        for (let i = 0; i < k; i++) assert.equal(yield* rx.recv(), 0);
        assert.equal(tx.capacity(), n);
      }
    }
  });

  test('tryReserveMany does not jump queued senders', function* () {
    const [tx, rx] = mpsc.channel<number>(2);
    const held = permitOf(tx.tryReserveMany(2));
    const waiting = spawn(tx.reserveMany(1));
    yield* settle();
    held.release(); // one slot to the queued reserveMany, one free
    assert.equal(tx.tryReserveMany(1) !== 'full', true, 'the free slot is available');
    (yield* waiting).release();
    rx.close();
  });
});

describe('mpsc owned permits', () => {
  test('reserveOwned moves the sender into the permit; send hands it back', function* () {
    const [tx, rx] = mpsc.channel<number>(1);
    const permit = yield* tx.reserveOwned();
    assert.throws(() => tx.clone(), /closed/, 'the handle was moved');
    assert.equal(rx.senderStrongCount(), 1, 'the permit keeps the sender alive');
    const h = spawn(function* () {
      const back = permit.send(5);
      back.close();
    });
    yield* h;
    assert.equal(yield* rx.recv(), 5);
    assert.equal(yield* rx.recv(), undefined, 'the handed-back sender was the last');
  });

  test('dropping_last_owned_permit_wakes_closed_receiver', function* () {
    const [tx, rx] = mpsc.channel<null>(100);
    const permit = permitOf(tx.tryReserveOwned());
    rx.close();
    const r = spawn(rx.recv());
    yield* settle();
    assert.equal(r.isFinished(), false);
    permit.close(); // Rust's drop: slot and sender go
    assert.equal(yield* r, undefined);
  });

  test('sending_last_owned_permit_wakes_closed_receiver', function* () {
    const [tx, rx] = mpsc.channel<null>(100);
    const permit = permitOf(tx.tryReserveOwned());
    rx.close();
    const r = spawn(function* () {
      return [yield* rx.recv(), yield* rx.recv()];
    });
    yield* settle();
    const back = permit.send(null);
    assert.deepEqual(yield* r, [null, undefined]);
    back.close();
  });

  test('releasing_last_owned_permit_wakes_closed_receiver', function* () {
    const [tx, rx] = mpsc.channel<null>(100);
    const permit = permitOf(tx.tryReserveOwned());
    rx.close();
    const r = spawn(rx.recv());
    yield* settle();
    const inert = permit.release();
    assert.equal(yield* r, undefined);
    assert.throws(() => permit.release(), /already used/);
    inert.close();
  });

  test('tryReserveOwned on a full channel leaves the sender usable', function* () {
    const [tx, rx] = mpsc.channel<number>(1);
    tx.trySend(1);
    assert.equal(tx.tryReserveOwned(), 'full');
    assert.equal(tx.capacity(), 0);
    yield* rx.recv();
    const p = permitOf(tx.tryReserveOwned());
    p.close();
    assert.equal(rx.senderStrongCount(), 0);
  });

  test('cancel safety: a reserveOwned cancelled while queued drops its sender and loses no slot', function* () {
    const [tx, rx] = mpsc.channel<number>(1);
    tx.trySend(0);
    const h = spawn(tx.clone().reserveOwned());
    yield* settle();
    assert.equal(rx.senderStrongCount(), 2);
    h.abort();
    yield* settle();
    assert.equal(rx.senderStrongCount(), 1, 'the moved sender was dropped');
    assert.equal(yield* rx.recv(), 0);
    assert.equal(tx.capacity(), 1);
    tx.close();
    assert.equal(yield* rx.recv(), undefined);
  });

  test('a reserveOwned failing on a closed channel throws SendError and drops its sender', function* () {
    const [tx, rx] = mpsc.channel<number>(1);
    rx.close();
    let err: unknown;
    try {
      yield* tx.reserveOwned();
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof SendError);
    assert.equal(rx.senderStrongCount(), 0);
  });
});

describe('mpsc weak senders close explicitly', () => {
  test('test_tx_count_weak_sender: close() counts a weak sender down at once', function* () {
    const [tx, rx] = mpsc.channel<number>(1);
    const w1 = tx.downgrade();
    const w2 = tx.downgrade();
    assert.equal(rx.senderWeakCount(), 2);
    w1.close();
    w1.close(); // idempotent
    assert.equal(rx.senderWeakCount(), 1);
    assert.throws(() => w1.upgrade(), /closed/);
    assert.ok(w2.upgrade() !== undefined);
    w2.close();
    assert.equal(tx.weakCount(), 0);
  });

  test('downgrade_get_permit_upgrade_no_senders: an owned permit keeps a weak sender upgradable', function* () {
    const [tx, rx] = mpsc.channel<number>(1);
    const weak = tx.downgrade();
    const permit = yield* tx.reserveOwned();
    const up = weak.upgrade();
    assert.ok(up !== undefined);
    up.close();
    permit.close();
    assert.equal(weak.upgrade(), undefined, 'the permit was the last strong sender');
    assert.equal(rx.isClosed(), true);
    weak.close();
  });

  test('downgrade_upgrade_get_permit_no_senders', function* () {
    const [tx] = mpsc.channel<number>(1);
    const tx2 = tx.clone();
    const permit = yield* tx.reserveOwned();
    const weak = tx2.downgrade();
    tx2.close();
    const up = weak.upgrade();
    assert.ok(up !== undefined);
    up.close();
    permit.close();
    weak.close();
  });

  test('unbounded weak senders close too', function* () {
    const [tx, rx] = mpsc.unboundedChannel<number>();
    {
      using _w = tx.downgrade();
      assert.equal(rx.senderWeakCount(), 1);
    }
    assert.equal(rx.senderWeakCount(), 0);
  });
});

describe('mpsc sendTimeout', () => {
  test('send_timeout: a full channel times out with SendTimeoutError carrying the value', {
    startPaused: true,
  }, function* () {
    const [tx, rx] = mpsc.channel<string>(1);
    tx.trySend('a');
    const start = Instant.now();
    let err: unknown;
    try {
      yield* tx.sendTimeout('b', 50);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof SendTimeoutError);
    assert.equal(err.kind, 'timeout');
    assert.equal(err.value, 'b');
    assert.equal(start.elapsed(), 50);
    assert.equal(yield* rx.recv(), 'a');
    assert.equal(rx.len(), 0, 'the timed-out message was not sent');
    yield* tx.sendTimeout('c', 50); // room: sent at once
    assert.equal(yield* rx.recv(), 'c');
  });

  test('recv_timeout: five sends fit, the sixth times out with its value, then closed with its value', {
    startPaused: true,
  }, function* () {
    const [tx, rx] = mpsc.channel<number>(5);
    for (const v of [10, 20, 30, 40, 50]) yield* tx.sendTimeout(v, 1000);
    const start = Instant.now();
    const failure = function* (v: number): Future<[string, number] | undefined> {
      try {
        yield* tx.sendTimeout(v, 1000);
        return undefined;
      } catch (e) {
        return e instanceof SendTimeoutError ? [e.kind, e.value as number] : undefined;
      }
    };
    assert.deepEqual(yield* failure(60), ['timeout', 60]);
    assert.equal(start.elapsed(), 1000);
    rx.close();
    assert.deepEqual(yield* failure(70), ['closed', 70]);
  });

  test('sendTimeout on a closed channel throws SendTimeoutError closed with the value', function* () {
    const [tx, rx] = mpsc.channel<string>(1);
    rx.close();
    let err: unknown;
    try {
      yield* tx.sendTimeout('x', 50);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof SendTimeoutError);
    assert.equal(err.kind, 'closed');
    assert.equal(err.value, 'x');
  });
});
