/**
 * Seeded schedule permutations for watch and oneshot (20 seeds each, 200 with
 * TOKIO_TS_STRESS=long): receivers race their waits against other branches.
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { type JoinHandle, select, spawn, yieldNow } from 'tokio-ts';
import { oneshot, RecvError, watch } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';
import { int, jitter, prng } from './seeded.js';

const SEEDS = process.env.TOKIO_TS_STRESS === 'long' ? 200 : 20;

describe('watch seeded schedules', () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    test(`receivers see non-decreasing versions, end on the last value, then closed (seed ${seed})`, {
      seed,
    }, function* () {
      const rand = prng(seed);
      const [tx, rx0] = watch.channel(0);
      const LAST = 30;
      const hs: JoinHandle<number[]>[] = [];
      for (let r = 0; r < 3; r++) {
        const rx = r === 0 ? rx0 : rx0.clone();
        const rr = prng(seed * 7 + r);
        hs.push(
          spawn(function* () {
            const seen: number[] = [];
            for (;;) {
              try {
                if (rr() < 0.5) yield* rx.changed();
                else {
                  const s = yield* select(
                    { c: rx.changed(), other: jitter(rr, 2) },
                    { biased: rr() < 0.5 },
                  );
                  if (s.key === 'other') continue; // a lost changed() marks nothing seen
                }
              } catch (e) {
                assert.ok(e instanceof RecvError && e.kind === 'closed');
                return seen;
              }
              seen.push(rx.borrowAndUpdate());
            }
          }),
        );
      }
      for (let v = 1; v <= LAST; v++) {
        tx.send(v);
        yield* jitter(rand, 3);
      }
      tx.close();
      for (const h of hs) {
        const seen = yield* h;
        for (let i = 1; i < seen.length; i++)
          assert.ok(seen[i]! > seen[i - 1]!, `seed ${seed}: ${seen}`);
        assert.equal(seen.at(-1), LAST, `seed ${seed}: the last value is always seen`);
      }
    });
  }
});

describe('oneshot seeded schedules', () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    test(`a value is received exactly once or handed back to the sender (seed ${seed})`, {
      seed,
    }, function* () {
      const rand = prng(seed);
      const [tx, rx] = oneshot.channel<number>();
      const closeFirst = int(rand, 4) === 0;
      const recv = spawn(function* () {
        for (;;) {
          if (closeFirst) {
            yield* jitter(rand, 3);
            rx.close();
            return 'closed';
          }
          const s = yield* select({ v: rx, other: yieldNow() }, { biased: rand() < 0.5 });
          if (s.key === 'v') return s.value;
          const t = rx.tryRecv();
          if (t.ok) return t.value;
        }
      });
      yield* jitter(rand, 4);
      let handedBack = false;
      try {
        tx.send(42);
      } catch {
        handedBack = true;
      }
      const got = yield* recv;
      if (handedBack) assert.equal(got, 'closed', `seed ${seed}`);
      else if (got !== 'closed') assert.equal(got, 42, `seed ${seed}`);
    });
  }
});
