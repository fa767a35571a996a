// `cancel safety:` tests for the waiting methods added or reworked here:
// watch waitFor()/closed(), mpsc/oneshot closed(), mpsc sendTimeout().
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { type Future, select, spawn, yieldNow } from 'tokio-ts';
import { mpsc, oneshot, watch } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';

function* settle(n = 4): Future<void> {
  for (let i = 0; i < n; i++) yield* yieldNow();
}

/** A branch that wins a biased select after one yield. */
function* later(): Future<string> {
  yield* yieldNow();
  return 'other';
}

describe('cancel safety of the sync waiting methods', () => {
  test('cancel safety: a waitFor that lost a select after the wake leaves the value for the next one', function* () {
    const [tx, rx] = watch.channel(0);
    const h = spawn(function* () {
      return (yield* select({ w: rx.waitFor((v) => v === 1), other: later() }, { biased: true }))
        .key;
    });
    yield* settle(1);
    tx.send(1); // wakes the waitFor branch; the other branch wins first
    yield* h;
    assert.equal(yield* rx.waitFor((v) => v === 1), 1, 'the value is still there');
  });

  test('cancel safety: an aborted waitFor leaves no waiter, and a later send reaches the next one', function* () {
    const [tx, rx] = watch.channel(0);
    const h = spawn(rx.waitFor((v) => v > 5));
    yield* settle();
    h.abort();
    yield* settle();
    const h2 = spawn(rx.waitFor((v) => v > 5));
    yield* settle();
    tx.send(6);
    assert.equal(yield* h2, 6);
  });

  test('cancel safety: an aborted watch/mpsc/oneshot closed() leaves no waiter behind', function* () {
    const [wtx, wrx] = watch.channel(0);
    const [mtx, mrx] = mpsc.channel<number>(1);
    const [otx, orx] = oneshot.channel<number>();
    const hs = [spawn(wtx.closed()), spawn(mtx.closed()), spawn(otx.closed())];
    yield* settle();
    for (const h of hs) h.abort();
    yield* settle();
    wrx.close();
    mrx.close();
    orx.close();
    // fresh waits complete at once; the aborted ones were not woken into a dead task
    yield* wtx.closed();
    yield* mtx.closed();
    yield* otx.closed();
    for (const h of hs) assert.equal(h.isFinished(), true);
  });

  test('cancel safety: a sendTimeout that lost a select did not send', function* () {
    const [tx, rx] = mpsc.channel<string>(1);
    tx.trySend('first');
    const r = yield* select(
      { s: tx.sendTimeout('second', 1000), other: later() },
      { biased: true },
    );
    assert.equal(r.key, 'other');
    assert.equal(yield* rx.recv(), 'first');
    assert.equal(rx.len(), 0, 'the cancelled send left nothing');
    assert.equal(tx.capacity(), 1, 'and no reserved slot');
  });
});
