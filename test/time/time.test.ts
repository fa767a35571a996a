import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Future, Runtime, select, spawn, yieldNow } from 'tokio-ts';
import { pending } from 'tokio-ts/future';
import { runTest, test } from 'tokio-ts/test';
import {
  advance,
  Elapsed,
  Instant,
  interval,
  intervalAt,
  isPaused,
  MissedTickBehavior,
  pause,
  sleep,
  sleepUntil,
  timeout,
} from 'tokio-ts/time';

const timers = () => Runtime.current().metrics().timerEntries;

describe('sleep', () => {
  test('sleep(0) completes; negative and NaN durations are RangeErrors', {
    startPaused: true,
  }, function* () {
    yield* sleep(0);
    assert.throws(() => sleep(-1), RangeError);
    assert.throws(() => sleep(Number.NaN), RangeError);
  });

  test('deadlines are whole milliseconds: a fractional one is rounded up, a passed one stays passed', {
    startPaused: true,
  }, function* () {
    const t0 = Instant.now().ms;
    assert.equal(Number.isInteger(t0), true);
    yield* advance(0.25);
    assert.equal(Instant.now().ms, t0 + 0.25);
    const s = sleep(10);
    assert.equal(s.deadline.ms, t0 + 11, 'rounded up to the tick the timer fires at');
    const zero = sleep(0);
    assert.equal(zero.isElapsed(), false, 'not elapsed before it is awaited, as in Tokio');
    yield* zero; // due at once
    assert.equal(zero.isElapsed(), true);
    const past = new Instant(t0 + 0.1);
    const p = sleepUntil(past);
    p.reset(past); // a reset arms the timer, as a first poll does
    assert.equal(p.isElapsed(), true);
    yield* sleepUntil(past); // completes without moving the clock
    assert.equal(Instant.now().ms, t0 + 0.25);
    assert.equal(sleep(Number.POSITIVE_INFINITY).deadline.ms, Number.POSITIVE_INFINITY);
    assert.equal(sleep(Number.POSITIVE_INFINITY).isElapsed(), false);
    yield* s;
    assert.equal(Instant.now().ms, t0 + 11);
  });

  test('sleep(Infinity) never completes but can be cancelled', { startPaused: true }, function* () {
    const r = yield* select({ forever: sleep(Number.POSITIVE_INFINITY), soon: sleep(5) });
    assert.equal(r.key, 'soon');
    assert.equal(timers(), 0);
  });

  test('10,000 sleeps with random deadlines fire in order, each at its exact instant', {
    startPaused: true,
  }, function* () {
    const start = Instant.now();
    const fired: [number, number][] = [];
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const hs = [];
    for (let i = 0; i < 10_000; i++) {
      const ms = Math.floor(2 ** (rand() * 37));
      hs.push(
        spawn(function* () {
          yield* sleep(ms);
          fired.push([ms, start.elapsed()]);
        }),
      );
    }
    for (const h of hs) yield* h;
    for (const [ms, at] of fired) assert.equal(at, ms);
    for (let i = 1; i < fired.length; i++) assert.ok(fired[i - 1]![0] <= fired[i]![0]);
    assert.ok(fired[fired.length - 1]![0] > 2 ** 30);
  });

  test('Sleep.reset moves the deadline earlier, later, and after it elapsed', {
    startPaused: true,
  }, function* () {
    const start = Instant.now();
    const s = sleep(100);
    s.reset(start.add(30));
    yield* s;
    assert.equal(start.elapsed(), 30);
    s.reset(start.add(80));
    assert.equal(s.isElapsed(), false);
    yield* s;
    assert.equal(start.elapsed(), 80);
    const t = sleep(10);
    const h = spawn(function* () {
      yield* t;
      return Instant.now();
    });
    yield* yieldNow();
    t.reset(Instant.now().add(50));
    assert.equal((yield* h).durationSince(start), 130);
  });

  test('sleepUntil waits for an instant', { startPaused: true }, function* () {
    const start = Instant.now();
    yield* sleepUntil(start.add(7));
    assert.equal(start.elapsed(), 7);
  });

  test('cancel safety: aborting a sleeping task removes its timer', {
    startPaused: true,
  }, function* () {
    const h = spawn(sleep(1000));
    yield* yieldNow();
    assert.equal(timers(), 1);
    h.abort();
    try {
      yield* h;
    } catch {
      // cancelled
    }
    assert.equal(timers(), 0);
  });

  it('with real time, sleep(50) fires no earlier than 50 ms after it was created', async () => {
    const elapsed = await runTest(function* () {
      const t0 = performance.now();
      yield* sleep(50);
      return performance.now() - t0;
    });
    assert.ok(elapsed >= 50, `fired after ${elapsed} ms`);
  });
});

