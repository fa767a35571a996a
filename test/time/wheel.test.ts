import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type JoinHandle, Runtime, select, spawn, yieldNow } from 'tokio-ts';
import { runTest, test } from 'tokio-ts/test';
import { advance, Instant, type Sleep, sleep, sleepUntil, timeout } from 'tokio-ts/time';

const timers = () => Runtime.current().metrics().timerEntries;
const COUNT = process.env.TOKIO_TS_STRESS === 'long' ? 100_000 : 10_000;

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
}

describe('timing wheel', () => {
  test(`${COUNT} sleeps, some reset earlier or later and some aborted, fire at their final deadlines in order`, {
    startPaused: true,
  }, function* () {
    const rand = lcg(7);
    const start = Instant.now();
    const fired: [number, number][] = [];
    const sleeps: Sleep[] = [];
    const finals: number[] = [];
    const hs: JoinHandle<void>[] = [];
    for (let i = 0; i < COUNT; i++) {
      // 1 ms .. 2^36 ms, spread over every wheel level
      const ms = Math.max(1, Math.floor(2 ** (rand() * 36)));
      const s = sleep(ms);
      sleeps.push(s);
      finals.push(ms);
      hs.push(
        spawn(function* () {
          yield* s;
          fired.push([finals[i]!, start.elapsed()]);
        }),
      );
    }
    yield* yieldNow(); // every task is parked in its sleep
    assert.equal(timers(), COUNT);
    const aborted = new Set<number>();
    for (let i = 0; i < COUNT; i++) {
      const r = rand();
      if (r < 0.2) {
        const ms = Math.max(1, Math.floor(finals[i]! * rand())); // earlier
        finals[i] = ms;
        sleeps[i]!.reset(start.add(ms));
      } else if (r < 0.4) {
        const ms = Math.floor(finals[i]! * (1 + rand() * 64)) + 1; // later, often a higher level
        finals[i] = ms;
        sleeps[i]!.reset(start.add(ms));
      } else if (r < 0.5) {
        aborted.add(i);
        hs[i]!.abort();
      }
    }
    for (let i = 0; i < COUNT; i++) {
      try {
        yield* hs[i]!;
      } catch {
        assert.ok(aborted.has(i));
      }
    }
    assert.equal(fired.length, COUNT - aborted.size);
    for (const [ms, at] of fired) assert.equal(at, ms);
    for (let i = 1; i < fired.length; i++) assert.ok(fired[i - 1]![0] <= fired[i]![0]);
    assert.ok(fired[fired.length - 1]![0] > 2 ** 36, 'some deadlines lie beyond the wheel range');
    assert.equal(timers(), 0);
  });

  test('advance() across level boundaries fires each sleep at the right step', {
    startPaused: true,
  }, function* () {
    const start = Instant.now();
    const at: number[] = [];
    const marks = [1, 63, 64, 65, 4095, 4096, 4097, 262_144, 16_777_216, 2 ** 30, 2 ** 36];
    for (const ms of marks)
      spawn(function* () {
        yield* sleep(ms);
        at.push(start.elapsed());
      });
    yield* yieldNow();
    for (let i = 0; i < marks.length; i++) {
      const step = marks[i]! - (i === 0 ? 0 : marks[i - 1]!);
      yield* advance(step - 1);
      assert.equal(at.length, i, `nothing fires 1 ms before ${marks[i]}`);
      yield* advance(1);
      yield* yieldNow();
      assert.equal(at.length, i + 1, `the sleep of ${marks[i]} ms fired`);
    }
    assert.deepEqual(at, marks);
    assert.equal(timers(), 0);
  });

  test('Sleep.reset after the timer fired but before the task resumed waits for the new deadline', {
    startPaused: true,
  }, function* () {
    const start = Instant.now();
    const s = sleep(10);
    const h = spawn(function* () {
      yield* s;
      return start.elapsed();
    });
    // this sleep is queued before the task's: at +10 both fire, this task resumes first
    yield* sleep(10);
    assert.equal(h.isFinished(), false);
    s.reset(start.add(25));
    assert.equal(yield* h, 25);
  });

  it('the Node timer keeps the process alive only while a task waits on time', async () => {
    const refTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const base = refTimers();
    let during = -1;
    await runTest(function* () {
      // a timeout around a fast future: inserted, then cancelled
      for (let i = 0; i < 100; i++) yield* timeout(60_000, yieldNow());
      const h = spawn(sleep(60_000));
      yield* yieldNow();
      during = refTimers();
      h.abort();
      try {
        yield* h;
      } catch {
        // cancelled
      }
    });
    assert.equal(during, base + 1, "one ref'd Node timer while a task sleeps");
    assert.equal(refTimers(), base, "no ref'd timer once the wheel is empty and the runtime idle");
  });

  it('with real time, sleeps on different wheel levels fire in order and never early', async () => {
    const got = await runTest(function* () {
      // every deadline counts from one instant: on a loaded machine the tasks'
      // first polls can be milliseconds apart, and sleep(ms) counts from its poll
      const t0 = performance.now(); // before start: at >= ms is then a fair check
      const start = Instant.now();
      const out: [number, number][] = [];
      const hs = [70, 3, 20, 1].map((ms) =>
        spawn(function* () {
          yield* sleepUntil(start.add(ms));
          out.push([ms, performance.now() - t0]);
        }),
      );
      for (const h of hs) yield* h;
      return out;
    });
    assert.deepEqual(
      got.map(([ms]) => ms),
      [1, 3, 20, 70],
    );
    for (const [ms, at] of got) assert.ok(at >= ms, `sleep(${ms}) fired after ${at} ms`);
  });

  test('one Sleep awaited again across select iterations keeps its deadline, and can be reset', {
    startPaused: true,
  }, function* () {
    const start = Instant.now();
    const s = sleep(50);
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = yield* select({ s, tick: sleep(20) });
      seen.push(`${r.key}@${start.elapsed()}`);
      if (r.key === 's') s.reset(Instant.now().add(30));
    }
    // ticks at 20, 40; s at 50, reset to 80; ticks at 70; s at 80; tick at 100
    assert.deepEqual(seen, ['tick@20', 'tick@40', 's@50', 'tick@70', 's@80']);
    assert.equal(timers(), 0);
  });

  test('a Sleep that one task is waiting on cannot be awaited by another', {
    startPaused: true,
  }, function* () {
    const s = sleep(10);
    const h = spawn(s);
    yield* yieldNow();
    assert.throws(() => spawn(s), /already being awaited/);
    yield* h;
    yield* s; // once it completed it can be awaited again (elapsed: at once)
  });
});
