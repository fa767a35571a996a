// Ports of tokio/tests/sync_broadcast.rs (the cases not covered by
// broadcast.test.ts / broadcast-api.test.ts), through the public API.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spawn, yieldNow } from 'tokio-ts';
import { broadcast, RecvError, SendError } from 'tokio-ts/sync';

type BroadcastReceiver<T> = broadcast.BroadcastReceiver<T>;

import { test } from 'tokio-ts/test';

function recvNow<T>(rx: BroadcastReceiver<T>): T {
  const r = rx.tryRecv();
  assert.ok(r.ok, `expected a value, got ${JSON.stringify(r)}`);
  return r.value;
}
const lagged = (rx: BroadcastReceiver<unknown>, n: number) =>
  assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'lagged', skipped: n });
const empty = (rx: BroadcastReceiver<unknown>) =>
  assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'empty' });
const closed = (rx: BroadcastReceiver<unknown>) =>
  assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'closed' });

describe('broadcast (ports of tokio sync_broadcast.rs)', () => {
  test('send_two_recv_bounded: a send wakes every parked receiver', function* () {
    const [tx, rx1] = broadcast.channel<string>(16);
    const rx2 = tx.subscribe();
    const a = spawn(rx1.recv());
    const b = spawn(rx2.recv());
    yield* yieldNow();
    assert.equal(tx.send('hello'), 2);
    assert.deepEqual([yield* a, yield* b], ['hello', 'hello']);
  });

  test('lagging_rx: each overflow past a slow receiver is reported once, then reading resumes', function* () {
    const [tx, rx1] = broadcast.channel<string>(2);
    const rx2 = tx.subscribe();
    tx.send('one');
    tx.send('two');
    assert.equal(recvNow(rx1), 'one');
    tx.send('three');
    lagged(rx2, 1);
    assert.equal(recvNow(rx2), 'two');
    assert.equal(recvNow(rx1), 'two');
    assert.equal(recvNow(rx1), 'three');
    tx.send('four');
    tx.send('five');
    lagged(rx2, 1);
    tx.send('six');
    lagged(rx2, 1);
  });

  test('send_no_rx: send fails without receivers, succeeds after a subscribe', function* () {
    const [tx, rx] = broadcast.channel<string>(16);
    rx.close();
    assert.throws(() => tx.send('hello'), SendError);
    const rx2 = tx.subscribe();
    tx.send('world');
    assert.equal(recvNow(rx2), 'world');
  });

  it('zero_capacity and capacity_too_big are refused', () => {
    assert.throws(() => broadcast.channel(0), RangeError);
    assert.throws(() => broadcast.channel(2 ** 53), RangeError);
  });

  test('dropping_tx_notifies_rx: receivers wake with closed only when the last sender goes', function* () {
    const [tx, rx1] = broadcast.channel<number>(16);
    const rx2 = tx.subscribe();
    const tx2 = tx.clone();
    const kinds: string[] = [];
    const wait = (rx: BroadcastReceiver<number>) =>
      spawn(function* () {
        try {
          yield* rx.recv();
        } catch (e) {
          kinds.push((e as RecvError).kind);
        }
      });
    const a = wait(rx1);
    const b = wait(rx2);
    yield* yieldNow();
    tx.close();
    yield* yieldNow();
    assert.deepEqual(kinds, []);
    tx2.close();
    yield* a;
    yield* b;
    assert.deepEqual(kinds, ['closed', 'closed']);
  });

  it('single_capacity_recvs and single_capacity_recvs_after_drop_1/2', () => {
    let [tx, rx] = broadcast.channel<number>(1);
    tx.send(1);
    assert.equal(recvNow(rx), 1);
    empty(rx);

    [tx, rx] = broadcast.channel<number>(1);
    tx.send(1);
    tx.close();
    assert.equal(recvNow(rx), 1);
    closed(rx);

    [tx, rx] = broadcast.channel<number>(1);
    tx.send(1);
    tx.send(2);
    tx.close();
    lagged(rx, 1);
    assert.equal(recvNow(rx), 2);
    closed(rx);
  });

  it('dropping_sender_does_not_overwrite', () => {
    const [tx, rx] = broadcast.channel<number>(2);
    tx.send(1);
    tx.send(2);
    tx.close();
    assert.equal(recvNow(rx), 1);
    assert.equal(recvNow(rx), 2);
    closed(rx);
  });

  it('lagging_receiver_recovers_after_wrap_closed_1/2 and _open', () => {
    for (const [sends, skipped, open] of [
      [3, 1, false],
      [4, 2, false],
      [3, 1, true],
    ] as const) {
      const [tx, rx] = broadcast.channel<number>(2);
      for (let i = 1; i <= sends; i++) tx.send(i);
      if (!open) tx.close();
      lagged(rx, skipped);
      assert.equal(recvNow(rx), sends - 1);
      assert.equal(recvNow(rx), sends);
      if (open) empty(rx);
      else closed(rx);
    }
  });

  it('receiver_len_with_lagged: capacity 3 keeps 4 (rounded up to a power of two)', () => {
    const [tx, rx] = broadcast.channel<number>(3);
    tx.send(10);
    tx.send(20);
    tx.send(30);
    tx.send(40);
    assert.equal(rx.len(), 4);
    assert.equal(recvNow(rx), 10);
    tx.send(50);
    tx.send(60);
    assert.equal(rx.len(), 5);
    lagged(rx, 1);
  });

  it('lag_uses_power_of_two_buffer_length', () => {
    const [tx, rx] = broadcast.channel<number>(3);
    for (let i = 1; i <= 4; i++) tx.send(i);
    assert.equal(rx.len(), 4);
    assert.equal(recvNow(rx), 1);
    tx.send(5);
    assert.equal(rx.len(), 4);
    tx.send(6);
    assert.equal(rx.len(), 5);
    lagged(rx, 1);
    for (let i = 3; i <= 6; i++) assert.equal(recvNow(rx), i);
    empty(rx);
  });

  it('resubscribe_points_to_tail', () => {
    const [tx, rx] = broadcast.channel<number>(3);
    tx.send(1);
    const re = rx.resubscribe();
    empty(re);
    assert.equal(recvNow(rx), 1);
    tx.send(2);
    assert.equal(recvNow(re), 2);
    tx.send(3);
    assert.equal(recvNow(rx), 2);
    assert.equal(recvNow(rx), 3);
    empty(rx);
    assert.equal(recvNow(re), 3);
    empty(re);
  });

  it('resubscribe_lagged and resubscribe_to_closed_channel', () => {
    const [tx, rx] = broadcast.channel<number>(1);
    tx.send(1);
    tx.send(2);
    const re = rx.resubscribe();
    lagged(rx, 1);
    empty(re);
    assert.equal(recvNow(rx), 2);
    empty(rx);
    empty(re);

    const [tx2, rx2] = broadcast.channel<number>(2);
    tx2.close();
    closed(rx2.resubscribe());
  });

  it('sender_len: the sender counts what the slowest receiver has not read, up to capacity', () => {
    const [tx, rx1] = broadcast.channel<number>(4);
    const rx2 = tx.subscribe();
    assert.equal(tx.len(), 0);
    assert.ok(tx.isEmpty());
    tx.send(1);
    tx.send(2);
    tx.send(3);
    assert.equal(tx.len(), 3);
    recvNow(rx1);
    recvNow(rx1);
    assert.equal(tx.len(), 3);
    recvNow(rx2);
    assert.equal(tx.len(), 2);
    tx.send(4);
    tx.send(5);
    tx.send(6);
    assert.equal(tx.len(), 4);
    assert.ok(!tx.isEmpty());
  });

  it('sender_len_random: tx.len() is min(max(rx lens), capacity) after any interleaving', () => {
    const [tx, rx1] = broadcast.channel<number>(16);
    const rx2 = tx.subscribe();
    let seed = 7;
    for (let i = 0; i < 1000; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const op = seed % 4;
      if (op === 0) rx1.tryRecv();
      else if (op === 1) rx2.tryRecv();
      else tx.send(0);
      assert.equal(tx.len(), Math.min(Math.max(rx1.len(), rx2.len()), 16));
    }
  });

  test('broadcast_sender_closed_with_extra_subscribe: closed() follows the live receiver count', function* () {
    const [tx, rx] = broadcast.channel<null>(1);
    const rx2 = tx.subscribe();
    let done = false;
    const h = spawn(function* () {
      yield* tx.closed();
      done = true;
    });
    yield* yieldNow();
    rx.close();
    yield* yieldNow();
    assert.equal(done, false);
    rx2.close();
    yield* h;
    assert.equal(done, true);
    yield* tx.closed(); // completes at once with no receivers
    const rx4 = tx.subscribe();
    let done3 = false;
    const h3 = spawn(function* () {
      yield* tx.closed();
      done3 = true;
    });
    yield* yieldNow();
    assert.equal(done3, false);
    rx4.close();
    yield* h3;
    assert.equal(done3, true);
  });

  it('slow_receiver_within_capacity_does_not_lag and lag_is_per_receiver', () => {
    const [tx, slow] = broadcast.channel<number>(2);
    const fast = tx.subscribe();
    tx.send(1);
    tx.send(2);
    assert.equal(recvNow(fast), 1);
    assert.equal(recvNow(fast), 2);
    tx.send(3);
    tx.send(4);
    assert.equal(recvNow(fast), 3);
    assert.equal(recvNow(fast), 4);
    lagged(slow, 2);
    assert.equal(recvNow(slow), 3);
    assert.equal(recvNow(slow), 4);
    empty(slow);
    empty(fast);
  });

  it('lagged_count_matches_number_of_overwritten_messages', () => {
    const [tx, rx] = broadcast.channel<number>(4);
    for (let i = 1; i <= 4; i++) tx.send(i);
    assert.equal(recvNow(rx), 1);
    for (let i = 5; i <= 8; i++) tx.send(i);
    lagged(rx, 3);
    for (let i = 5; i <= 8; i++) assert.equal(recvNow(rx), i);
    empty(rx);
  });

  test('async_recv_lagged_then_resumes_from_oldest_retained', function* () {
    const [tx, rx] = broadcast.channel<number>(2);
    tx.send(10);
    tx.send(20);
    tx.send(30);
    try {
      yield* rx.recv();
      assert.fail('should lag');
    } catch (e) {
      assert.ok(e instanceof RecvError);
      assert.equal(e.kind, 'lagged');
      assert.equal(e.skipped, 1);
    }
    assert.equal(yield* rx.recv(), 20);
    assert.equal(yield* rx.recv(), 30);
  });

  it('lag_catch_up_then_lag_again and lag_again_before_reading_retained_messages', () => {
    const [tx, rx] = broadcast.channel<number>(2);
    tx.send(1);
    tx.send(2);
    tx.send(3);
    lagged(rx, 1);
    tx.send(4);
    tx.send(5);
    tx.send(6);
    lagged(rx, 3);
    assert.equal(recvNow(rx), 5);
    assert.equal(recvNow(rx), 6);
    empty(rx);
    tx.send(7);
    tx.send(8);
    tx.send(9);
    lagged(rx, 1);
    assert.equal(recvNow(rx), 8);
  });

  it('single_slot_capacity_lag_semantics and receiver_len_after_lag_error_advances_cursor', () => {
    const [tx, rx] = broadcast.channel<number>(1);
    tx.send(1);
    assert.equal(recvNow(rx), 1);
    tx.send(2);
    tx.send(3);
    lagged(rx, 1);
    assert.equal(recvNow(rx), 3);
    empty(rx);

    const [tx2, rx2] = broadcast.channel<number>(2);
    for (let i = 1; i <= 4; i++) tx2.send(i);
    assert.equal(rx2.len(), 4);
    lagged(rx2, 2);
    assert.equal(rx2.len(), 2);
    assert.equal(recvNow(rx2), 3);
    assert.equal(rx2.len(), 1);
    assert.equal(recvNow(rx2), 4);
    assert.equal(rx2.len(), 0);
  });

  it('sync_broadcast_weak: downgrade_drop_upgrade and test_rx_is_closed_when_dropping_all_senders_except_weak_senders', () => {
    const [tx, rx] = broadcast.channel<number>(10);
    const clone = tx.clone();
    const weak = clone.downgrade();
    clone.close();
    tx.close();
    assert.equal(weak.upgrade(), undefined);
    assert.equal(weak.strongCount(), 0);
    assert.equal(weak.weakCount(), 1);
    assert.equal(rx.isClosed(), true);
  });

  it('sync_broadcast_weak: sender counts seen from senders, weak senders and receivers', () => {
    const [tx, rx] = broadcast.channel<null>(1);
    assert.equal(rx.isClosed(), false);
    const tx2 = tx.clone();
    const weak = tx.downgrade();
    const weak2 = tx2.downgrade();
    for (const h of [tx, tx2, weak, weak2])
      assert.deepEqual([h.strongCount(), h.weakCount()], [2, 2]);
    assert.deepEqual([rx.senderStrongCount(), rx.senderWeakCount()], [2, 2]);
    tx2.close();
    weak2.close();
    assert.deepEqual([rx.senderStrongCount(), rx.senderWeakCount()], [1, 1]);
    assert.ok(rx.sameChannel(tx.subscribe()) && tx.sameChannel(rx));
    assert.equal(tx.sameChannel(broadcast.channel<null>(1)[1]), false);
  });
});
