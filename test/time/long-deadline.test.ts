// Deadlines past 2^31-1 ms (24.8 days): Node clamps a longer setTimeout to
// 1 ms (with a TimeoutOverflowWarning), so the driver would wake every
// millisecond until the deadline. It arms at most 2^31-1 ms ahead instead.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { spawn, yieldNow } from 'tokio-ts';
import { call } from 'tokio-ts/future';
import { test } from 'tokio-ts/test';
import { Instant, sleep } from 'tokio-ts/time';

const MAX_DELAY = 2 ** 31 - 1;
const DAYS_30 = 30 * 24 * 3600 * 1000;

describe('deadlines past 2^31-1 ms', () => {
  test('a 30-day sleep arms the Node timer for at most 2^31-1 ms, with no warning; when that timer fires the sleep is still pending', function* () {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    const armed: { ms: number; fn: () => void }[] = [];
    const orig = globalThis.setTimeout;
    globalThis.setTimeout = ((fn: () => void, ms?: number) => {
      armed.push({ ms: ms ?? 0, fn });
      return orig(fn, ms);
    }) as typeof setTimeout;
    let done = false;
    const h = spawn(function* () {
      yield* sleep(DAYS_30);
      done = true;
    });
    try {
      yield* yieldNow();
      yield* yieldNow();
      assert.equal(armed.length, 1);
      assert.equal(armed[0]!.ms, MAX_DELAY);
      // As the capped timer would after 24.8 days: nothing is due, it arms again (capped).
      armed[0]!.fn();
      yield* yieldNow();
      assert.equal(done, false);
      for (const a of armed) assert.ok(a.ms <= MAX_DELAY, `armed for ${a.ms} ms`);
      yield* call(new Promise<void>((r) => setImmediate(r)));
    } finally {
      globalThis.setTimeout = orig;
      h.abort();
      process.off('warning', onWarning);
    }
    assert.deepEqual(warnings, []);
  });

  test('on the paused clock a 30-day sleep ends exactly 30 days later', {
    startPaused: true,
  }, function* () {
    const start = Instant.now();
    yield* sleep(DAYS_30);
    assert.equal(Instant.now().ms - start.ms, DAYS_30);
  });
});
