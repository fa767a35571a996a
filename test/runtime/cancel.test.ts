import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { type Future, JoinError, spawn, yieldNow } from 'tokio-ts';
import { defer, pending, suspend } from 'tokio-ts/future';
import { SuspendedDuringCancelError } from 'tokio-ts/task';
import { test } from 'tokio-ts/test';

function* settle(n = 3): Future<void> {
  for (let i = 0; i < n; i++) yield* yieldNow();
}

describe('cancellation', () => {
  test('abort runs the cancel hook of the parked suspend, then the finally blocks', function* () {
    const log: string[] = [];
    const h = spawn(function* () {
      try {
        yield* suspend<void>(() => () => {
          log.push('hook');
        });
      } finally {
        log.push('finally');
      }
    });
    yield* settle();
    h.abort();
    yield* settle();
    assert.deepEqual(log, ['hook', 'finally']);
    assert.equal(h.isFinished(), true);
  });

  test('abort of a finished task changes nothing', function* () {
    const h = spawn(function* () {
      return 5;
    });
    assert.equal(yield* h, 5);
    h.abort();
    assert.equal(yield* h, 5);
  });

  test('abort twice is the same as once', function* () {
    let finallies = 0;
    const h = spawn(function* () {
      try {
        yield* pending();
      } finally {
        finallies++;
      }
    });
    yield* settle();
    h.abort();
    h.abort();
    yield* settle();
    assert.equal(finallies, 1);
  });

  test('a task that finishes without yielding after abort() reports success', function* () {
    const h = spawn(function* () {
      h.abort();
      return 'done';
    });
    assert.equal(yield* h, 'done');
  });

  test('await on a cancelled handle rejects with a cancelled JoinError', function* () {
    const h = spawn(pending());
    h.abort();
    const err = yield* suspend<unknown>((w) => {
      h.then(
        () => w.wake(undefined),
        (e) => w.wake(e),
      );
    });
    assert.ok(err instanceof JoinError);
    assert.equal(err.isCancelled(), true);
    assert.equal(err.isFailed(), false);
    assert.equal(err.taskId, h.id);
  });

  test('a task never polled is cancelled without running any of its code', function* () {
    let ran = false;
    const h = spawn(function* () {
      ran = true;
    });
    h.abort();
    yield* settle();
    assert.equal(ran, false);
    assert.equal(h.isFinished(), true);
  });

  test('deferred cleanups run to the end, last registered first, before the handle settles', function* () {
    const log: string[] = [];
    const h = spawn(function* () {
      yield* defer(function* () {
        yield* settle(2);
        log.push('first registered');
      });
      yield* defer(function* () {
        yield* settle(2);
        log.push('second registered');
      });
      try {
        yield* pending();
      } finally {
        log.push('finally');
      }
    });
    yield* settle();
    h.abort();
    try {
      yield* h;
    } catch (e) {
      assert.ok(e instanceof JoinError && e.isCancelled());
    }
    assert.deepEqual(log, ['finally', 'second registered', 'first registered']);
  });

  test('deferred cleanups also run when the task returns or throws', function* () {
    const log: string[] = [];
    const ok = spawn(function* () {
      yield* defer(function* () {
        yield* yieldNow();
        log.push('after return');
      });
      return 1;
    });
    assert.equal(yield* ok, 1);
    const bad = spawn(function* () {
      yield* defer(function* () {
        log.push('after throw');
      });
      throw new Error('boom');
    });
    try {
      yield* bad;
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof JoinError && e.isFailed());
      assert.equal((e.cause as Error).message, 'boom');
    }
    assert.deepEqual(log, ['after return', 'after throw']);
  });

  test('a finally inside a yield*-called generator that suspends never lets its caller continue', function* () {
    const log: string[] = [];
    function* inner(): Future<void> {
      try {
        yield* pending();
      } finally {
        log.push('inner finally start');
        yield* yieldNow(); // suspends during cancellation: not allowed
        log.push('inner finally end (must not run)');
      }
    }
    const h = spawn(function* () {
      try {
        yield* inner();
        log.push('caller continued (must not happen)');
      } finally {
        log.push('outer finally');
      }
    });
    yield* settle();
    h.abort();
    try {
      yield* h;
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof JoinError);
      assert.equal(e.isCancelled(), true);
      assert.ok(
        e.cause instanceof SuspendedDuringCancelError,
        'the suspension is reported on the task',
      );
    }
    assert.deepEqual(log, ['inner finally start', 'outer finally']);
  });

  test('a cancel hook may return a Future that finishes before the finally blocks run', function* () {
    const log: string[] = [];
    const h = spawn(function* () {
      try {
        yield* suspend<void>(() => () => ({
          *[Symbol.iterator]() {
            yield* settle(3);
            log.push('hook future done');
          },
        }));
      } finally {
        log.push('finally');
      }
    });
    yield* settle();
    h.abort();
    try {
      yield* h;
    } catch {
      // cancelled
    }
    assert.deepEqual(log, ['hook future done', 'finally']);
  });

  test('a finally block that throws during cancellation fails the task with that error', function* () {
    const h = spawn(function* () {
      try {
        yield* pending();
      } finally {
        // biome-ignore lint/correctness/noUnsafeFinally: the behaviour under test
        throw new Error('from finally');
      }
    });
    yield* settle();
    h.abort();
    try {
      yield* h;
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof JoinError && e.isFailed());
      assert.equal((e.cause as Error).message, 'from finally');
    }
  });

  test('a leaf that completes at once still works inside a finally during cancellation', function* () {
    const log: string[] = [];
    const h = spawn(function* () {
      try {
        yield* pending();
      } finally {
        const v = yield* suspend<number>((w) => {
          w.wake(7);
        });
        log.push(`ready leaf gave ${v}`);
      }
    });
    yield* settle();
    h.abort();
    try {
      yield* h;
    } catch (e) {
      assert.ok(e instanceof JoinError && e.isCancelled());
      assert.equal(e.cause, undefined);
    }
    assert.deepEqual(log, ['ready leaf gave 7']);
  });
});
