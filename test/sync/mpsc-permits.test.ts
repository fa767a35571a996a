import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Future, type JoinHandle, select, spawn, yieldNow } from 'tokio-ts';
import { pending } from 'tokio-ts/future';
import { mpsc, SendError } from 'tokio-ts/sync';
import { runTest, test } from 'tokio-ts/test';
import { timeout } from 'tokio-ts/time';
import { int, jitter, prng, SEEDS, settle } from './seeded.js';

/** Reserves 2 slots (waiting in the queue), notes 'many' in `order`, then sends 'm1' and 'm2'. */
function* reserveTwo(tx: mpsc.Sender<string>, order: string[]): Future<void> {
  const it = yield* tx.reserveMany(2);
  order.push('many');
  it.next()!.send('m1');
  it.next()!.send('m2');
  assert.equal(it.next(), undefined);
}

describe('mpsc permits and weak senders', () => {
  test('a reserved slot counts against capacity until the permit sends or is released', function* () {
    const [tx, rx] = mpsc.channel<number>(2);
    const p1 = yield* tx.reserve();
    const p2 = tx.tryReserve();
    assert.ok(p2 instanceof mpsc.Permit);
    assert.equal(tx.capacity(), 0);
    assert.equal(tx.trySend(9), 'full');
    assert.equal(tx.tryReserve(), 'full');
    p1.send(1);
    assert.throws(() => p1.send(2), /already used/);
    p2.release();
    p2.release(); // idempotent
    assert.equal(tx.capacity(), 1);
    assert.equal(yield* rx.recv(), 1);
    assert.equal(tx.capacity(), 2);
    {
      using _p = yield* tx.reserve();
      assert.equal(tx.capacity(), 1);
    }
    assert.equal(tx.capacity(), 2, 'using released the permit');
  });

  test('sends and reserves share one FIFO queue; a reserveMany at the head blocks later small ones', function* () {
    const [tx, rx] = mpsc.channel<string>(3);
    for (const v of ['a', 'b', 'c']) yield* tx.send(v);
    const order: string[] = [];
    const many = spawn(reserveTwo(tx, order));
    yield* yieldNow();
    const one = spawn(function* () {
      const p = yield* tx.reserve();
      order.push('one');
      p.send('o');
    });
    yield* yieldNow();
    assert.equal(yield* rx.recv(), 'a'); // one slot free: the reserveMany(2) at the head still waits
    yield* yieldNow();
    assert.deepEqual(order, [], 'the small reserve must not overtake the reserveMany');
    assert.equal(yield* rx.recv(), 'b');
    yield* many;
    const got = [yield* rx.recv()]; // frees the slot the small reserve waits for
    yield* one;
    assert.deepEqual(order, ['many', 'one']);
    for (let i = 0; i < 3; i++) got.push(yield* rx.recv());
    assert.deepEqual(got, ['c', 'm1', 'm2', 'o']);
    assert.throws(() => tx.reserveMany(4), RangeError);
    const none = yield* tx.reserveMany(0);
    assert.equal(none.len(), 0);
  });

  test('a send does not overtake a reserveMany waiting at the head for more slots than are free', function* () {
    const [tx, rx] = mpsc.channel<string>(2);
    yield* tx.send('a');
    yield* tx.send('b');
    const order: string[] = [];
    const many = spawn(reserveTwo(tx, order));
    yield* yieldNow();
    assert.equal(yield* rx.recv(), 'a'); // one slot free: the reserveMany(2) still waits
    const one = spawn(function* () {
      yield* tx.send('s');
      order.push('s');
    });
    yield* yieldNow();
    assert.deepEqual(order, [], 'the send queued behind the reserveMany');
    assert.equal(tx.trySend('t'), 'full');
    assert.equal(yield* rx.recv(), 'b');
    yield* many;
    assert.equal(yield* rx.recv(), 'm1'); // frees the slot the send waits for
    yield* one;
    assert.deepEqual(order, ['many', 's']);
    assert.deepEqual([yield* rx.recv(), yield* rx.recv()], ['m2', 's']);
  });

  test('recv waits for outstanding permits after every sender closed', function* () {
    const [tx, rx] = mpsc.channel<number>(4);
    const permit = yield* tx.reserve();
    tx.close();
    assert.equal(rx.isClosed(), false, 'a permit is outstanding');
    assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'empty' });
    const r = spawn(rx.recv());
    yield* yieldNow();
    permit.send(7);
    assert.equal(yield* r, 7);
    assert.equal(yield* rx.recv(), undefined);
    // A released permit ends the channel too.
    const [tx2, rx2] = mpsc.channel<number>(1);
    const p = yield* tx2.reserve();
    tx2.close();
    const r2 = spawn(rx2.recv());
    yield* yieldNow();
    p.release();
    assert.equal(yield* r2, undefined);
  });

  test('after the receiver closes, reserve fails but outstanding permits still deliver', function* () {
    const [tx, rx] = mpsc.channel<number>(2);
    const p = yield* tx.reserve();
    rx.close();
    try {
      yield* tx.reserve();
      assert.fail('reserve should fail');
    } catch (e) {
      assert.ok(e instanceof SendError);
    }
    assert.equal(tx.tryReserve(), 'closed');
    p.send(5);
    assert.equal(yield* rx.recv(), 5);
    assert.equal(yield* rx.recv(), undefined);
  });

  test('cancel safety: a reserve cancelled after it was granted passes the slot to the next waiter', function* () {
    const [tx, rx] = mpsc.channel<number>(1);
    yield* tx.send(0);
    const first = spawn(tx.reserve());
    const second = spawn(tx.reserve());
    yield* yieldNow();
    assert.equal(yield* rx.recv(), 0); // grants the slot to `first`
    first.abort(); // before it resumed
    assert.ok(yield* settle(first as JoinHandle<unknown>));
    const p = yield* second;
    p.send(1);
    assert.equal(yield* rx.recv(), 1);
    assert.equal(tx.capacity(), 1, 'no slot leaked');
    // A reserve losing a select and a timeout.
    yield* tx.send(2);
    const r = yield* select({ permit: tx.reserve(), now: yieldNow() });
    assert.equal(r.key, 'now');
    try {
      yield* timeout(0, tx.reserve());
    } catch {}
    assert.equal(yield* rx.recv(), 2);
    assert.equal(tx.capacity(), 1);
  });

  test('cancel safety: aborting a task parked in select drops a send branch granted just before', function* () {
    const [tx, rx] = mpsc.channel<string>(1);
    yield* tx.send('first');
    const h = spawn(function* () {
      yield* select({ sent: tx.send('must not arrive'), never: pending() });
    });
    yield* yieldNow(); // h parks in select; its send branch waits for a slot
    assert.equal(yield* rx.recv(), 'first'); // grants the slot to the branch (queued to run)
    h.abort(); // before the branch ran
    assert.ok(yield* settle(h as JoinHandle<unknown>));
    assert.equal(rx.tryRecv().ok, false, 'the branch of an aborted select delivered its value');
    assert.equal(tx.capacity(), 1, 'the granted slot came back');
  });

  test('a weak sender upgrades while strong ones live and does not keep the channel open', function* () {
    const [tx, rx] = mpsc.channel<number>(4);
    const weak = tx.downgrade();
    assert.equal(tx.strongCount(), 1);
    assert.equal(tx.weakCount(), 1);
    const tx2 = weak.upgrade()!;
    assert.equal(tx.strongCount(), 2);
    yield* tx2.send(1);
    tx2.close();
    tx.close();
    assert.equal(yield* rx.recv(), 1);
    assert.equal(yield* rx.recv(), undefined, 'the weak sender did not keep it open');
    assert.equal(weak.upgrade(), undefined);
  });
});

