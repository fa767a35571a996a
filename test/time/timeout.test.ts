import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { type Future, Runtime, select, spawn, yieldNow } from 'tokio-ts';
import { defer, pending, ready } from 'tokio-ts/future';
import { mpsc } from 'tokio-ts/sync';
import { JoinError } from 'tokio-ts/task';
import { test } from 'tokio-ts/test';
import { Elapsed, Instant, sleep, timeout, timeoutAt } from 'tokio-ts/time';

const timers = () => Runtime.current().metrics().timerEntries;

describe('timeout (inline leaf)', () => {
  test('a future that is ready at once is returned without a timer, even with a zero deadline', {
    startPaused: true,
  }, function* () {
    assert.equal(yield* timeout(0, ready(7)), 7);
    assert.equal(
      yield* timeout(100, function* () {
        return 'sync';
      }),
      'sync',
    );
    assert.equal(timers(), 0);
  });

  test('timeout(0) around a pending future throws Elapsed at once and runs its finally', {
    startPaused: true,
  }, function* () {
    const start = Instant.now();
    let cleaned = false;
    let err: unknown;
    try {
      yield* timeout(0, function* () {
        try {
          yield* pending();
        } finally {
          cleaned = true;
        }
      });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof Elapsed);
    assert.equal(start.elapsed(), 0);
    assert.equal(cleaned, true);
    assert.equal(timers(), 0);
  });

  test('negative and NaN durations are RangeErrors', { startPaused: true }, function* () {
    assert.throws(() => timeout(-1, pending()), RangeError);
    assert.throws(() => timeout(Number.NaN, pending()), RangeError);
  });

  test('the deadline is fixed when timeout() is called', { startPaused: true }, function* () {
    const start = Instant.now();
    const t = timeout(50, sleep(100));
    yield* sleep(30);
    yield* assertElapsed(t);
    assert.equal(start.elapsed(), 50);
  });

  test('timeoutAt returns the value before the deadline and times out after it', {
    startPaused: true,
  }, function* () {
    const start = Instant.now();
    const v = yield* timeoutAt(start.add(20), function* () {
      yield* sleep(5);
      return 'ok';
    });
    assert.equal(v, 'ok');
    assert.equal(timers(), 0);
    yield* assertElapsed(timeoutAt(start.add(20), sleep(100)));
    assert.equal(start.elapsed(), 20);
  });

  test('an error of the inner future propagates and removes the timer', {
    startPaused: true,
  }, function* () {
    let err: unknown;
    try {
      yield* timeout(100, function* () {
        yield* sleep(5);
        throw new Error('inner');
      });
    } catch (e) {
      err = e;
    }
    assert.equal((err as Error).message, 'inner');
    assert.equal(timers(), 0);
  });

  test('many sequential timeouts around fast futures leave no timer behind', {
    startPaused: true,
  }, function* () {
    for (let i = 0; i < 1000; i++) {
      assert.equal(
        yield* timeout(1000, function* () {
          yield* yieldNow();
          return i;
        }),
        i,
      );
    }
    assert.equal(timers(), 0);
  });

  test('on timeout, async cleanup of an inner select is awaited before Elapsed', {
    startPaused: true,
  }, function* () {
    const start = Instant.now();
    let cleaned = -1;
    yield* assertElapsed(
      timeout(
        10,
        select({
          a: function* () {
            yield* defer(function* () {
              yield* sleep(5);
              cleaned = start.elapsed();
            });
            yield* pending();
          },
          b: pending(),
        }),
      ),
    );
    assert.equal(cleaned, 15);
    assert.equal(start.elapsed(), 15);
    assert.equal(timers(), 0);
  });

  test('nested timeouts: the inner deadline wins when it is earlier, the outer otherwise', {
    startPaused: true,
  }, function* () {
    const start = Instant.now();
    let err: unknown;
    try {
      yield* timeout(100, timeout(10, sleep(1000)));
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof Elapsed);
    assert.equal(start.elapsed(), 10);
    yield* assertElapsed(timeout(10, timeout(100, sleep(1000))));
    assert.equal(start.elapsed(), 20);
    assert.equal(timers(), 0);
  });

  test('cancel safety: aborting a task parked in a timeout runs the inner finally, no timer left', {
    startPaused: true,
  }, function* () {
    let cleaned = false;
    const h = spawn(
      timeout(1000, function* () {
        try {
          yield* pending();
        } finally {
          cleaned = true;
        }
      }),
    );
    yield* yieldNow();
    assert.equal(timers(), 1);
    h.abort();
    try {
      yield* h;
    } catch {
      // cancelled
    }
    assert.equal(cleaned, true);
    assert.equal(timers(), 0);
  });

  test('cancel safety: a message handed to a recv inside a timeout survives an abort', {
    startPaused: true,
  }, function* () {
    const [tx, rx] = mpsc.channel<number>(4);
    const h = spawn(timeout(1000, rx.recv()));
    yield* yieldNow(); // the task parks in recv
    yield* tx.send(42); // handed to the parked recv; the task is woken, not resumed
    h.abort();
    try {
      yield* h;
    } catch {
      // cancelled
    }
    assert.equal(yield* rx.recv(), 42);
    assert.equal(timers(), 0);
  });

  test('cancel safety: a timeout that loses a select is removed with its inner future', {
    startPaused: true,
  }, function* () {
    let cleaned = false;
    const r = yield* select({
      t: timeout(50, function* () {
        try {
          yield* sleep(1000);
        } finally {
          cleaned = true;
        }
      }),
      quick: sleep(1),
    });
    assert.equal(r.key, 'quick');
    assert.equal(cleaned, true);
    assert.equal(timers(), 0);
  });
});

