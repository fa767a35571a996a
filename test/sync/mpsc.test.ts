import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Future, select, spawn, yieldNow } from 'tokio-ts';
import { mpsc, SendError } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';
import { sleep, timeout } from 'tokio-ts/time';

function* settle(n = 3): Future<void> {
  for (let i = 0; i < n; i++) yield* yieldNow();
}

describe('mpsc', () => {
  it('bad input: capacity 0 is a RangeError, undefined a TypeError', () => {
    assert.throws(() => mpsc.channel(0), RangeError);
    const [tx] = mpsc.channel<unknown>(1);
    assert.throws(() => tx.trySend(undefined), TypeError);
    assert.throws(() => tx.send(undefined), TypeError);
  });

  test('a send future delivers once: awaiting it again throws instead of sending twice', function* () {
    const [tx, rx] = mpsc.channel<number>(4);
    const fast = tx.send(1); // room: completes on its first poll
    yield* fast;
    let err: unknown;
    try {
      yield* fast;
    } catch (e) {
      err = e;
    }
    assert.match(String(err), /polled after it completed/);
    yield* tx.send(2);
    yield* tx.send(3);
    yield* tx.send(4);
    const slow = tx.send(5); // full: waits for a slot
    const h = spawn(function* () {
      yield* slow;
    });
    yield* settle();
    assert.equal(yield* rx.recv(), 1);
    yield* h;
    err = undefined;
    try {
      yield* slow;
    } catch (e) {
      err = e;
    }
    assert.match(String(err), /polled after it completed/);
    assert.equal(rx.len(), 4);
    const got: number[] = [];
    for (let i = 0; i < 4; i++) got.push((yield* rx.recv())!);
    assert.deepEqual(got, [2, 3, 4, 5]);
  });

  test('unbounded weak senders upgrade while a strong one lives and do not keep the channel open', function* () {
    const [tx, rx] = mpsc.unboundedChannel<number>();
    const weak = tx.downgrade();
    assert.deepEqual([tx.strongCount(), tx.weakCount()], [1, 1]);
    const up = weak.upgrade();
    assert.ok(up !== undefined);
    assert.deepEqual([weak.strongCount(), weak.weakCount()], [2, 1]);
    up.send(1);
    up.close();
    tx.send(2);
    const h = spawn(function* () {
      const got: (number | undefined)[] = [];
      for (let i = 0; i < 3; i++) got.push(yield* rx.recv());
      return got;
    });
    yield* settle();
    assert.equal(h.isFinished(), false, 'the strong sender keeps the receiver waiting');
    tx.close();
    assert.deepEqual(yield* h, [1, 2, undefined], 'the weak sender alone does not keep it open');
    assert.equal(weak.upgrade(), undefined);
    assert.equal(weak.strongCount(), 0);
  });

  test('capacity is enforced: the capacity+1-th send waits until a recv', function* () {
    const [tx, rx] = mpsc.channel<number>(2);
    yield* tx.send(1);
    yield* tx.send(2);
    assert.equal(tx.trySend(3), 'full');
    const h = spawn(tx.send(3));
    yield* settle();
    assert.equal(h.isFinished(), false);
    assert.equal(yield* rx.recv(), 1);
    yield* h;
    assert.deepEqual([yield* rx.recv(), yield* rx.recv()], [2, 3]);
  });

  test('recv returns undefined only after every sender closed and the buffer drained', function* () {
    const [tx, rx] = mpsc.channel<string>(4);
    const tx2 = tx.clone();
    tx.trySend('a');
    tx.close();
    assert.equal(yield* rx.recv(), 'a');
    const h = spawn(rx.recv());
    yield* settle();
    assert.equal(h.isFinished(), false, 'tx2 is still open');
    tx2.trySend('b');
    assert.equal(yield* h, 'b');
    tx2.close();
    assert.equal(yield* rx.recv(), undefined);
    assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'disconnected' });
  });

  test('send after the receiver closed throws SendError with the value; buffered messages stay readable', function* () {
    const [tx, rx] = mpsc.channel<string>(4);
    tx.trySend('kept');
    rx.close();
    try {
      yield* tx.send('lost');
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof SendError);
      assert.equal(e.value, 'lost');
    }
    assert.equal(tx.isClosed(), true);
    assert.equal(yield* rx.recv(), 'kept');
    assert.equal(yield* rx.recv(), undefined);
    yield* tx.closed();
  });

  test('waiting senders are served FIFO and each sender keeps its order', function* () {
    const [tx, rx] = mpsc.channel<string>(1);
    yield* tx.send('x');
    const hs = ['a', 'b', 'c'].map((v) => spawn(tx.clone().send(v)));
    yield* settle();
    const got: string[] = [];
    for (let i = 0; i < 4; i++) got.push((yield* rx.recv())!);
    for (const h of hs) yield* h;
    assert.deepEqual(got, ['x', 'a', 'b', 'c']);
  });

  test('1,000 messages through a bounded(8) channel arrive in order', function* () {
    const [tx, rx] = mpsc.channel<number>(8);
    const p = spawn(function* () {
      for (let i = 0; i < 1000; i++) yield* tx.send(i);
      tx.close();
    });
    let expect = 0;
    for (let v = yield* rx.recv(); v !== undefined; v = yield* rx.recv()) assert.equal(v, expect++);
    assert.equal(expect, 1000);
    yield* p;
  });

  test('cancel safety: a recv that loses a select loses no message', function* () {
    const [tx, rx] = mpsc.channel<number>(4);
    const h = spawn(function* () {
      return yield* select(
        {
          msg: rx.recv(),
          other: function* () {
            yield* yieldNow();
            return 'other';
          },
        },
        { biased: true },
      );
    });
    yield* yieldNow();
    tx.trySend(7); // wakes the recv branch after `other` was queued
    const r = yield* h;
    assert.equal(r.key, 'other');
    assert.equal(rx.len(), 1);
    assert.equal(yield* rx.recv(), 7);
  });

  test('cancel safety: a send granted a slot and cancelled before it ran was not sent; the slot goes on', function* () {
    const [tx, rx] = mpsc.channel<string>(1);
    yield* tx.send('first');
    const a = spawn(tx.send('cancelled'));
    yield* yieldNow();
    const b = spawn(tx.clone().send('second'));
    yield* yieldNow();
    assert.equal(yield* rx.recv(), 'first'); // grants the slot to a
    a.abort();
    try {
      yield* a;
    } catch {
      // cancelled
    }
    yield* b;
    assert.equal(yield* rx.recv(), 'second');
    assert.equal(rx.len(), 0);
    assert.equal(tx.capacity(), 1);
  });

  test('cancel safety: a send that yielded for coop budget and is cancelled sent nothing', function* () {
    const [tx, rx] = mpsc.channel<number>(1000);
    const h = spawn(function* () {
      for (let i = 0; ; i++) yield* tx.send(i); // 128 sends, then the 129th yields for budget
    });
    yield* yieldNow(); // the producer runs one poll: its budget is spent
    assert.equal(rx.len(), 128);
    h.abort();
    yield* settle();
    assert.equal(rx.len(), 128);
    for (let i = 0; i < 128; i++) assert.equal(rx.tryRecv().ok, true);
    // the sender still works: its next send is delivered once
    yield* tx.send(7);
    assert.deepEqual(rx.tryRecv(), { ok: true, value: 7 });
    assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'empty' });
  });

  test('one Sender shared by two tasks: every message is delivered once', function* () {
    const [tx, rx] = mpsc.channel<number>(3);
    const producer = (base: number) =>
      spawn(function* () {
        for (let i = 0; i < 300; i++) {
          yield* tx.send(base + i);
          if (i % 7 === 0) yield* yieldNow();
        }
      });
    const a = producer(0);
    const b = producer(1000);
    const got: number[] = [];
    for (let i = 0; i < 600; i++) got.push((yield* rx.recv())!);
    yield* a;
    yield* b;
    assert.deepEqual(
      got.filter((v) => v < 1000),
      Array.from({ length: 300 }, (_, i) => i),
    );
    assert.deepEqual(
      got.filter((v) => v >= 1000),
      Array.from({ length: 300 }, (_, i) => 1000 + i),
    );
  });

  test('cancel safety: send under timeout', { startPaused: true }, function* () {
    const [tx, rx] = mpsc.channel<number>(1);
    tx.trySend(1);
    try {
      yield* timeout(10, tx.send(2));
      assert.fail('should time out');
    } catch {
      // elapsed
    }
    yield* sleep(1);
    assert.equal(rx.len(), 1);
    assert.equal(tx.capacity(), 0);
  });

  test('unbounded send never waits; recvMany takes a batch', function* () {
    const [tx, rx] = mpsc.unboundedChannel<number>();
    for (let i = 0; i < 10; i++) tx.send(i);
    const buf: number[] = [];
    assert.equal(yield* rx.recvMany(buf, 4), 4);
    assert.deepEqual(buf, [0, 1, 2, 3]);
    tx.close();
    rx.close();
    assert.throws(() => tx.send(1));
  });

  it('the receiver is an async iterator for plain async code', async () => {
    const [tx, rx] = mpsc.unboundedChannel<number>();
    tx.send(1);
    tx.send(2);
    tx.close();
    const got: number[] = [];
    for await (const v of rx) got.push(v);
    assert.deepEqual(got, [1, 2]);
  });
});