it(`mpsc under ${SEEDS} seeded schedules: every value once, in per-sender order, with reserve, send and aborts`, async () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    try {
      await runTest(
        () =>
          timeout(60_000, function* () {
            const rand = prng(seed);
            const [tx, rx] = mpsc.channel<[number, number]>(3);
            const senders: JoinHandle<number>[] = [];
            let started = 0;
            for (let s = 0; s < 4; s++) {
              const mine = tx.clone();
              senders.push(
                spawn(function* () {
                  started++;
                  let sent = 0;
                  try {
                    for (let k = 0; k < 6; k++) {
                      yield* jitter(rand);
                      if (int(rand, 2) === 0) yield* mine.send([s, k]);
                      else {
                        // A task may be cancelled while it holds a permit: `using` gives it back.
                        using p = yield* mine.reserve();
                        yield* jitter(rand, 2);
                        p.send([s, k]);
                      }
                      sent = k + 1;
                    }
                  } finally {
                    mine.close();
                  }
                  return sent;
                }),
              );
            }
            tx.close();
            const victim = int(rand, 4);
            const got: [number, number][] = [];
            const reader = spawn(function* () {
              for (let m = yield* rx.recv(); m !== undefined; m = yield* rx.recv()) {
                got.push(m);
                yield* jitter(rand, 2);
              }
            });
            // (A task aborted before it ever ran never enters its try/finally, so
            // the sender it was given would stay open: abort only started tasks.)
            while (started < 4) yield* yieldNow();
            yield* jitter(rand, 8);
            senders[victim]!.abort();
            yield* reader;
            for (let s = 0; s < 4; s++) {
              const mineGot = got.filter(([from]) => from === s).map(([, k]) => k);
              assert.deepEqual(
                mineGot,
                mineGot.map((_, i) => i),
                `sender ${s} out of order or duplicated`,
              );
              if (s !== victim) assert.equal(mineGot.length, 6, `sender ${s} lost messages`);
            }
            for (const h of senders) yield* settle(h);
          }),
        { seed, startPaused: true },
      );
    } catch (e) {
      throw new Error(`mpsc: failed with seed ${seed} (rerun that seed to reproduce)`, {
        cause: e,
      });
    }
  }
});
