import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { type Future, spawn, yieldNow } from 'tokio-ts';
import { select } from 'tokio-ts/future';
import { test } from 'tokio-ts/test';
import { Elapsed, Instant, retry, sleep } from 'tokio-ts/time';

/** A make() whose attempts fail until `okAt`, recording the instant of each attempt. */
function flaky(okAt: number, t0: () => Instant, work = 0) {
  const at: number[] = [];
  const make = function* (): Future<string> {
    at.push(Instant.now().durationSince(t0()));
    if (work > 0) yield* sleep(work);
    if (at.length < okAt) throw new Error(`fail ${at.length}`);
    return 'ok';
  };
  return { make, at };
}

describe('retry', () => {
  test('exponential backoff: attempts at 0, 100, 300, 700 (initialDelay 100, factor 2)', {
    startPaused: true,
  }, function* () {
    const t0 = Instant.now();
    const f = flaky(4, () => t0);
    assert.equal(yield* retry(f.make, { attempts: 4, initialDelay: 100 }), 'ok');
    assert.deepEqual(f.at, [0, 100, 300, 700]);
  });

  test('throws the last error after the last attempt (default 3 attempts)', {
    startPaused: true,
  }, function* () {
    const t0 = Instant.now();
    const f = flaky(99, () => t0);
    try {
      yield* retry(f.make);
      assert.fail('no error');
    } catch (e) {
      assert.equal((e as Error).message, 'fail 3');
    }
    assert.deepEqual(f.at, [0, 100, 300]);
    assert.equal(Instant.now().durationSince(t0), 300);
  });

  test('maxDelay caps the delay and factor scales it', { startPaused: true }, function* () {
    const t0 = Instant.now();
    const f = flaky(5, () => t0);
    yield* retry(f.make, { attempts: 5, initialDelay: 10, factor: 3, maxDelay: 50 });
    assert.deepEqual(f.at, [0, 10, 40, 90, 140]);
  });

  test("jitter 'full' waits random * delay and 'equal' delay/2 + random * delay/2", {
    startPaused: true,
  }, function* () {
    const random = Math.random;
    Math.random = () => 0.25;
    try {
      const t0 = Instant.now();
      const full = flaky(3, () => t0);
      yield* retry(full.make, { initialDelay: 100, jitter: 'full' });
      assert.deepEqual(full.at, [0, 25, 75]);
      const t1 = Instant.now();
      const equal = flaky(3, () => t1);
      yield* retry(equal.make, { initialDelay: 100, jitter: 'equal' });
      assert.deepEqual(equal.at, [0, 63, 63 + 125]);
    } finally {
      Math.random = random;
    }
  });

  test('retryIf: a refused error is thrown at once, with the attempt number', {
    startPaused: true,
  }, function* () {
    const t0 = Instant.now();
    const f = flaky(99, () => t0);
    const seen: [string, number][] = [];
    try {
      yield* retry(f.make, {
        attempts: 10,
        retryIf: (e, n) => {
          seen.push([(e as Error).message, n]);
          return n < 2;
        },
      });
      assert.fail('no error');
    } catch (e) {
      assert.equal((e as Error).message, 'fail 2');
    }
    assert.deepEqual(seen, [
      ['fail 1', 1],
      ['fail 2', 2],
    ]);
    assert.deepEqual(f.at, [0, 100]);
  });

  test('deadline: an attempt running at the deadline is cancelled and Elapsed thrown at the deadline', {
    startPaused: true,
  }, function* () {
    const t0 = Instant.now();
    let cleaned = 0;
    const make = function* (): Future<never> {
      try {
        yield* sleep(10_000);
      } finally {
        cleaned++;
      }
      throw new Error('unreachable');
    };
    try {
      yield* retry(make, { deadline: 250 });
      assert.fail('no error');
    } catch (e) {
      assert.ok(e instanceof Elapsed);
      assert.equal((e as Error).cause, undefined);
    }
    assert.equal(Instant.now().durationSince(t0), 250);
    assert.equal(cleaned, 1);
  });

  test('deadline: a delay that would end past it is not started; Elapsed carries the last error', {
    startPaused: true,
  }, function* () {
    const t0 = Instant.now();
    const f = flaky(99, () => t0, 400);
    try {
      yield* retry(f.make, { attempts: 10, initialDelay: 100, deadline: 1000 });
      assert.fail('no error');
    } catch (e) {
      assert.ok(e instanceof Elapsed);
      assert.equal(((e as Error).cause as Error).message, 'fail 2');
    }
    assert.deepEqual(f.at, [0, 500]);
    assert.equal(Instant.now().durationSince(t0), 900, 'no pointless wait until the deadline');
  });

  test('an Elapsed from inside an attempt (its own timeout) is retried like any error', {
    startPaused: true,
  }, function* () {
    let n = 0;
    const v = yield* retry(
      function* () {
        if (++n === 1) throw new Elapsed(5);
        return n;
      },
      { deadline: 1000 },
    );
    assert.equal(v, 2);
  });

  test('bad policies are typed errors', function* () {
    const make = function* (): Future<number> {
      return 1;
    };
    assert.throws(() => retry(5 as never), TypeError);
    assert.throws(() => retry(make, { attempts: 0 }), RangeError);
    assert.throws(() => retry(make, { initialDelay: -1 }), RangeError);
    assert.throws(() => retry(make, { deadline: Number.NaN }), RangeError);
    assert.throws(() => retry(make, { jitter: 'some' as never }), RangeError);
    assert.equal(yield* retry(make), 1);
  });

  test('cancel safety: cancelling retry cancels the running attempt and starts no other', {
    startPaused: true,
  }, function* () {
    let started = 0;
    let cleaned = 0;
    const make = function* (): Future<number> {
      started++;
      try {
        yield* sleep(50);
      } finally {
        cleaned++;
      }
      throw new Error('x');
    };
    const r = yield* select({ r: retry(make, { attempts: 5, initialDelay: 10 }), t: sleep(55) });
    assert.equal(r.key, 't');
    assert.equal(started, 1);
    assert.equal(cleaned, 1);
    const h = spawn(retry(make, { attempts: 5, initialDelay: 10 }));
    yield* sleep(70); // first attempt failed at 50; second started at 60
    h.abort();
    try {
      yield* h;
    } catch {
      // cancelled
    }
    yield* sleep(1000);
    yield* yieldNow();
    assert.equal(started, 3);
    assert.equal(cleaned, 3);
  });
});
