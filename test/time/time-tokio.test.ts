// Ports of tokio/tests/time_interval.rs, time_sleep.rs and time_timeout.rs
// (the cases not covered by time.test.ts / timeout.test.ts), on the paused
// clock through the public API.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { type Future, select, spawn, yieldNow } from 'tokio-ts';
import { empty } from 'tokio-ts/io';
import { oneshot } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';
import {
  advance,
  Elapsed,
  Instant,
  type Interval,
  interval,
  intervalAt,
  isPaused,
  MissedTickBehavior,
  pause,
  resume,
  sleep,
  sleepUntil,
  timeout,
  timeoutAt,
} from 'tokio-ts/time';

const paused = { startPaused: true };

/** Polls `iv.tick()` once: its instant if ready now, else undefined (the tick is cancelled). */
function* pollTick(iv: Interval): Future<Instant | undefined> {
  const r = yield* select({ tick: iv.tick(), none: (function* () {})() }, { biased: true });
  return r.key === 'tick' ? r.value : undefined;
}

/** Tokio's `check_interval_poll!`: these ticks (ms after start) are ready now, the next is not. */
function* check(iv: Interval, start: Instant, ...deltas: number[]): Future<void> {
  for (const d of deltas) {
    const t = yield* pollTick(iv);
    assert.ok(t !== undefined, `tick at +${d} should be ready`);
    assert.equal(t.durationSince(start), d);
  }
  assert.equal(yield* pollTick(iv), undefined, 'no further tick should be ready');
}

/** The first ticks of a 300 ms interval started 1 ms in the past, as every Tokio interval test begins. */
function* startInterval(): Future<[Interval, Instant]> {
  const start = Instant.now();
  yield* advance(1);
  const iv = intervalAt(start, 300);
  yield* check(iv, start, 0);
  yield* advance(100);
  yield* check(iv, start);
  yield* advance(200);
  yield* check(iv, start, 300);
  return [iv, start];
}

describe('interval (ports of tokio time_interval.rs)', () => {
  test('interval_zero_duration: a zero period is refused', paused, function* () {
    assert.throws(() => intervalAt(Instant.now(), 0), RangeError);
  });

  test('burst: missed ticks fire back to back, then the schedule is kept', paused, function* () {
    const [iv, start] = yield* startInterval();
    yield* advance(650);
    yield* check(iv, start, 600, 900);
    yield* advance(200);
    yield* check(iv, start);
    yield* advance(100);
    yield* check(iv, start, 1200);
    yield* advance(250);
    yield* check(iv, start, 1500);
    yield* advance(300);
    yield* check(iv, start, 1800);
  });

  test(
    'skip: missed ticks are skipped, later ticks stay on the original grid',
    paused,
    function* () {
      const start = Instant.now();
      yield* advance(1);
      const iv = intervalAt(start, 300);
      iv.missedTickBehavior = MissedTickBehavior.Skip;
      yield* check(iv, start, 0);
      yield* advance(100);
      yield* check(iv, start);
      yield* advance(200);
      yield* check(iv, start, 300);
      yield* advance(650);
      yield* check(iv, start, 600);
      yield* advance(250);
      yield* check(iv, start, 1200);
      yield* advance(300);
      yield* check(iv, start, 1500);
      yield* advance(300);
      yield* check(iv, start, 1800);
    },
  );

  test('reset: the next tick is one period after the reset', paused, function* () {
    const [iv, start] = yield* startInterval();
    yield* advance(100);
    yield* check(iv, start);
    iv.reset();
    yield* advance(250);
    yield* check(iv, start);
    yield* advance(50);
    yield* check(iv, start, 701);
    yield* advance(300);
    yield* check(iv, start, 1001);
  });

  test('reset_immediately: the next tick is now', paused, function* () {
    const [iv, start] = yield* startInterval();
    yield* advance(100);
    yield* check(iv, start);
    iv.resetImmediately();
    yield* check(iv, start, 401);
    yield* advance(100);
    yield* check(iv, start);
    yield* advance(200);
    yield* check(iv, start, 701);
  });

  test('reset_after: the next tick is the given delay from now', paused, function* () {
    const [iv, start] = yield* startInterval();
    yield* advance(100);
    yield* check(iv, start);
    iv.resetAfter(20);
    yield* advance(20);
    yield* check(iv, start, 421);
    yield* advance(100);
    yield* check(iv, start);
    yield* advance(200);
    yield* check(iv, start, 721);
  });

  test('reset_at: the next tick is at the given instant', paused, function* () {
    const [iv, start] = yield* startInterval();
    yield* advance(100);
    yield* check(iv, start);
    iv.resetAt(Instant.now().add(40));
    yield* advance(40);
    yield* check(iv, start, 441);
    yield* advance(100);
    yield* check(iv, start);
    yield* advance(200);
    yield* check(iv, start, 741);
  });

  test('reset_at_bigger_than_interval: no tick until the reset instant', paused, function* () {
    const [iv, start] = yield* startInterval();
    yield* advance(100);
    yield* check(iv, start);
    iv.resetAt(Instant.now().add(1000));
    for (let i = 0; i < 3; i++) {
      yield* advance(300);
      yield* check(iv, start);
    }
    yield* advance(100);
    yield* check(iv, start, 1401);
    yield* advance(300);
    yield* check(iv, start, 1701);
  });

  test(
    'interval_doesnt_panic_max_duration_when_polling: the first tick of a huge period is ready',
    paused,
    function* () {
      const iv = interval(Number.MAX_SAFE_INTEGER);
      const start = Instant.now();
      assert.equal((yield* pollTick(iv))?.ms, start.ms);
    },
  );
});

