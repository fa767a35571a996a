// Seeded schedule permutations: each seed shuffles the run queue (the test
// kit's `seed`) and drives random aborts and yields, and the primitive's
// invariants must hold. The failing seed is printed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Future, type JoinHandle, spawn, yieldNow } from 'tokio-ts';
import {
  Barrier,
  broadcast,
  CancellationToken,
  Notify,
  OnceCell,
  oneshot,
  RecvError,
  RwLock,
  watch,
} from 'tokio-ts/sync';
import { runTest } from 'tokio-ts/test';
import { timeout } from 'tokio-ts/time';
import { int, jitter, prng, SEEDS, settle } from './seeded.js';

/** Runs `body(seed, rand)` on a fresh runtime per seed, with the run queue shuffled by the seed. */
async function everySeed(
  what: string,
  body: (seed: number, rand: () => number) => Future<void>,
): Promise<void> {
  for (let seed = 1; seed <= SEEDS; seed++) {
    try {
      // The paused clock turns a lost wake-up into a timeout instead of a hang.
      await runTest(() => timeout(60_000, body(seed, prng(seed))), { seed, startPaused: true });
    } catch (e) {
      throw new Error(`${what}: failed with seed ${seed} (rerun that seed to reproduce)`, {
        cause: e,
      });
    }
  }
}