describe('timeout', () => {
  test('throws Elapsed at exactly +100 ms and the inner finally ran', {
    startPaused: true,
  }, function* () {
    const start = Instant.now();
    let cleaned = false;
    try {
      yield* timeout(100, function* () {
        try {
          yield* sleep(200);
        } finally {
          cleaned = true;
        }
      });
      assert.fail('should time out');
    } catch (e) {
      assert.ok(e instanceof Elapsed);
      assert.equal(e.kind, 'elapsed');
    }
    assert.equal(start.elapsed(), 100);
    assert.equal(cleaned, true);
    assert.equal(timers(), 0);
  });

  test('when the future finishes first, its value is returned and no timer is left', {
    startPaused: true,
  }, function* () {
    const v = yield* timeout(100, function* () {
      yield* sleep(10);
      return 'v';
    });
    assert.equal(v, 'v');
    assert.equal(timers(), 0);
  });

  test('a one-hour timeout completes in well under a second of wall time', {
    startPaused: true,
  }, function* () {
    const wall = performance.now();
    try {
      yield* timeout(3_600_000, pending());
    } catch (e) {
      assert.ok(e instanceof Elapsed);
    }
    assert.ok(performance.now() - wall < 1000);
  });

  test('cancel safety: timeout inside a select that loses removes both timers', {
    startPaused: true,
  }, function* () {
    const r = yield* select({ t: timeout(1000, pending()), quick: sleep(1) });
    assert.equal(r.key, 'quick');
    assert.equal(timers(), 0);
  });
});

describe('interval', () => {
  function* ticks(behavior: MissedTickBehavior): Future<number[]> {
    const start = Instant.now();
    const iv = interval(10);
    iv.missedTickBehavior = behavior;
    const at: number[] = [];
    yield* iv.tick();
    at.push(start.elapsed());
    yield* sleep(35); // stall
    for (let i = 0; i < 5; i++) {
      yield* iv.tick();
      at.push(start.elapsed());
    }
    return at;
  }

  test('Burst catches up at once, then keeps the schedule', { startPaused: true }, function* () {
    assert.deepEqual(yield* ticks(MissedTickBehavior.Burst), [0, 35, 35, 35, 40, 50]);
  });

  test('Delay ticks one period after the late tick', { startPaused: true }, function* () {
    assert.deepEqual(yield* ticks(MissedTickBehavior.Delay), [0, 35, 45, 55, 65, 75]);
  });

  test('Skip goes to the next multiple of the period from the start', {
    startPaused: true,
  }, function* () {
    assert.deepEqual(yield* ticks(MissedTickBehavior.Skip), [0, 35, 40, 50, 60, 70]);
  });

  test('the period must be positive', { startPaused: true }, function* () {
    assert.throws(() => interval(0), RangeError);
  });

  test('delay: Tokio time_interval.rs, a late tick delays the schedule by the lateness', {
    startPaused: true,
  }, function* () {
    const start = Instant.now();
    const iv = intervalAt(start, 300);
    iv.missedTickBehavior = MissedTickBehavior.Delay;
    const at = (i: Instant) => i.durationSince(start);
    assert.equal(at(yield* iv.tick()), 0);
    assert.equal(at(yield* iv.tick()), 300);
    yield* sleep(651); // work until 951
    assert.equal(at(yield* iv.tick()), 600, 'the missed tick completes at once');
    assert.equal(start.elapsed(), 951);
    assert.equal(at(yield* iv.tick()), 1251, 'one period after the late tick completed');
    assert.equal(at(yield* iv.tick()), 1551);
  });

  test('a tick at most 5 ms late is on time for every behaviour (Tokio poll_tick slack)', {
    startPaused: true,
  }, function* () {
    for (const behavior of [
      MissedTickBehavior.Delay,
      MissedTickBehavior.Burst,
      MissedTickBehavior.Skip,
    ]) {
      const start = Instant.now();
      const iv = interval(20);
      iv.missedTickBehavior = behavior;
      yield* iv.tick(); // 0
      yield* sleep(25); // the tick at 20 completes 5 ms late: on time
      assert.equal((yield* iv.tick()).durationSince(start), 20);
      assert.equal((yield* iv.tick()).durationSince(start), 40, `${behavior}: the schedule holds`);
      assert.equal(start.elapsed(), 40);
      yield* sleep(26); // the tick at 60 completes 6 ms late: missed
      assert.equal((yield* iv.tick()).durationSince(start), 60);
      const next = (yield* iv.tick()).durationSince(start);
      const expected = { delay: 86, burst: 80, skip: 80 }[behavior];
      assert.equal(next, expected, `${behavior} after a tick 6 ms late`);
    }
  });
});

describe('paused clock', () => {
  test('pause and advance move the clock exactly', function* () {
    pause();
    assert.equal(isPaused(), true);
    const t = Instant.now();
    const h = spawn(function* () {
      yield* sleep(500);
      return t.elapsed();
    });
    yield* yieldNow(); // let the task start its sleep at +0
    yield* advance(499);
    assert.equal(h.isFinished(), false);
    yield* advance(1);
    yield* yieldNow();
    assert.equal(yield* h, 500);
  });
});
