import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { JoinError, spawn, yieldNow } from 'tokio-ts';
import { pending } from 'tokio-ts/future';
import { test } from 'tokio-ts/test';

describe('spawn', () => {
  test('a task does nothing until the runtime polls it', function* () {
    let ran = false;
    const h = spawn(function* () {
      ran = true;
      return 1;
    });
    assert.equal(ran, false, 'spawn returned before the body ran');
    assert.equal(yield* h, 1);
    assert.equal(ran, true);
  });

  test('abort of a parked task runs its finally and joins as cancelled', function* () {
    const log: string[] = [];
    const h = spawn(function* () {
      try {
        yield* pending();
      } finally {
        log.push('finally');
      }
    });
    yield* yieldNow();
    h.abort();
    try {
      yield* h;
      assert.fail('join should throw');
    } catch (e) {
      assert.ok(e instanceof JoinError);
      assert.equal(e.isCancelled(), true);
    }
    assert.deepEqual(log, ['finally']);
  });
});
