// Tokio's sync_mpsc.rs cases about a closed receiver: a recv pending on a
// channel closed with `rx.close()` ends (undefined) once the last permit or
// reservation is sent, released, fails or is cancelled; and a recv parked in
// another task is woken by `rx.close()`.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { type Future, type JoinHandle, spawn, yieldNow } from 'tokio-ts';
import { mpsc, oneshot, RecvError, SendError } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';

function* settle(n = 4): Future<void> {
  for (let i = 0; i < n; i++) yield* yieldNow();
}

/** A task parked in `rx.recv()`; returns its handle once it is parked. */
function* parkedRecv<T>(rx: mpsc.Receiver<T>): Future<JoinHandle<T | undefined>> {
  const h = spawn(rx.recv());
  yield* settle();
  assert.equal(h.isFinished(), false, 'recv is parked');
  return h;
}

describe('mpsc: a closed receiver ends when the last permit goes', () => {
  test('recv_close_gets_none_idle: recv after close() is undefined and send fails', function* () {
    const [tx, rx] = mpsc.channel<number>(10);
    rx.close();
    assert.equal(yield* rx.recv(), undefined);
    let err: unknown;
    try {
      yield* tx.send(1);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof SendError);
  });

  test('recv_close_gets_none_reserved: the reserved message arrives, then undefined', function* () {
    const [tx1, rx] = mpsc.channel<number>(1);
    const tx2 = tx1.clone();
    const permit1 = yield* tx1.reserve();
    const p2 = spawn(function* () {
      try {
        yield* tx2.reserve();
        return 'granted';
      } catch (e) {
        return e instanceof SendError ? 'failed' : String(e);
      }
    });
    yield* settle();
    assert.equal(p2.isFinished(), false);
    rx.close();
    assert.equal(yield* p2, 'failed');
    const r = yield* parkedRecv(rx);
    permit1.send(123);
    assert.equal(yield* r, 123);
    assert.equal(yield* rx.recv(), undefined);
  });

  test('dropping_last_permit_wakes_closed_receiver', function* () {
    const [tx, rx] = mpsc.channel<null>(100);
    const permit = tx.tryReserve();
    assert.ok(typeof permit !== 'string');
    rx.close();
    const r = yield* parkedRecv(rx);
    permit.release();
    yield* settle();
    assert.equal(r.isFinished(), true, 'the release woke the receiver');
    assert.equal(yield* r, undefined);
  });

  test('dropping_last_permit_iterator_wakes_closed_receiver', function* () {
    const [tx, rx] = mpsc.channel<null>(100);
    const permits = yield* tx.reserveMany(1);
    rx.close();
    const r = yield* parkedRecv(rx);
    permits.release();
    yield* settle();
    assert.equal(r.isFinished(), true);
    assert.equal(yield* r, undefined);
  });

  test('sending_last_permit_wakes_closed_receiver', function* () {
    const [tx, rx] = mpsc.channel<null>(100);
    const permit = tx.tryReserve();
    assert.ok(typeof permit !== 'string');
    rx.close();
    const r = yield* parkedRecv(rx);
    permit.send(null);
    assert.equal(yield* r, null);
    assert.equal(yield* rx.recv(), undefined);
  });

  test('ready_close_cancel_bounded: releasing the permit ends a recv parked after close()', function* () {
    const [tx, rx] = mpsc.channel<null>(100);
    const tx2 = tx.clone();
    const permit = yield* tx.reserve();
    rx.close();
    const r = yield* parkedRecv(rx);
    permit.release();
    assert.equal(yield* r, undefined);
    tx2.close();
    tx.close();
  });

  test('failed_reserve_wakes_closed_receiver: a granted reserve failing on close gives its slot back', function* () {
    const [tx, rx] = mpsc.channel<null>(1);
    const r = yield* parkedRecv(rx);
    const permit = tx.tryReserve();
    assert.ok(typeof permit !== 'string');
    const reserve = spawn(function* () {
      try {
        yield* tx.reserve();
        return 'granted';
      } catch (e) {
        return e instanceof SendError ? 'failed' : String(e);
      }
    });
    yield* settle();
    permit.release(); // the slot is assigned to the queued reserve (woken, not yet resumed)
    rx.close();
    assert.equal(yield* reserve, 'failed');
    yield* settle();
    assert.equal(r.isFinished(), true);
    assert.equal(yield* r, undefined);
  });

  test('cancelled_reserve_wakes_closed_receiver: a granted reserve cancelled gives its slot back', function* () {
    const [tx, rx] = mpsc.channel<null>(1);
    const r = yield* parkedRecv(rx);
    const permit = tx.tryReserve();
    assert.ok(typeof permit !== 'string');
    const reserve = spawn(tx.reserve());
    yield* settle();
    permit.release();
    rx.close();
    reserve.abort();
    yield* settle();
    assert.equal(r.isFinished(), true);
    assert.equal(yield* r, undefined);
  });

  test('failed_reserve_many_wakes_closed_receiver', function* () {
    const [tx, rx] = mpsc.channel<null>(2);
    const r = yield* parkedRecv(rx);
    const permit = tx.tryReserve();
    assert.ok(typeof permit !== 'string');
    const reserve = spawn(function* () {
      try {
        yield* tx.reserveMany(2);
        return 'granted';
      } catch (e) {
        return e instanceof SendError ? 'failed' : String(e);
      }
    });
    yield* settle();
    rx.close();
    assert.equal(yield* reserve, 'failed');
    yield* settle();
    assert.equal(r.isFinished(), false, 'one slot is still reserved');
    permit.release();
    yield* settle();
    assert.equal(r.isFinished(), true);
    assert.equal(yield* r, undefined);
  });

  test('cancelled_reserve_many_wakes_closed_receiver', function* () {
    const [tx, rx] = mpsc.channel<null>(2);
    const r = yield* parkedRecv(rx);
    const permit = tx.tryReserve();
    assert.ok(typeof permit !== 'string');
    const reserve = spawn(tx.reserveMany(2));
    yield* settle();
    rx.close();
    permit.release();
    reserve.abort();
    yield* settle();
    assert.equal(r.isFinished(), true);
    assert.equal(yield* r, undefined);
  });

  test('permit_available_not_acquired_close: a reserve granted after close and cancelled ends the channel', function* () {
    const [tx1, rx] = mpsc.channel<null>(1);
    const tx2 = tx1.clone();
    const permit1 = yield* tx1.reserve();
    const p2 = spawn(tx2.reserve());
    yield* settle();
    rx.close();
    permit1.release();
    p2.abort();
    assert.equal(yield* rx.recv(), undefined);
    tx1.close();
    tx2.close();
  });

  test('a recv parked in another task is woken by rx.close() and returns undefined', function* () {
    const [tx, rx] = mpsc.channel<number>(4);
    const r = yield* parkedRecv(rx);
    rx.close();
    yield* settle();
    assert.equal(r.isFinished(), true, 'close() woke the parked recv');
    assert.equal(yield* r, undefined);
    assert.equal(tx.isClosed(), true);
  });

  test('a recv parked on an unbounded channel is woken by rx.close()', function* () {
    const [tx, rx] = mpsc.unboundedChannel<number>();
    const r = yield* parkedRecv(rx);
    rx.close();
    assert.equal(yield* r, undefined);
    tx.close();
  });
});

