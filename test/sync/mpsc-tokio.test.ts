// Ports of tokio/tests/sync_mpsc.rs (the edge cases not covered by the mpsc
// test files), through the public API.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Future, spawn, yieldNow } from 'tokio-ts';
import { mpsc, SendError } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';

function* settle(): Future<void> {
  for (let i = 0; i < 3; i++) yield* yieldNow();
}

function* sendErr(fut: Future<unknown>): Future<unknown> {
  try {
    yield* fut;
  } catch (e) {
    return e;
  }
  assert.fail('should throw');
}

describe('mpsc (ports of tokio sync_mpsc.rs)', () => {
  test('recv_many_with_non_empty_buffer_{bounded,unbounded}_rx_closed_and_idle: 0, the buffer untouched', function* () {
    for (const [, rx] of [mpsc.channel<number>(1), mpsc.unboundedChannel<number>()]) {
      const buf = [1];
      rx.close();
      assert.equal(yield* rx.recvMany(buf, 1), 0);
      assert.deepEqual(buf, [1]);
    }
  });

  test('send_recv_many_bounded_capacity: recvMany takes up to the limit, appending', function* () {
    const [tx, rx] = mpsc.channel<string>(4);
    for (const s of ['a', 'b', 'c', 'd']) yield* tx.send(s);
    const buf: string[] = ['x'];
    assert.equal(yield* rx.recvMany(buf, 3), 3);
    assert.deepEqual(buf, ['x', 'a', 'b', 'c']);
    tx.close();
    assert.equal(yield* rx.recvMany(buf, 3), 1);
    assert.equal(yield* rx.recvMany(buf, 3), 0);
    assert.deepEqual(buf, ['x', 'a', 'b', 'c', 'd']);
  });

  test('send_recv_buffer_limited: a waiting reserve is served before a later trySend', function* () {
    const [tx, rx] = mpsc.channel<number>(1);
    (yield* tx.reserve()).send(1);
    const p2 = spawn(tx.reserve());
    yield* settle();
    assert.equal(p2.isFinished(), false);
    assert.equal(yield* rx.recv(), 1);
    assert.equal(tx.trySend(1337), 'full');
    (yield* p2).send(2);
    assert.equal(yield* rx.recv(), 2);
  });

  it('try_send_fail_with_try_recv: buffered messages outlive the sender, then disconnected', () => {
    const [tx, rx] = mpsc.channel<string>(1);
    assert.equal(tx.trySend('hello'), 'ok');
    assert.equal(tx.trySend('fail'), 'full');
    assert.deepEqual(rx.tryRecv(), { ok: true, value: 'hello' });
    assert.equal(tx.trySend('goodbye'), 'ok');
    tx.close();
    assert.deepEqual(rx.tryRecv(), { ok: true, value: 'goodbye' });
    assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'disconnected' });
  });

  test('reserve_many_zero / try_reserve_many_zero: empty permits even when full; closed fails', function* () {
    const [tx, rx] = mpsc.channel<null>(1);
    const a = tx.tryReserveMany(0);
    assert.ok(typeof a !== 'string');
    assert.equal(a.next(), undefined);
    assert.equal((yield* tx.reserveMany(0)).next(), undefined);
    yield* tx.send(null);
    const b = tx.tryReserveMany(0);
    assert.ok(typeof b !== 'string');
    assert.equal(b.next(), undefined);
    assert.equal((yield* tx.reserveMany(0)).next(), undefined);
    rx.close();
    assert.equal(tx.tryReserveMany(0), 'closed');
    assert.ok((yield* sendErr(tx.reserveMany(0))) instanceof SendError);
  });

  it('try_reserve_many_edge_cases: more than the capacity is full, never a permit', () => {
    const [tx] = mpsc.channel<null>(1);
    assert.equal(tx.tryReserveMany(2), 'full');
    assert.equal(tx.tryReserveMany(Number.MAX_SAFE_INTEGER), 'full');
  });

  test('try_reserve_fails: a reserved slot makes the channel full until sent or released', function* () {
    const [tx, rx] = mpsc.channel<string>(1);
    const p = tx.tryReserve();
    assert.ok(typeof p !== 'string');
    assert.equal(tx.tryReserve(), 'full');
    p.send('foo');
    assert.equal(yield* rx.recv(), 'foo');
    const p2 = tx.tryReserve();
    assert.ok(typeof p2 !== 'string');
    p2.release();
    assert.ok(typeof tx.tryReserve() !== 'string');
  });

  test('reserve_many_and_send / try_reserve_many_and_send', function* () {
    const [tx, rx] = mpsc.channel<string>(100);
    for (let i = 0; i < 100; i++) {
      for (const fromTry of [false, true]) {
        const it = fromTry ? tx.tryReserveMany(i) : yield* tx.reserveMany(i);
        assert.ok(typeof it !== 'string');
        for (let p = it.next(); p !== undefined; p = it.next()) {
          p.send('foo');
          assert.equal(yield* rx.recv(), 'foo');
        }
        assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'empty' });
      }
    }
  });

  test('reserve_many_on_closed_channel / try_reserve_many_on_closed_channel', function* () {
    const [tx, rx] = mpsc.channel<null>(100);
    rx.close();
    assert.ok((yield* sendErr(tx.reserveMany(10))) instanceof SendError);
    assert.equal(tx.tryReserveMany(10), 'closed');
  });

  test('drop_permit_iterator_releases_permits: unused permits of a batch come back', function* () {
    for (const n of [1, 5, 10]) {
      const [tx, rx] = mpsc.channel<number>(10);
      const it = yield* tx.reserveMany(n);
      assert.equal(tx.capacity(), 10 - n);
      it.release();
      assert.equal(tx.capacity(), 10);
      rx.close();
    }
  });

  test('dropping_last_permit_iterator_wakes_closed_receiver', function* () {
    const [tx, rx] = mpsc.channel<number>(10);
    const it = yield* tx.reserveMany(3);
    tx.close();
    const h = spawn(rx.recv());
    yield* settle();
    assert.equal(h.isFinished(), false);
    it.next()!.send(1);
    assert.equal(yield* h, 1);
    const h2 = spawn(rx.recv());
    yield* settle();
    assert.equal(h2.isFinished(), false);
    it.release();
    assert.equal(yield* h2, undefined);
  });

  test('ready_close_cancel_bounded: recv ends once the receiver closed and the last permit goes, senders alive', function* () {
    const [tx, rx] = mpsc.channel<null>(100);
    const tx2 = tx.clone();
    const permit = yield* tx.reserve();
    rx.close();
    const h = spawn(rx.recv());
    yield* settle();
    assert.equal(h.isFinished(), false);
    permit.release();
    assert.equal(yield* h, undefined);
    tx2.close();
  });

  test('permit_available_not_acquired_close: a reserve granted after close is still usable then released', function* () {
    const [tx1, rx] = mpsc.channel<null>(1);
    const tx2 = tx1.clone();
    const permit1 = yield* tx1.reserve();
    const p2 = spawn(function* () {
      try {
        const p = yield* tx2.reserve();
        p.release();
        return 'permit';
      } catch (e) {
        return e instanceof SendError ? 'closed' : 'other';
      }
    });
    yield* settle();
    rx.close();
    permit1.release();
    yield* p2;
    assert.equal(yield* rx.recv(), undefined);
  });

  test('recv_close_gets_none_reserved: close fails waiting reserves; outstanding permits still deliver', function* () {
    const [tx1, rx] = mpsc.channel<number>(1);
    const tx2 = tx1.clone();
    const permit1 = yield* tx1.reserve();
    const p2 = spawn(function* () {
      try {
        yield* tx2.reserve();
        return 'permit';
      } catch (e) {
        return e instanceof SendError ? 'closed' : 'other';
      }
    });
    yield* settle();
    rx.close();
    assert.equal(yield* p2, 'closed');
    const h = spawn(rx.recv());
    yield* settle();
    assert.equal(h.isFinished(), false);
    permit1.send(123);
    assert.equal(yield* h, 123);
    assert.equal(yield* rx.recv(), undefined);
  });

  it('try_recv_after_receiver_close_with_permit: empty until the permit goes, then disconnected', () => {
    const [tx, rx] = mpsc.channel<null>(5);
    const permit = tx.tryReserve();
    assert.ok(typeof permit !== 'string');
    assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'empty' });
    rx.close();
    assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'empty' });
    permit.release();
    assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'disconnected' });
  });

  test('test_tx_capacity: reserve and send each take a slot; maxCapacity stays', function* () {
    const [tx, rx] = mpsc.channel<null>(10);
    assert.deepEqual([tx.capacity(), tx.maxCapacity()], [10, 10]);
    const p = yield* tx.reserve();
    assert.deepEqual([tx.capacity(), tx.maxCapacity()], [9, 10]);
    yield* tx.send(null);
    assert.deepEqual([tx.capacity(), tx.maxCapacity()], [8, 10]);
    p.release();
    rx.close();
  });

  test('rx is_closed / len edge cases (test_rx_is_* / test_rx_len_*)', function* () {
    {
      const [tx, rx] = mpsc.channel<null>(10);
      const p = yield* tx.clone().reserveOwned();
      tx.close();
      assert.equal(rx.isClosed(), false, 'a permit keeps it open');
      p.release().close();
      assert.equal(rx.isClosed(), true);
    }
    {
      const [tx, rx] = mpsc.channel<number>(10);
      for (let i = 0; i < 10; i++) yield* tx.send(i);
      assert.equal(rx.isClosed(), false);
      rx.close();
      assert.equal(rx.isClosed(), true);
      assert.equal(rx.len(), 10);
    }
    {
      const [tx, rx] = mpsc.channel<null>(100);
      yield* tx.send(null);
      tx.close();
      rx.close();
      assert.equal(rx.len(), 1);
      assert.equal(rx.isEmpty(), false);
      yield* rx.recv();
      assert.equal(rx.len(), 0);
    }
    {
      const [tx, rx] = mpsc.unboundedChannel<number>();
      for (let i = 0; i < 32; i++) tx.send(i);
      assert.equal(rx.len(), 32);
      tx.close();
      assert.equal(rx.isClosed(), true);
      for (let i = 0; i < 32; i++) yield* rx.recv();
      assert.ok(rx.isEmpty());
    }
  });

  test('dropping_rx_closes_channel_for_try: trySend, tryReserve and tryReserveOwned see closed', function* () {
    const [tx, rx] = mpsc.channel<number>(100);
    tx.trySend(1);
    rx.close();
    assert.equal(tx.trySend(2), 'closed');
    assert.equal(tx.tryReserve(), 'closed');
    assert.equal(tx.clone().tryReserveOwned(), 'closed');
    assert.ok((yield* sendErr(tx.send(3))) instanceof SendError);
  });

  test('reserve_disarm: slots free up by receiving or by releasing a permit, in FIFO order', function* () {
    const [tx, rx] = mpsc.channel<number>(2);
    const [tx1, tx2, tx3, tx4] = [tx.clone(), tx.clone(), tx.clone(), tx];
    const permit1 = yield* tx1.reserve();
    const permit2 = yield* tx2.reserve();
    const r3 = spawn(tx3.reserve());
    yield* settle();
    const r4 = spawn(tx4.reserve());
    yield* settle();
    permit1.send(1);
    yield* settle();
    assert.equal(r3.isFinished(), false, 'a sent permit frees its slot only once received');
    assert.equal(yield* rx.recv(), 1);
    yield* settle();
    assert.deepEqual([r3.isFinished(), r4.isFinished()], [true, false]);
    permit2.release();
    yield* settle();
    assert.equal(r4.isFinished(), true);
    const r1 = spawn(tx1.reserve());
    yield* settle();
    assert.equal(r1.isFinished(), false);
    r1.abort();
    (yield* r3).release();
    (yield* r4).release();
  });

  it('try_recv_bounded / try_recv_close_while_empty_bounded', () => {
    const [tx, rx] = mpsc.channel<string>(5);
    assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'empty' });
    for (let i = 0; i < 5; i++) assert.equal(tx.trySend('hello'), 'ok');
    assert.equal(tx.trySend('hello'), 'full');
    for (let i = 0; i < 5; i++) assert.deepEqual(rx.tryRecv(), { ok: true, value: 'hello' });
    assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'empty' });
    for (let i = 0; i < 4; i++) tx.trySend('hello');
    rx.tryRecv();
    assert.equal(tx.trySend('hello'), 'ok');
    assert.equal(tx.trySend('hello'), 'ok');
    assert.equal(tx.trySend('hello'), 'full');
    for (let i = 0; i < 5; i++) assert.deepEqual(rx.tryRecv(), { ok: true, value: 'hello' });
    for (let i = 0; i < 3; i++) tx.trySend('hello');
    tx.close();
    for (let i = 0; i < 3; i++) assert.deepEqual(rx.tryRecv(), { ok: true, value: 'hello' });
    assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'disconnected' });
  });

  test('tx_close_gets_none: no sender left, recv is undefined at once', function* () {
    const [tx, rx] = mpsc.channel<number>(10);
    tx.close();
    assert.equal(yield* rx.recv(), undefined);
  });
});
