import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { JoinError, spawn, yieldNow } from 'tokio-ts';
import { pending } from 'tokio-ts/future';
import { test } from 'tokio-ts/test';

function* value(i: number) {
  return i;
}

describe('spawn', () => {
  test('joining a task that is the only one ready runs it at once, and a spawn+join loop still lets the event loop run', function* () {
    let ticks = 0;
    let stop = false;
    const tick = (): void => {
      ticks++;
      if (!stop) setImmediate(tick);
    };
    setImmediate(tick);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) sum += yield* spawn(value(i));
    stop = true;
    assert.equal(sum, (20_000 * 19_999) / 2);
    assert.ok(ticks > 0, 'the spawn+join loop never let Node run a setImmediate callback');
    // A joined task that fails reports to the joiner only.
    const failing = spawn(function* () {
      throw new Error('boom');
    });
    try {
      yield* failing;
      assert.fail('expected a JoinError');
    } catch (e) {
      assert.ok(e instanceof JoinError);
    }
  });

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
