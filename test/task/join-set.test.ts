import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { type Future, JoinError, Runtime, spawn, yieldNow } from 'tokio-ts';
import { pending, ready, select, suspend, type Waker } from 'tokio-ts/future';
import { JoinSet } from 'tokio-ts/task';
import { test } from 'tokio-ts/test';

function* after<T>(yields: number, v: T): Future<T> {
  for (let i = 0; i < yields; i++) yield* yieldNow();
  return v;
}

describe('JoinSet', () => {
  test('joinNext returns results in completion order, then undefined', function* () {
    const set = new JoinSet<number>();
    set.spawn(after(6, 3));
    set.spawn(after(2, 1));
    set.spawn(after(4, 2));
    assert.equal(set.size, 3);
    const got: number[] = [];
    for (let r = yield* set.joinNext(); r !== undefined; r = yield* set.joinNext()) {
      assert.ok(r.ok);
      got.push(r.value);
    }
    assert.deepEqual(got, [1, 2, 3]);
    assert.equal(set.isEmpty(), true);
  });

  test('a failed task is a { ok: false, error } result with its id', function* () {
    const set = new JoinSet<number>();
    const ah = set.spawn(function* () {
      throw new Error('x');
    });
    const r = yield* set.joinNext();
    assert.ok(r && !r.ok);
    assert.ok(r.error instanceof JoinError && r.error.isFailed());
    assert.equal(r.id, ah.id);
  });

  test('tryJoinNext returns undefined until a task has finished', function* () {
    const set = new JoinSet<string>();
    set.spawn(after(1, 'a'));
    assert.equal(set.tryJoinNext(), undefined);
    yield* yieldNow();
    yield* yieldNow();
    const r = set.tryJoinNext();
    assert.ok(r?.ok);
    assert.equal(r.value, 'a');
  });

  test('joinAll returns every value; the first failure aborts the rest and throws', function* () {
    const set = new JoinSet<number>();
    set.spawn(after(1, 1));
    set.spawn(after(2, 2));
    assert.deepEqual((yield* set.joinAll()).sort(), [1, 2]);
    const bad = new JoinSet<number>();
    let cleaned = false;
    bad.spawn(function* () {
      try {
        yield* pending();
      } finally {
        cleaned = true;
      }
      return 0;
    });
    bad.spawn(function* () {
      yield* yieldNow();
      throw new Error('fail');
    });
    try {
      yield* bad.joinAll();
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof JoinError && e.isFailed());
    }
    assert.equal(cleaned, true);
    assert.equal(bad.isEmpty(), true);
  });

  test('abortAll cancels every task; shutdown also waits for them', function* () {
    const set = new JoinSet<void>();
    let finallies = 0;
    for (let i = 0; i < 3; i++) {
      set.spawn(function* () {
        try {
          yield* pending();
        } finally {
          finallies++;
        }
      });
    }
    yield* yieldNow();
    yield* set.shutdown();
    assert.equal(finallies, 3);
    assert.equal(set.isEmpty(), true);
  });

  test('detachAll lets the tasks run on without the set', function* () {
    const set = new JoinSet<number>();
    let ran = false;
    set.spawn(function* () {
      yield* yieldNow();
      ran = true;
      return 1;
    });
    set.detachAll();
    assert.equal(set.size, 0);
    assert.equal(yield* set.joinNext(), undefined);
    for (let i = 0; i < 3; i++) yield* yieldNow();
    assert.equal(ran, true);
  });

  test('cancel safety: a cancelled joinNext loses no result', function* () {
    const set = new JoinSet<number>();
    set.spawn(after(1, 7));
    // joinNext loses the select to a branch that is ready after the task finished
    const r = yield* select(
      {
        next: set.joinNext(),
        other: after(3, 'other'),
      },
      { biased: false },
    );
    if (r.key === 'other') {
      const again = yield* set.joinNext();
      assert.ok(again?.ok);
      assert.equal(again.value, 7);
    } else {
      assert.ok(r.value?.ok);
      assert.equal(r.value.value, 7);
    }
    assert.equal(set.isEmpty(), true);
  });
});

