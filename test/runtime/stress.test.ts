import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { type Future, JoinError, spawn, yieldNow } from 'tokio-ts';
import { test } from 'tokio-ts/test';

const LONG = process.env.TOKIO_TS_STRESS === 'long';

function* trivial(i: number): Future<number> {
  return i;
}

function* depth(n: number): Future<number> {
  if (n === 0) {
    yield* yieldNow();
    return 0;
  }
  return 1 + (yield* depth(n - 1));
}

describe('stress', () => {
  test(`${LONG ? '1,000,000' : '200,000'} spawned tasks complete with bounded memory`, function* () {
    const total = LONG ? 1_000_000 : 200_000;
    const wave = 10_000;
    let sum = 0;
    let peak = 0;
    const base = process.memoryUsage().heapUsed;
    for (let start = 0; start < total; start += wave) {
      const handles = [];
      for (let i = start; i < start + wave; i++) handles.push(spawn(trivial(i)));
      for (const h of handles) sum += yield* h;
      peak = Math.max(peak, process.memoryUsage().heapUsed - base);
    }
    assert.equal(sum, (total * (total - 1)) / 2);
    // a wave of 10,000 finished tasks plus garbage: far below what 1 M retained tasks would need
    assert.ok(peak < 200 * 1024 * 1024, `heap grew by ${(peak / 1048576).toFixed(1)} MiB`);
  });

  test('yield* recursion 1,000 deep works', function* () {
    assert.equal(yield* depth(1000), 1000);
  });

  test('recursion that overflows V8 stack fails that task with a RangeError; others keep running', function* () {
    const other = spawn(function* () {
      for (let i = 0; i < 10; i++) yield* yieldNow();
      return 'still running';
    });
    const deep = spawn(depth(100_000));
    try {
      yield* deep;
      assert.fail('should overflow');
    } catch (e) {
      assert.ok(e instanceof JoinError && e.isFailed(), String(e));
      assert.ok(e.cause instanceof RangeError, String(e.cause));
    }
    assert.equal(yield* other, 'still running');
  });
});
