// Every sync leaf that can complete without waiting spends the task's coop
// budget, as Tokio's do (tokio/tests/sync_*.rs `*_is_cooperative`): a loop
// over an always-ready leaf lets another task run within one budget.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { broadcast, Mutex, mpsc, oneshot, RwLock, Semaphore, watch } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';
import { assertCooperative } from './coop-helper.js';

describe('watch leaves are cooperative', () => {
  test('receiver_changed_is_cooperative: changed() on a closed channel', function* () {
    const [tx, rx] = watch.channel(null);
    tx.close();
    yield* assertCooperative('changed() (closed)', () => rx.changed());
  });

  test('receiver_changed_is_cooperative_ok: send then changed()', function* () {
    const [tx, rx] = watch.channel(0);
    let i = 0;
    yield* assertCooperative('changed()', () => {
      tx.send(++i);
      return rx.changed();
    });
  });

  test('receiver_wait_for_is_cooperative: waitFor() on a closed channel', function* () {
    const [tx, rx] = watch.channel(0);
    tx.close();
    yield* assertCooperative('waitFor() (closed)', () => rx.waitFor((v) => v === 1));
  });

  test('receiver_wait_for_is_cooperative_ok: send then waitFor()', function* () {
    const [tx, rx] = watch.channel(0);
    yield* assertCooperative('waitFor()', () => {
      tx.send(1);
      return rx.waitFor((v) => v === 1);
    });
  });

  test('sender_closed_is_cooperative: closed() with no receiver', function* () {
    const [tx, rx] = watch.channel(null);
    rx.close();
    yield* assertCooperative('closed()', () => tx.closed());
  });
});

describe('channel leaves are cooperative', () => {
  test('receiver_recv_is_cooperative: broadcast send then recv()', function* () {
    const [tx, rx] = broadcast.channel<null>(8);
    yield* assertCooperative('broadcast recv()', () => {
      tx.send(null);
      return rx.recv();
    });
  });

  test('broadcast recv() on a closed channel', function* () {
    const [tx, rx] = broadcast.channel<null>(8);
    tx.close();
    yield* assertCooperative('broadcast recv() (closed)', () => rx.recv());
  });

  test('mpsc recv() at the end of the channel', function* () {
    const [tx, rx] = mpsc.channel<null>(8);
    tx.close();
    yield* assertCooperative('mpsc recv() (ended)', () => rx.recv());
  });

  test('mpsc send() and reserve() on a closed channel', function* () {
    const [tx, rx] = mpsc.channel<null>(8);
    rx.close();
    yield* assertCooperative('mpsc send() (closed)', () => tx.send(null));
    yield* assertCooperative('mpsc reserve() (closed)', () => tx.reserve());
  });

  test('mpsc send() with room and recv() of a buffered message', function* () {
    const [tx, rx] = mpsc.channel<number>(1000);
    const sent = yield* assertCooperative('mpsc send() (room)', () => tx.send(1));
    assert.equal(rx.len(), sent);
    yield* assertCooperative('mpsc recv() (buffered)', () => rx.recv());
  });

  test('mpsc Sender.closed() once the receiver is closed', function* () {
    const [tx, rx] = mpsc.channel<null>(8);
    rx.close();
    yield* assertCooperative('mpsc closed()', () => tx.closed());
  });

  test('oneshot recv of a closed channel, and Sender.closed()', function* () {
    const [tx, rx] = oneshot.channel<null>();
    tx.close();
    yield* assertCooperative('oneshot recv (closed)', () => rx);
    const [tx2, rx2] = oneshot.channel<null>();
    rx2.close();
    yield* assertCooperative('oneshot closed()', () => tx2.closed());
  });
});

describe('lock leaves are cooperative', () => {
  test('acquire on a closed semaphore fails and still spends budget', function* () {
    const sem = new Semaphore(1);
    sem.close();
    yield* assertCooperative('Semaphore.acquire() (closed)', () => sem.acquire());
  });

  test('an uncontended Mutex lock/release loop', function* () {
    const m = new Mutex(0);
    yield* assertCooperative('Mutex.lock()', function* () {
      (yield* m.lock()).release();
    });
  });

  test('an uncontended RwLock read loop', function* () {
    const l = new RwLock(0);
    yield* assertCooperative('RwLock.read()', function* () {
      (yield* l.read()).release();
    });
  });
});
