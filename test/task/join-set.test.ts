import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { type Future, JoinError, yieldNow } from 'tokio-ts';
import { pending, select } from 'tokio-ts/future';
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
