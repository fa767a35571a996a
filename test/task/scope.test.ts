import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { type Future, scope, spawn, yieldNow } from 'tokio-ts';
import { join, pending, ready } from 'tokio-ts/future';
import { TaskLocal } from 'tokio-ts/task';
import { test } from 'tokio-ts/test';

function* yields(n: number): Future<void> {
  for (let i = 0; i < n; i++) yield* yieldNow();
}

describe('scope', () => {
  test('children still running when the body returns are cancelled and awaited', function* () {
    const log: string[] = [];
    const v = yield* scope(function* (s) {
      s.spawn(function* () {
        try {
          yield* pending();
        } finally {
          log.push('child cleaned up');
        }
      });
      yield* yields(2);
      return 'body';
    });
    assert.equal(v, 'body');
    assert.deepEqual(log, ['child cleaned up']);
  });

  test('a child error cancels the body and the other children, then is rethrown', function* () {
    const log: string[] = [];
    try {
      yield* scope(function* (s) {
        s.spawn(function* () {
          try {
            yield* pending();
          } finally {
            log.push('sibling');
          }
        });
        s.spawn(function* () {
          yield* yieldNow();
          throw new Error('child failed');
        });
        try {
          yield* pending();
        } finally {
          log.push('body');
        }
      });
      assert.fail('should throw');
    } catch (e) {
      assert.equal((e as Error).message, 'child failed');
    }
    assert.deepEqual(log.sort(), ['body', 'sibling']);
  });

  test('a body error cancels the children and is rethrown', function* () {
    let cleaned = false;
    try {
      yield* scope(function* (s) {
        s.spawn(function* () {
          try {
            yield* pending();
          } finally {
            cleaned = true;
          }
        });
        yield* yieldNow();
        throw new Error('body failed');
      });
      assert.fail('should throw');
    } catch (e) {
      assert.equal((e as Error).message, 'body failed');
    }
    assert.equal(cleaned, true);
  });

  test('children can be joined inside the body', function* () {
    const v = yield* scope(function* (s) {
      const a = s.spawn(function* () {
        yield* yieldNow();
        return 20;
      });
      const b = s.spawn(function* () {
        return 22;
      });
      return (yield* a) + (yield* b);
    });
    assert.equal(v, 42);
  });

  test('cancelling the task that runs the scope cancels the body and children first', function* () {
    const log: string[] = [];
    const h = spawn(function* () {
      try {
        yield* scope(function* (s) {
          s.spawn(function* () {
            try {
              yield* pending();
            } finally {
              log.push('child');
            }
          });
          yield* pending();
        });
      } finally {
        log.push('outer');
      }
    });
    yield* yields(3);
    h.abort();
    try {
      yield* h;
    } catch {
      // cancelled
    }
    assert.deepEqual(log, ['child', 'outer']);
  });

  test('spawning after the scope ended is an error', function* () {
    let saved: { spawn: (f: Future<void>) => unknown } | undefined;
    yield* scope(function* (s) {
      saved = s;
    });
    assert.throws(() => saved!.spawn(pending()), /after the scope ended/);
  });
});

describe('TaskLocal', () => {
  const ID = new TaskLocal<string>('id');

  test('scope sets the value for the future and restores it after', function* () {
    assert.equal(ID.tryGet(), undefined);
    assert.throws(() => ID.get(), /not set/);
    yield* ID.scope('outer', function* () {
      assert.equal(ID.get(), 'outer');
      yield* ID.scope('inner', function* () {
        yield* yieldNow();
        assert.equal(ID.get(), 'inner');
      });
      assert.equal(ID.get(), 'outer');
    });
    assert.equal(ID.tryGet(), undefined);
  });

  test('a future factory passed to scope is called inside the scope', function* () {
    const v = yield* ID.scope('made-inside', () => ready(ID.get()));
    assert.equal(v, 'made-inside');
    assert.equal(ID.tryGet(), undefined);
  });

  test('combinator branches see the value; spawned tasks do not inherit it', function* () {
    yield* ID.scope('v', function* () {
      const [a, b] = yield* join(
        function* () {
          yield* yieldNow();
          return ID.tryGet();
        },
        function* () {
          return ID.tryGet();
        },
      );
      assert.deepEqual([a, b], ['v', 'v']);
      const spawned = yield* spawn(function* () {
        return ID.tryGet();
      });
      assert.equal(spawned, undefined);
    });
  });

  test('the value is available in finally blocks when the future is aborted', function* () {
    let seen: string | undefined;
    const h = spawn(
      ID.scope('during-abort', function* () {
        try {
          yield* pending();
        } finally {
          seen = ID.tryGet();
        }
      }),
    );
    yield* yields(2);
    h.abort();
    try {
      yield* h;
    } catch {
      // cancelled
    }
    assert.equal(seen, 'during-abort');
  });

  test('takeValue gives the value back once, before, during or after the scope ran (task_local.rs take_value)', function* () {
    const CTX = new TaskLocal<{ n: number }>('ctx');
    const f = CTX.scope({ n: 1 }, function* () {
      CTX.get().n++;
      yield* yieldNow();
      return CTX.get().n;
    });
    assert.equal(yield* f, 2);
    assert.deepEqual(f.takeValue(), { n: 2 });
    assert.equal(f.takeValue(), undefined);

    const early = CTX.scope({ n: 0 }, function* () {
      return 'ran';
    });
    assert.deepEqual(early.takeValue(), { n: 0 });
    try {
      yield* early;
      assert.fail('should throw');
    } catch (e) {
      assert.match((e as Error).message, /taken before its scope ran/);
    }

    const during = CTX.scope({ n: 5 }, function* () {
      yield* yieldNow();
      return CTX.get().n;
    });
    const h = spawn(during);
    yield* yieldNow();
    assert.deepEqual(during.takeValue(), { n: 5 });
    assert.equal(yield* h, 5);
  });
});
