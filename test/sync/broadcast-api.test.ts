// Ports of Tokio's sync_broadcast.rs / sync_broadcast_weak.rs cases for
// cloned and weak senders, closed(), and the lengths.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { type Future, spawn, yieldNow } from 'tokio-ts';
import { broadcast, RecvError } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';

function* settle(n = 4): Future<void> {
  for (let i = 0; i < n; i++) yield* yieldNow();
}

function* recvKind<T>(rx: broadcast.BroadcastReceiver<T>): Future<T | string> {
  try {
    return yield* rx.recv();
  } catch (e) {
    return e instanceof RecvError ? e.kind : String(e);
  }
}

describe('broadcast senders', () => {
  test('dropping_tx_notifies_rx: receivers see closed only after the last clone closes', function* () {
    const [tx, rx1] = broadcast.channel<null>(16);
    const rx2 = tx.subscribe();
    const tx2 = tx.clone();
    const r1 = spawn(recvKind(rx1));
    const r2 = spawn(recvKind(rx2));
    yield* settle();
    tx.close();
    yield* settle();
    assert.equal(r1.isFinished() || r2.isFinished(), false, 'tx2 keeps it open');
    tx2.close();
    assert.equal(yield* r1, 'closed');
    assert.equal(yield* r2, 'closed');
  });

  test('a closed sender handle cannot send or clone', function* () {
    const [tx, rx] = broadcast.channel<number>(4);
    const tx2 = tx.clone();
    tx.close();
    assert.throws(() => tx.send(1), /receiver is gone/);
    assert.throws(() => tx.clone(), /closed/);
    assert.equal(tx2.send(1), 1);
    assert.equal(yield* rx.recv(), 1);
    tx2.close();
  });

  test('broadcast_sender_closed: closed() completes when the last receiver goes', function* () {
    const [tx, rx] = broadcast.channel<null>(1);
    const rx2 = tx.subscribe();
    const h = spawn(tx.closed());
    yield* settle();
    rx.close();
    yield* settle();
    assert.equal(h.isFinished(), false);
    rx2.close();
    yield* h;
  });

  test('broadcast_sender_closed_with_extra_subscribe: a subscribe before the waiter resumes reopens', function* () {
    const [tx, rx] = broadcast.channel<null>(1);
    const h = spawn(tx.closed());
    yield* settle();
    rx.close(); // wakes h...
    const rx3 = tx.subscribe(); // ...but the channel reopens before it runs
    yield* settle();
    assert.equal(h.isFinished(), false, 'it waits again');
    rx3.close();
    yield* h;
    yield* tx.closed(); // no receiver: at once
    const rx4 = tx.subscribe();
    const h3 = spawn(tx.closed());
    yield* settle();
    assert.equal(h3.isFinished(), false);
    rx4.close();
    yield* h3;
  });

  test('cancel safety: a cancelled closed() leaves no waiter behind', function* () {
    const [tx, rx] = broadcast.channel<null>(1);
    const h = spawn(tx.closed());
    yield* settle();
    h.abort();
    yield* settle();
    rx.close();
    yield* tx.closed();
  });
});

describe('broadcast weak senders (sync_broadcast_weak.rs)', () => {
  test('downgrade_upgrade_sender_failure: no upgrade once every strong sender is gone', function* () {
    const [tx, rx] = broadcast.channel<number>(1);
    const weak = tx.downgrade();
    tx.close();
    assert.equal(weak.upgrade(), undefined);
    assert.equal(yield* recvKind(rx), 'closed', 'the weak sender does not keep it open');
  });

  test('weak_sender: an upgraded sender sends', function* () {
    const [tx, rx] = broadcast.channel<number>(4);
    const weak = tx.downgrade();
    const up = weak.upgrade()!;
    up.send(7);
    assert.equal(yield* rx.recv(), 7);
    up.close();
    tx.close();
    weak.close();
  });

  test('sender_strong_and_weak_conut: counts follow clones, downgrades and closes', function* () {
    const [tx] = broadcast.channel<number>(1);
    const tx2 = tx.clone();
    const w1 = tx.downgrade();
    const w2 = tx2.downgrade();
    assert.deepEqual([tx.strongCount(), tx.weakCount()], [2, 2]);
    assert.deepEqual([w1.strongCount(), w1.weakCount()], [2, 2]);
    tx2.close();
    w2.close();
    w2.close(); // idempotent
    assert.deepEqual([tx.strongCount(), tx.weakCount()], [1, 1]);
    assert.throws(() => w2.upgrade(), /closed/);
    tx.close();
    assert.equal(w1.strongCount(), 0);
    w1.close();
  });
});

describe('broadcast lengths', () => {
  test('sender_len: len/isEmpty follow the slowest receiver', function* () {
    const [tx, rx1] = broadcast.channel<number>(4);
    const rx2 = tx.subscribe();
    assert.equal(tx.len(), 0);
    assert.equal(tx.isEmpty(), true);
    tx.send(1);
    tx.send(2);
    tx.send(3);
    assert.equal(tx.len(), 3);
    yield* rx1.recv();
    yield* rx1.recv();
    assert.equal(tx.len(), 3);
    assert.equal(tx.isEmpty(), false);
    yield* rx2.recv();
    assert.equal(tx.len(), 2);
    tx.send(4);
    tx.send(5);
    tx.send(6);
    assert.equal(tx.len(), 4);
  });

  test('receiver_len_with_lagged: a receiver counts what it lagged past', function* () {
    const [tx, rx] = broadcast.channel<number>(4);
    for (const v of [10, 20, 30, 40]) tx.send(v);
    assert.equal(rx.len(), 4);
    assert.equal(yield* rx.recv(), 10);
    tx.send(50);
    tx.send(60);
    assert.equal(rx.len(), 5);
    assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'lagged', skipped: 1 });
    assert.equal(rx.len(), 4);
    assert.equal(rx.isEmpty(), false);
  });
});