describe('timeout: the inner future cleans up before the timeout returns', () => {
  test("a timeout that fires runs the inner future's defer cleanup before it throws Elapsed", {
    startPaused: true,
  }, function* () {
    const start = Instant.now();
    const log: string[] = [];
    yield* assertElapsed(
      timeout(10, function* () {
        yield* defer(function* () {
          yield* sleep(5);
          log.push(`first-registered at ${start.elapsed()}`);
        });
        yield* defer(function* () {
          log.push(`last-registered at ${start.elapsed()}`);
        });
        yield* pending();
      }),
    );
    log.push(`Elapsed at ${start.elapsed()}`);
    assert.deepEqual(log, ['last-registered at 10', 'first-registered at 15', 'Elapsed at 15']);
    assert.equal(timers(), 0);
  });

  test('an inner future that finishes in time runs its defer cleanup before the timeout returns', {
    startPaused: true,
  }, function* () {
    let cleaned = false;
    const v = yield* timeout(10, function* () {
      yield* defer(function* () {
        yield* sleep(1);
        cleaned = true;
      });
      yield* sleep(2);
      return 'done';
    });
    assert.equal(v, 'done');
    assert.equal(cleaned, true);
  });

  test('a cleanup that throws replaces Elapsed; a throwing inner future keeps its error', {
    startPaused: true,
  }, function* () {
    let err: unknown;
    try {
      yield* timeout(5, function* () {
        yield* defer(function* () {
          throw new Error('cleanup failed');
        });
        yield* pending();
      });
    } catch (e) {
      err = e;
    }
    assert.equal((err as Error).message, 'cleanup failed');
    let cleaned = false;
    try {
      yield* timeout(5, function* () {
        yield* defer(function* () {
          cleaned = true;
        });
        yield* sleep(1);
        throw new Error('inner');
      });
    } catch (e) {
      err = e;
    }
    assert.equal((err as Error).message, 'inner');
    assert.equal(cleaned, true);
  });

  test('a task cancelled inside a timeout runs the inner defer cleanup before its own', {
    startPaused: true,
  }, function* () {
    const log: string[] = [];
    const h = spawn(function* () {
      yield* defer(function* () {
        log.push('task cleanup');
      });
      yield* timeout(1000, function* () {
        yield* defer(function* () {
          yield* sleep(1);
          log.push('inner cleanup');
        });
        yield* pending();
      });
    });
    yield* sleep(1);
    h.abort();
    try {
      yield* h;
      assert.fail('expected the task to be cancelled');
    } catch (e) {
      assert.ok(e instanceof JoinError && e.isCancelled());
    }
    assert.deepEqual(log, ['inner cleanup', 'task cleanup']);
  });

  test('a defer outside the timeout still runs when the task ends, not when the timeout does', {
    startPaused: true,
  }, function* () {
    let outer = false;
    const h = spawn(function* () {
      yield* defer(function* () {
        outer = true;
      });
      yield* timeout(5, sleep(1));
      assert.equal(outer, false);
    });
    yield* h;
    assert.equal(outer, true);
  });
});

function* assertElapsed(f: Future<unknown>): Future<void> {
  let err: unknown;
  try {
    yield* f;
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof Elapsed, `expected Elapsed, got ${String(err)}`);
}