describe('sleep (ports of tokio time_sleep.rs)', () => {
  test(
    'immediate_sleep: sleepUntil(now) is not elapsed before it is awaited, then completes at once',
    paused,
    function* () {
      const now = Instant.now();
      const s = sleepUntil(now);
      assert.equal(s.isElapsed(), false);
      yield* s;
      assert.equal(Instant.now().durationSince(now), 0);
      assert.equal(s.isElapsed(), true);
    },
  );

  test('is_elapsed: false while pending, true once awaited', paused, function* () {
    const s = sleep(10);
    assert.equal(s.isElapsed(), false);
    const r = yield* select({ s, none: (function* () {})() }, { biased: true });
    assert.equal(r.key, 'none');
    assert.equal(s.isElapsed(), false);
    yield* s;
    assert.equal(s.isElapsed(), true);
  });

  test(
    'delayed_sleep_level_0 and delayed_sleep_wrapping_level_0: exact instants',
    paused,
    function* () {
      for (const i of [1, 10, 60]) {
        const now = Instant.now();
        yield* sleepUntil(now.add(i));
        assert.equal(Instant.now().durationSince(now), i);
      }
      yield* sleep(5);
      const now = Instant.now();
      yield* sleepUntil(now.add(60));
      assert.equal(Instant.now().durationSince(now), 60);
    },
  );

  test(
    'reset_future_sleep_before_fire: a polled sleep moved later completes at the new deadline',
    paused,
    function* () {
      const now = Instant.now();
      const s = sleepUntil(now.add(100));
      const r = yield* select({ s, none: (function* () {})() }, { biased: true });
      assert.equal(r.key, 'none');
      s.reset(Instant.now().add(200));
      yield* s;
      assert.equal(Instant.now().durationSince(now), 200);
    },
  );

  test(
    'reset_past_sleep_before_turn / before_fire: moved earlier, it completes at the earlier deadline',
    paused,
    function* () {
      for (const wait of [0, 10]) {
        const now = Instant.now();
        const s = sleepUntil(now.add(100));
        const h = spawn(function* () {
          yield* s;
          return Instant.now().durationSince(now);
        });
        yield* yieldNow();
        if (wait > 0) yield* sleep(wait);
        s.reset(now.add(80));
        assert.equal(yield* h, 80);
      }
    },
  );

  test(
    'reset_future_sleep_after_fire: a completed sleep reset later can be awaited again',
    paused,
    function* () {
      const now = Instant.now();
      const s = sleepUntil(now.add(100));
      yield* s;
      assert.equal(Instant.now().durationSince(now), 100);
      s.reset(now.add(110));
      yield* s;
      assert.equal(Instant.now().durationSince(now), 110);
    },
  );

  test(
    'reset_sleep_to_past: a waiting sleep reset into the past completes without the clock moving',
    paused,
    function* () {
      const now = Instant.now();
      const s = sleepUntil(now.add(100));
      let at = -1;
      const h = spawn(function* () {
        yield* s;
        at = Instant.now().durationSince(now);
      });
      yield* sleep(50);
      assert.equal(at, -1);
      s.reset(now.add(40));
      yield* h;
      assert.equal(at, 50);
    },
  );

  test(
    'reset_after_firing: a fired sleep reset to the future is pending again with a new deadline',
    paused,
    function* () {
      const s = sleep(1);
      const deadline = s.deadline;
      yield* s;
      yield* s; // still ready
      s.reset(Instant.now().add(600_000));
      assert.notEqual(s.deadline.ms, deadline.ms);
      for (let i = 0; i < 2; i++) {
        const r = yield* select({ s, none: (function* () {})() }, { biased: true });
        assert.equal(r.key, 'none');
      }
    },
  );

  test(
    'exactly_max and issue_5183: huge sleeps neither throw nor fire early',
    paused,
    function* () {
      const start = Instant.now();
      const r = yield* select(
        { big: sleep(Number.MAX_SAFE_INTEGER / 10), small: sleep(1) },
        { biased: true },
      );
      assert.equal(r.key, 'small');
      assert.equal(Instant.now().durationSince(start), 1);
      const r2 = yield* select({ max: sleep(Number.MAX_VALUE), small: sleep(1) }, { biased: true });
      assert.equal(r2.key, 'small');
    },
  );
});

