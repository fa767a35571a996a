// Ports of Tokio's sync_oneshot.rs receiver_is_terminated_* / receiver_is_empty_*.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { Future } from 'tokio-ts';
import { oneshot } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';

function* recvResult<T>(rx: oneshot.OneshotReceiver<T>): Future<T | 'error'> {
  try {
    return yield* rx;
  } catch {
    return 'error';
  }
}

describe('oneshot receiver state', () => {
  test('receiver_is_terminated_send', function* () {
    const [tx, rx] = oneshot.channel<number>();
    assert.equal(rx.isTerminated(), false, 'not before the send');
    tx.send(17);
    assert.equal(rx.isTerminated(), false, 'not while the value waits');
    assert.equal(yield* rx, 17);
    assert.equal(rx.isTerminated(), true, 'once the value was read');
  });

  test('receiver_is_terminated_try_recv', function* () {
    const [tx, rx] = oneshot.channel<number>();
    assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'empty' });
    assert.equal(rx.isTerminated(), false, 'an empty tryRecv does not terminate');
    tx.send(17);
    assert.deepEqual(rx.tryRecv(), { ok: true, value: 17 });
    assert.equal(rx.isTerminated(), true);
  });

  test('receiver_is_terminated_drop', function* () {
    const [tx, rx] = oneshot.channel<number>();
    tx.close();
    assert.equal(rx.isTerminated(), false, 'not before the error was returned');
    assert.equal(yield* recvResult(rx), 'error');
    assert.equal(rx.isTerminated(), true);
  });

  test('receiver_is_terminated_rx_close', function* () {
    const [_tx, rx] = oneshot.channel<number>();
    rx.close();
    assert.equal(rx.isTerminated(), false);
    assert.equal(yield* recvResult(rx), 'error');
    assert.equal(rx.isTerminated(), true);
  });

  test('receiver_is_empty_send and receiver_is_empty_try_recv', function* () {
    const [tx, rx] = oneshot.channel<number>();
    assert.equal(rx.isEmpty(), true);
    tx.send(17);
    assert.equal(rx.isEmpty(), false);
    assert.equal(yield* rx, 17);
    assert.equal(rx.isEmpty(), true);
    const [tx2, rx2] = oneshot.channel<number>();
    tx2.send(1);
    rx2.tryRecv();
    assert.equal(rx2.isEmpty(), true);
  });

  test('receiver_is_empty_drop and receiver_is_empty_rx_close', function* () {
    const [tx, rx] = oneshot.channel<number>();
    tx.close();
    assert.equal(rx.isEmpty(), true);
    assert.equal(yield* recvResult(rx), 'error');
    assert.equal(rx.isEmpty(), true);
    const [_tx2, rx2] = oneshot.channel<number>();
    rx2.close();
    assert.equal(rx2.isEmpty(), true);
  });

  test('a value sent before rx.close() is still there: not empty', function* () {
    const [tx, rx] = oneshot.channel<number>();
    tx.send(3);
    rx.close();
    assert.equal(rx.isEmpty(), false);
    assert.equal(yield* rx, 3);
  });
});