describe('JoinSet ownership (Rust drops a set with its owner)', () => {
  /** A task that records its cancellation. */
  function watched(log: string[], name: string): () => Future<void> {
    return function* () {
      try {
        yield* pending();
      } finally {
        log.push(`${name} aborted`);
      }
    } as () => Future<void>;
  }

  test('an aborted owner task aborts the tasks of its set, without using', function* () {
    const log: string[] = [];
    const owner = spawn(function* () {
      const set = new JoinSet<void>();
      set.spawn(watched(log, 'a'));
      set.spawn(watched(log, 'b'));
      yield* set.joinNext();
    });
    yield* yieldNow();
    yield* yieldNow();
    owner.abort();
    yield* expectCancelled(owner);
    yield* yieldNow();
    assert.deepEqual(log.sort(), ['a aborted', 'b aborted']);
  });

  test('an owner that returns aborts the tasks still in its set', function* () {
    const log: string[] = [];
    yield* spawn(function* () {
      const set = new JoinSet<void>();
      set.spawn(watched(log, 'left'));
      yield* yieldNow();
      yield* yieldNow(); // it started
    });
    yield* yieldNow();
    assert.deepEqual(log, ['left aborted']);
  });

  test('a set used in select branches belongs to the task, not to a branch', function* () {
    const set = new JoinSet<number>();
    set.spawn(function* () {
      yield* yieldNow();
      yield* yieldNow();
      return 1;
    });
    // joinNext loses to a ready branch: the set and its task live on
    const r = yield* select({ next: set.joinNext(), now: function* () {} }, { biased: true });
    assert.equal(r.key, 'now');
    assert.equal(set.runningCount(), 1);
    const j = yield* set.joinNext();
    assert.ok(j?.ok && j.value === 1);
  });

  test('ownership moves to the task that waits on the set', function* () {
    const set = new JoinSet<number>();
    const collector = spawn(function* () {
      yield* yieldNow();
      return yield* set.joinAll();
    });
    // created in this test's task, handed to a short-lived task that spawns into it
    yield* spawn(function* () {
      set.spawn(function* () {
        for (let i = 0; i < 5; i++) yield* yieldNow();
        return 7;
      });
    });
    assert.deepEqual(yield* collector, [7]);
  });

  test('a set handed to a collector outlives its creator once the collector waits on it', function* () {
    const log: string[] = [];
    const [giveSet, handed] = handOver<JoinSet<void>>();
    const collector = spawn(function* () {
      const set = yield* handed;
      try {
        yield* set.joinNext();
      } finally {
        set.abortAll();
      }
    });
    yield* spawn(function* () {
      const set = new JoinSet<void>();
      set.spawn(watched(log, 'task'));
      giveSet(set);
      yield* yieldNow(); // the collector waits on it before this task ends
      yield* yieldNow();
    });
    yield* yieldNow();
    assert.deepEqual(log, [], 'the set was not aborted with its creator');
    collector.abort();
    yield* expectCancelled(collector);
    yield* yieldNow();
    assert.deepEqual(log, ['task aborted']);
  });

  test('a disowned set keeps its tasks when its creator ends', function* () {
    const set = yield* spawn(function* () {
      const s = new JoinSet<number>();
      s.disown();
      s.spawn(function* () {
        yield* yieldNow();
        yield* yieldNow();
        return 3;
      });
      return s;
    });
    assert.deepEqual(yield* set.joinAll(), [3]);
  });

  test('size counts finished tasks not yet joined (Tokio len); runningCount only running ones', function* () {
    const set = new JoinSet<void>();
    set.spawn(function* () {});
    set.spawn(pending<void>());
    yield* yieldNow();
    assert.equal(set.size, 2);
    assert.equal(set.runningCount(), 1);
    assert.ok(set.tryJoinNext()?.ok);
    assert.equal(set.size, 1);
    set.abortAll();
    yield* set.shutdown();
    assert.equal(set.size, 0);
    assert.equal(set.runningCount(), 0);
  });

  test('JoinSet.from spawns one task per future; spawnOn spawns on the given runtime', function* () {
    const set = JoinSet.from([1, 2, 3].map((n) => ready(n)));
    assert.equal(set.size, 3);
    assert.deepEqual((yield* set.joinAll()).sort(), [1, 2, 3]);
    assert.throws(() => JoinSet.from(5 as unknown as Iterable<Future<number>>), TypeError);
    const other = Runtime.builder().build();
    const on = new JoinSet<boolean>();
    on.spawnOn(function* () {
      return Runtime.current() === other;
    }, other.handle());
    on.spawnOn(function* () {
      return Runtime.current() === other;
    }, other);
    assert.deepEqual(yield* on.joinAll(), [true, true]);
    assert.throws(() => on.spawnOn(ready(true), {} as Runtime), TypeError);
  });
});

/** A one-shot hand-over between tasks (so the test does not depend on channels). */
function handOver<T>(): [(v: T) => void, Future<T>] {
  let value: T | undefined;
  let waker: Waker<T> | null = null;
  return [
    (v) => {
      value = v;
      waker?.wake(v);
    },
    suspend<T>((w) => {
      if (value !== undefined) w.wake(value);
      else waker = w;
    }),
  ];
}

function* expectCancelled(h: Future<unknown>): Future<void> {
  try {
    yield* h;
  } catch (e) {
    assert.ok(e instanceof JoinError && e.isCancelled(), String(e));
    return;
  }
  assert.fail('expected the task to be cancelled');
}
