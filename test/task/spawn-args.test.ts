import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { type Future, JoinError, spawn, yieldNow } from 'tokio-ts';
import { pending } from 'tokio-ts/future';
import { test } from 'tokio-ts/test';
import { Instant, sleep } from 'tokio-ts/time';

let bodies = 0;

function* add(a: number, b: number): Future<number> {
  bodies++;
  return a + b;
}

function* collect(into: string[], label: string, n: number): Future<number> {
  for (let i = 0; i < n; i++) {
    into.push(`${label}${i}`);
    yield* yieldNow();
  }
  return n;
}

const nap = (ms: number) => sleep(ms);

function* forever(): Future<never> {
  return yield* pending();
}

describe('spawn(fn, ...args)', () => {
  test('spawn(fn, a, b) runs fn(a, b) as a task, and its body starts only when the task is polled', function* () {
    bodies = 0;
    const h = spawn(add, 2, 3);
    assert.equal(bodies, 0, 'spawn does not run the body');
    assert.equal(yield* h, 5);
    assert.equal(bodies, 1);
  });

  test('tasks spawned with arguments run concurrently, each with its own', function* () {
    const log: string[] = [];
    const a = spawn(collect, log, 'a', 3);
    const b = spawn(collect, log, 'b', 2);
    assert.deepEqual([yield* a, yield* b], [3, 2]);
    assert.deepEqual(log, ['a0', 'b0', 'a1', 'b1', 'a2']);
  });

  test('a plain function returning a future gets its arguments too (the sleep is on the paused clock)', {
    startPaused: true,
  }, function* () {
    const t0 = Instant.now().ms;
    yield* spawn(nap, 250);
    assert.equal(Instant.now().ms, t0 + 250);
  });

  test('a task spawned with arguments is aborted like any other', function* () {
    const h = spawn(function* (ms: number) {
      yield* sleep(ms);
      return yield* forever();
    }, 10_000);
    yield* yieldNow();
    h.abort();
    try {
      yield* h;
      assert.fail('the task was not cancelled');
    } catch (e) {
      assert.ok(e instanceof JoinError && e.isCancelled());
    }
  });

  test('a hot loop of spawn(fn, i) joins every task with its own argument', function* () {
    let sum = 0;
    for (let i = 0; i < 10_000; i++) sum += yield* spawn(add, i, 1);
    assert.equal(sum, (9_999 * 10_000) / 2 + 10_000);
  });

  test('arguments after a function that declares no parameters are a TypeError, and nothing starts', function* () {
    let ran = 0;
    function* none(): Future<void> {
      ran++;
    }
    const loose = spawn as unknown as (...a: unknown[]) => unknown;
    assert.throws(
      () => loose(none, 1, 2),
      /spawn\(future, options\?\): got 2 arguments for a function that declares no parameters/,
    );
    assert.throws(() => loose(none, 7), /options must be an object like \{ name \}, got number/);
    yield* yieldNow();
    assert.equal(ran, 0);
  });

  test('each function spawned in turn is read by its own parameters (a function with one, then one with none and an options object)', function* () {
    function* named(): Future<string> {
      return 'factory';
    }
    const loose = spawn as unknown as (...a: unknown[]) => Future<unknown>;
    for (let i = 0; i < 3; i++) {
      assert.equal(yield* loose(add, i, 1), i + 1);
      assert.equal(yield* loose(named, { name: 'n' }), 'factory');
      assert.throws(() => loose(named, 7), /options must be an object like \{ name \}, got number/);
    }
  });
});