describe('long sleeps (ports of tokio time_sleep.rs)', () => {
  const YEAR = 365 * 24 * 3600 * 1000;

  test(
    'greater_than_max, long_sleeps and multi_long_sleeps: years on the paused clock, to the ms',
    paused,
    function* () {
      yield* sleepUntil(Instant.now().add(5 * YEAR));
      for (let i = 0; i < 5; i++) yield* sleep(YEAR);
      const deadline = Instant.now().add(10 * YEAR);
      yield* sleepUntil(deadline);
      assert.ok(Instant.now().ms >= deadline.ms && Instant.now().ms <= deadline.ms + 1);
    },
  );

  test(
    'exactly_max and no_out_of_bounds_close_to_max: the largest finite sleeps complete on the paused clock',
    paused,
    function* () {
      yield* sleep(Number.MAX_SAFE_INTEGER - 1);
      yield* sleep(Number.MAX_SAFE_INTEGER);
    },
  );

  test('short_sleeps: a thousand sleep(0)', function* () {
    for (let i = 0; i < 1000; i++) yield* sleep(0);
  });

  test(
    'drop_after_reschedule_at_new_scheduled_time: a sleep moved later and dropped does not disturb others',
    paused,
    function* () {
      const start = Instant.now();
      const a = sleep(5);
      const b = sleep(5);
      const c = sleep(10);
      const none = () => (function* () {})();
      for (const s of [a, b, c]) yield* select({ s, none: none() }, { biased: true });
      b.reset(start.add(10));
      yield* a;
      assert.equal(Instant.now().durationSince(start), 5);
      yield* c;
      assert.equal(Instant.now().durationSince(start), 10);
    },
  );
});

