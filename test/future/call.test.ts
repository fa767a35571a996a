import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spawn, yieldNow } from 'tokio-ts';
import { call } from 'tokio-ts/future';
import { test } from 'tokio-ts/test';

describe('call', () => {
  test('waits for a promise and returns its value', function* () {
    assert.equal(yield* call(Promise.resolve(3)), 3);
    assert.equal(yield* call(async () => 4), 4);
  });

  test('a function returning a plain value completes at once', function* () {
    assert.equal(yield* call(() => 5), 5);
  });

  test('a rejected promise surfaces as a thrown error inside the task', function* () {
    try {
      yield* call(Promise.reject(new Error('nope')));
      assert.fail('should throw');
    } catch (e) {
      assert.equal((e as Error).message, 'nope');
    }
  });

  test('the signal aborts when the task is cancelled', function* () {
    let seen: AbortSignal | undefined;
    const h = spawn(function* () {
      yield* call((signal) => {
        seen = signal;
        return new Promise<never>(() => {});
      });
    });
    yield* yieldNow();
    assert.ok(seen);
    assert.equal(seen.aborted, false);
    h.abort();
    try {
      yield* h;
    } catch {
      // cancelled
    }
    assert.equal(seen.aborted, true);
  });

  test('a promise settling after cancellation is ignored (no unhandled rejection)', function* () {
    let reject!: (e: unknown) => void;
    const p = new Promise<number>((_, r) => {
      reject = r;
    });
    const h = spawn(call(p));
    yield* yieldNow();
    h.abort();
    try {
      yield* h;
    } catch {
      // cancelled
    }
    reject(new Error('late'));
    yield* call(Promise.resolve());
  });

  it('bad input is a TypeError', () => {
    assert.throws(() => call(5 as unknown as Promise<number>), TypeError);
  });
});
