// Ports of tokio/tests/sync_watch.rs (the cases not covered by
// watch.test.ts), through the public API.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Future, spawn, yieldNow } from 'tokio-ts';
import { RecvError, SendError, watch } from 'tokio-ts/sync';

type WatchReceiver<T> = watch.WatchReceiver<T>;

import { test } from 'tokio-ts/test';

/** Spawns `rx.changed()` and records how it ended: 'ok', 'closed' or still 'pending'. */
function track(rx: WatchReceiver<string>): { state: string; h: Future<void> } {
  const t = { state: 'pending', h: undefined as unknown as Future<void> };
  t.h = spawn(function* () {
    try {
      yield* rx.changed();
      t.state = 'ok';
    } catch (e) {
      assert.ok(e instanceof RecvError);
      t.state = e.kind;
    }
  });
  return t;
}

function* settle(): Future<void> {
  for (let i = 0; i < 3; i++) yield* yieldNow();
}

describe('watch (ports of tokio sync_watch.rs)', () => {
  test('single_rx_recv: changed waits for a send, then fails once the sender is gone', function* () {
    const [tx, rx] = watch.channel('one');
    let t = track(rx);
    yield* settle();
    assert.equal(t.state, 'pending');
    assert.equal(rx.borrow(), 'one');
    tx.send('two');
    yield* t.h;
    assert.equal(t.state, 'ok');
    assert.equal(rx.borrow(), 'two');
    t = track(rx);
    yield* settle();
    assert.equal(t.state, 'pending');
    tx.close();
    yield* t.h;
    assert.equal(t.state, 'closed');
    assert.equal(rx.borrow(), 'two');
  });

  it('rx_version_underflow: markChanged twice on a fresh channel is harmless', () => {
    const [, rx] = watch.channel('one');
    rx.markChanged();
    rx.markChanged();
    assert.equal(rx.hasChanged(), true);
  });

  test('rx_mark_changed: per-receiver, cleared by borrowAndUpdate, kept across sends', function* () {
    const [tx, rx] = watch.channel('one');
    const rx2 = rx.clone();
    const rx3 = rx.clone();
    const rx4 = rx.clone();
    rx.markChanged();
    assert.equal(rx.hasChanged(), true);
    yield* rx.changed(); // ready at once
    assert.equal(rx2.hasChanged(), false);
    const t2 = track(rx2);
    yield* settle();
    assert.equal(t2.state, 'pending');
    rx3.markChanged();
    assert.equal(rx3.borrow(), 'one');
    assert.equal(rx3.hasChanged(), true);
    assert.equal(rx3.borrowAndUpdate(), 'one');
    assert.equal(rx3.hasChanged(), false);
    tx.send('two');
    assert.equal(rx4.hasChanged(), true);
    assert.equal(rx4.borrowAndUpdate(), 'two');
    rx4.markChanged();
    assert.equal(rx4.hasChanged(), true);
    assert.equal(rx4.borrowAndUpdate(), 'two');
    assert.equal(rx.borrow(), 'two');
    yield* t2.h;
    assert.equal(t2.state, 'ok');
  });

  test('rx_mark_unchanged: marks the current value seen', function* () {
    const [tx, rx] = watch.channel('one');
    const rx2 = rx.clone();
    rx.markChanged();
    rx.markUnchanged();
    assert.equal(rx.hasChanged(), false);
    const t = track(rx);
    yield* settle();
    assert.equal(t.state, 'pending');
    tx.send('two');
    assert.equal(rx2.hasChanged(), true);
    rx2.markUnchanged();
    assert.equal(rx2.hasChanged(), false);
    assert.equal(rx2.borrowAndUpdate(), 'two');
    yield* t.h;
    assert.equal(t.state, 'ok');
  });

  test('multi_rx: one send wakes every receiver; each sees the latest value', function* () {
    const [tx, rx1] = watch.channel('one');
    const rx2 = rx1.clone();
    const t1 = track(rx1);
    const t2 = track(rx2);
    yield* settle();
    assert.deepEqual([t1.state, t2.state], ['pending', 'pending']);
    tx.send('two');
    yield* t1.h;
    yield* t2.h;
    assert.deepEqual([t1.state, t2.state], ['ok', 'ok']);
    tx.send('three');
    tx.send('four');
    yield* rx1.changed();
    yield* rx2.changed();
    assert.deepEqual([rx1.borrow(), rx2.borrow()], ['four', 'four']);
  });

  test('rx_observes_final_value: a value sent just before close is still seen once', function* () {
    {
      const [tx, rx] = watch.channel('one');
      tx.close();
      const t = track(rx);
      yield* t.h;
      assert.equal(t.state, 'closed');
      assert.equal(rx.borrow(), 'one');
    }
    const [tx, rx] = watch.channel('one');
    tx.send('two');
    yield* rx.changed();
    assert.equal(rx.borrow(), 'two');
    const t1 = track(rx);
    yield* settle();
    assert.equal(t1.state, 'pending');
    tx.send('three');
    tx.close();
    yield* t1.h;
    assert.equal(t1.state, 'ok');
    assert.equal(rx.borrow(), 'three');
    const t2 = track(rx);
    yield* t2.h;
    assert.equal(t2.state, 'closed');
    assert.equal(rx.borrow(), 'three');
  });

  test('poll_close: closed() completes when the last receiver goes, then send fails', function* () {
    const [tx, rx] = watch.channel('one');
    let done = false;
    const h = spawn(function* () {
      yield* tx.closed();
      done = true;
    });
    yield* settle();
    assert.equal(done, false);
    rx.close();
    yield* h;
    assert.equal(done, true);
    assert.throws(() => tx.send('two'), SendError);
    assert.equal(tx.borrow(), 'one');
  });

  test('borrow_and_update: marks seen; after the sender goes changed and hasChanged fail', function* () {
    const [tx, rx] = watch.channel('one');
    assert.equal(rx.hasChanged(), false);
    tx.send('two');
    assert.equal(rx.hasChanged(), true);
    yield* rx.changed();
    assert.equal(rx.hasChanged(), false);
    tx.send('three');
    assert.equal(rx.hasChanged(), true);
    assert.equal(rx.borrowAndUpdate(), 'three');
    assert.equal(rx.hasChanged(), false);
    tx.close();
    assert.equal(rx.borrowAndUpdate(), 'three');
    const t = track(rx);
    yield* t.h;
    assert.equal(t.state, 'closed');
    assert.throws(() => rx.hasChanged(), RecvError);
  });
});