describe('mpsc: tryRecv and len around close() (Tokio sync_mpsc.rs)', () => {
  test('try_recv_after_receiver_close', function* () {
    const [tx, rx] = mpsc.channel<null>(5);
    assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'empty' });
    rx.close();
    assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'disconnected' });
    tx.close();
  });

  test('try_recv_after_receiver_close_with_permit', function* () {
    const [tx, rx] = mpsc.channel<null>(5);
    const permit = tx.tryReserve();
    assert.ok(typeof permit !== 'string');
    assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'empty' });
    rx.close();
    assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'empty' }, 'the permit may still send');
    permit.release();
    assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'disconnected' });
    tx.close();
  });

  test('test_rx_is_not_closed_when_there_are_permits_but_not_senders', function* () {
    const [tx, rx] = mpsc.channel<null>(10);
    const permit = yield* tx.reserveOwned();
    assert.equal(rx.isClosed(), false);
    permit.close();
    assert.equal(rx.isClosed(), true);
  });

  test('test_rx_len_when_close_is_called_before_dropping_sender', function* () {
    const [tx, rx] = mpsc.channel<null>(100);
    yield* tx.send(null);
    rx.close();
    tx.close();
    assert.equal(rx.len(), 1);
    assert.equal(yield* rx.recv(), null);
    assert.equal(yield* rx.recv(), undefined);
  });
});

describe('oneshot: close() wakes a parked receiver', () => {
  test('a `yield* rx` parked in another task throws RecvError closed when rx.close() is called', function* () {
    const [tx, rx] = oneshot.channel<number>();
    const h = spawn(function* () {
      try {
        return yield* rx;
      } catch (e) {
        return e instanceof RecvError ? e.kind : String(e);
      }
    });
    yield* settle();
    assert.equal(h.isFinished(), false);
    rx.close();
    yield* settle();
    assert.equal(h.isFinished(), true, 'close() woke the parked receiver');
    assert.equal(yield* h, 'closed');
    assert.equal(tx.isClosed(), true);
  });
});