describe(`seeded schedules (${SEEDS} seeds each)`, () => {
  it('RwLock: a writer is alone, readers share, aborted waiters leak nothing', async () => {
    await everySeed('RwLock', function* (_seed, rand) {
      const lock = new RwLock(0, { maxReaders: 3 });
      let readers = 0;
      let writers = 0;
      const hs: JoinHandle<void>[] = [];
      for (let t = 0; t < 6; t++) {
        const writer = t % 3 === 0;
        hs.push(
          spawn(function* () {
            for (let k = 0; k < 3; k++) {
              yield* jitter(rand);
              if (writer) {
                const g = yield* lock.write();
                writers++;
                try {
                  assert.equal(readers, 0, 'a reader inside with a writer');
                  assert.equal(writers, 1, 'two writers inside');
                  yield* jitter(rand);
                  g.value++;
                } finally {
                  writers--;
                  g.release();
                }
              } else {
                const g = yield* lock.read();
                readers++;
                try {
                  assert.equal(writers, 0, 'a writer inside with readers');
                  assert.ok(readers <= 3, 'more readers than maxReaders');
                  yield* jitter(rand);
                } finally {
                  readers--;
                  g.release();
                }
              }
            }
          }),
        );
      }
      yield* jitter(rand, 10);
      hs[int(rand, hs.length)]!.abort();
      for (const h of hs) yield* settle(h);
      const g = lock.tryWrite();
      assert.ok(g !== undefined, 'the lock leaked a permit');
      g.release();
    });
  });

  it('Notify: no wake-up is lost when a notified waiter is aborted', async () => {
    await everySeed('Notify', function* (_seed, rand) {
      const n = new Notify();
      const k = 5;
      let woken = 0;
      const hs: JoinHandle<void>[] = [];
      for (let i = 0; i < k; i++)
        hs.push(
          spawn(function* () {
            yield* jitter(rand);
            yield* n.notified();
            woken++;
          }),
        );
      const victim = int(rand, k);
      const abortAfter = int(rand, k - 1);
      // One notification at a time (notifyOne stores at most one permit), each
      // must wake somebody: an aborted, already-notified waiter passes it on.
      for (let i = 0; i < k - 1; i++) {
        yield* jitter(rand);
        n.notifyOne();
        if (i === abortAfter) hs[victim]!.abort();
        for (let spins = 0; woken < i + 1 && spins < 1000; spins++) yield* yieldNow();
        assert.equal(woken, i + 1, `notification ${i + 1} woke nobody`);
      }
      if (!(yield* settle(hs[victim]!))) n.notifyOne(); // the victim had taken one
      for (let i = 0; i < k; i++) if (i !== victim) yield* hs[i]!;
    });
  });

  it('Barrier: every generation releases all its waiters with exactly one leader', async () => {
    await everySeed('Barrier', function* (_seed, rand) {
      const size = 4;
      const b = new Barrier(size);
      const leaders = [0, 0, 0];
      const hs: JoinHandle<void>[] = [];
      for (let t = 0; t < size; t++)
        hs.push(
          spawn(function* () {
            for (let g = 0; g < 3; g++) {
              yield* jitter(rand);
              if ((yield* b.wait()).isLeader) leaders[g]!++;
            }
          }),
        );
      for (const h of hs) yield* h;
      assert.deepEqual(leaders, [1, 1, 1]);
    });
  });

  it('OnceCell: one successful initialization however many callers fail, abort or race', async () => {
    await everySeed('OnceCell', function* (seed, rand) {
      const cell = new OnceCell<number>();
      let inits = 0;
      const failFirst = seed % 2 === 0;
      let attempts = 0;
      const hs: JoinHandle<number | undefined>[] = [];
      for (let t = 0; t < 5; t++)
        hs.push(
          spawn(function* () {
            yield* jitter(rand);
            try {
              return yield* cell.getOrTryInit(function* () {
                attempts++;
                yield* jitter(rand);
                if (failFirst && attempts === 1) throw new Error('first init fails');
                inits++;
                return 42;
              });
            } catch (e) {
              assert.equal((e as Error).message, 'first init fails');
              return undefined;
            }
          }),
        );
      yield* jitter(rand, 6);
      hs[int(rand, 5)]!.abort();
      for (const h of hs) {
        try {
          const v = yield* h;
          if (v !== undefined) assert.equal(v, 42);
        } catch {}
      }
      const v = yield* cell.getOrInit(function* () {
        inits++;
        return 42;
      });
      assert.equal(v, 42);
      assert.equal(inits, 1, 'the initializer succeeded more than once');
    });
  });

  it('CancellationToken: every waiter on the token or a child wakes once it is cancelled', async () => {
    await everySeed('CancellationToken', function* (_seed, rand) {
      const root = new CancellationToken();
      const child = root.childToken();
      const grandchild = child.childToken();
      let woken = 0;
      const hs: JoinHandle<void>[] = [];
      for (const tok of [root, child, grandchild, child, grandchild])
        hs.push(
          spawn(function* () {
            yield* jitter(rand);
            yield* tok.cancelled();
            woken++;
          }),
        );
      const victim = int(rand, hs.length);
      yield* jitter(rand, 6);
      hs[victim]!.abort();
      yield* jitter(rand);
      if (int(rand, 2) === 0) {
        child.cancel();
        yield* jitter(rand);
        assert.ok(!root.isCancelled(), 'cancelling a child cancelled its parent');
      }
      root.cancel();
      let cancelled = 0;
      for (const h of hs) if (yield* settle(h)) cancelled++;
      assert.equal(woken + cancelled, hs.length);
      assert.ok(grandchild.isCancelled());
    });
  });

  it('oneshot: the value arrives unless the receiver was aborted; the sender sees a closed receiver', async () => {
    await everySeed('oneshot', function* (_seed, rand) {
      const [tx, rx] = oneshot.channel<number>();
      const rxTask = spawn(function* () {
        yield* jitter(rand);
        return yield* rx;
      });
      const abortIt = int(rand, 2) === 0;
      yield* jitter(rand);
      if (abortIt) rxTask.abort();
      yield* jitter(rand);
      let sendFailed = false;
      try {
        tx.send(7);
      } catch {
        sendFailed = true;
      }
      try {
        assert.equal(yield* rxTask, 7);
        assert.ok(!sendFailed);
      } catch (e) {
        assert.ok(abortIt, `the receiver failed without being aborted: ${String(e)}`);
      }
    });
  });

  it('watch: every receiver ends on the last value and sees versions in order', async () => {
    await everySeed('watch', function* (_seed, rand) {
      const [tx, rx0] = watch.channel(0);
      const last = 20;
      const hs: JoinHandle<void>[] = [];
      for (let r = 0; r < 3; r++) {
        const rx = r === 0 ? rx0 : tx.subscribe();
        hs.push(
          spawn(function* () {
            let seen = rx.borrowAndUpdate();
            for (;;) {
              yield* jitter(rand);
              try {
                yield* rx.changed();
              } catch {
                break; // sender gone
              }
              const v = rx.borrowAndUpdate();
              assert.ok(v > seen, `went back from ${seen} to ${v}`);
              seen = v;
            }
            assert.equal(seen, last);
          }),
        );
      }
      for (let v = 1; v <= last; v++) {
        yield* jitter(rand);
        tx.send(v);
      }
      tx.close();
      for (const h of hs) yield* h;
    });
  });

  it('broadcast: each receiver gets an increasing sequence, and received + lagged counts add up', async () => {
    await everySeed('broadcast', function* (_seed, rand) {
      const [tx, rx0] = broadcast.channel<number>(4);
      const total = 30;
      const hs: JoinHandle<void>[] = [];
      for (let r = 0; r < 3; r++) {
        const rx = r === 0 ? rx0 : tx.subscribe();
        hs.push(
          spawn(function* () {
            let got = 0;
            let skipped = 0;
            let prev = 0;
            for (;;) {
              yield* jitter(rand, 3);
              try {
                const v = yield* rx.recv();
                assert.ok(v > prev);
                prev = v;
                got++;
              } catch (e) {
                assert.ok(e instanceof RecvError);
                if (e.kind === 'closed') break;
                skipped += e.skipped;
              }
            }
            assert.equal(got + skipped, total);
          }),
        );
      }
      for (let v = 1; v <= total; v++) {
        if (int(rand, 3) === 0) yield* yieldNow();
        tx.send(v);
      }
      tx.close();
      for (const h of hs) yield* h;
    });
  });
});