describe('timeout (ports of tokio time_timeout.rs)', () => {
  test(
    'simultaneous_deadline_future_completion and completed_future_past_deadline',
    paused,
    function* () {
      assert.equal(
        yield* timeoutAt(Instant.now(), function* () {
          return 1;
        }),
        1,
      );
      assert.equal(
        yield* timeoutAt(Instant.now().sub(1000), function* () {
          return 2;
        }),
        2,
      );
    },
  );

  test(
    'future_and_deadline_in_future / future_and_timeout_in_future: the future wins before the deadline',
    paused,
    function* () {
      for (const at of [true, false]) {
        const [tx, rx] = oneshot.channel<number>();
        const start = Instant.now();
        const h = spawn(at ? timeoutAt(start.add(100), rx) : timeout(100, rx));
        yield* advance(90);
        assert.equal(h.isFinished(), false);
        tx.send(5);
        assert.equal(yield* h, 5);
        assert.equal(Instant.now().durationSince(start), 90);
      }
    },
  );

  test('very_large_timeout: a huge timeout does not fire in ten years', paused, function* () {
    for (const ms of [Number.MAX_VALUE, Number.POSITIVE_INFINITY]) {
      const [tx, rx] = oneshot.channel<number>();
      const h = spawn(timeout(ms, rx));
      yield* advance(86_400_000 * 365 * 10);
      assert.equal(h.isFinished(), false);
      tx.send(1);
      assert.equal(yield* h, 1);
    }
  });

  test('deadline_now_elapses and deadline_future_elapses', paused, function* () {
    const never = () => sleep(Number.POSITIVE_INFINITY);
    const start = Instant.now();
    let err: unknown;
    try {
      yield* timeoutAt(start, never());
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof Elapsed);
    assert.equal(Instant.now().durationSince(start), 0);
    err = undefined;
    try {
      yield* timeoutAt(start.add(300), never());
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof Elapsed);
    assert.equal(Instant.now().durationSince(start), 300);
  });

  test('timeout_is_not_exhausted_by_future: a future that is always ready still times out', function* () {
    const buf = new Uint8Array(1);
    let err: unknown;
    try {
      yield* timeout(1, function* () {
        const r = empty();
        for (;;) yield* r.read(buf);
      });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof Elapsed);
  });
});

describe('paused clock (ports of tokio time_pause.rs)', () => {
  test('pause_panic_caller / resume_panic_caller (time_panic.rs): pausing twice or resuming a running clock throws', function* () {
    assert.throws(() => resume(), /not paused/);
    pause();
    assert.throws(() => pause(), /already paused/);
    assert.equal(isPaused(), true);
    resume();
    assert.equal(isPaused(), false);
  });

  test('interval_panic_caller / interval_at_panic_caller: a zero period throws', function* () {
    assert.throws(() => interval(0), RangeError);
    assert.throws(() => intervalAt(Instant.now(), 0), RangeError);
  });

  test(
    'advance_after_poll and sleep_no_poll: advance moves the clock exactly, a later sleep stays pending',
    paused,
    function* () {
      for (const poll of [true, false]) {
        const start = Instant.now();
        yield* advance(1);
        const s = sleepUntil(start.add(300));
        if (poll) {
          const r = yield* select({ s, none: (function* () {})() }, { biased: true });
          assert.equal(r.key, 'none');
        }
        const before = Instant.now();
        yield* advance(100);
        assert.equal(Instant.now().durationSince(before), 100);
        assert.equal(s.isElapsed(), false);
        const r = yield* select({ s, none: (function* () {})() }, { biased: true });
        assert.equal(r.key, 'none');
      }
    },
  );

  test(
    'test_time_advance_sub_ms and test_time_advance_3ms_and_change: elapsed() is exactly the advance',
    paused,
    function* () {
      for (const dur of [51.592, 0.001, 3141.592, 3123.456, 1, 1]) {
        const now = Instant.now();
        yield* advance(dur);
        assert.equal(now.elapsed(), dur);
      }
    },
  );

  test(
    'regression_3710_with_submillis_advance: a sub-ms advance does not fire a far sleep',
    paused,
    function* () {
      const start = Instant.now();
      yield* advance(1);
      const s = sleepUntil(start.add(60_000));
      const h = spawn(s);
      yield* yieldNow();
      const before = Instant.now();
      yield* advance(51.592);
      assert.equal(before.elapsed(), 51.592);
      yield* yieldNow();
      assert.equal(h.isFinished(), false);
      h.abort();
    },
  );

  test(
    'advance_once_with_timer and advance_multi_with_timer: a 1 ms sleep fires once 1 ms has passed',
    paused,
    function* () {
      for (const steps of [
        [0.25, 1.5],
        [0.25, 0.25, 0.25, 0.25],
      ]) {
        const now = Instant.now().ms;
        yield* advance(Math.ceil(now) - now); // start on a whole ms, as a fresh Tokio runtime does
        const h = spawn(sleep(1));
        yield* yieldNow();
        for (let i = 0; i < steps.length; i++) {
          assert.equal(h.isFinished(), false, `after ${i} steps`);
          yield* advance(steps[i]!);
          yield* yieldNow();
        }
        assert.equal(h.isFinished(), true);
      }
    },
  );
});
