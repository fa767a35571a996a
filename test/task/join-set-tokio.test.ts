// Ports of tokio/tests/task_join_set.rs and task_abort.rs (the cases not
// covered by join-set.test.ts), through the public API.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { type Future, JoinError, spawn, yieldNow } from 'tokio-ts';
import { pending } from 'tokio-ts/future';
import { oneshot, Semaphore, watch } from 'tokio-ts/sync';
import { JoinSet } from 'tokio-ts/task';
import { test } from 'tokio-ts/test';
import { Instant, sleep } from 'tokio-ts/time';

const paused = { startPaused: true };

function* sleepThen<T>(ms: number, v: T): Future<T> {
  yield* sleep(ms);
  return v;
}

/** Whether `rx` fails (its sender was closed unsent), waiting for it. */
function* senderDropped(rx: oneshot.OneshotReceiver<null>): Future<boolean> {
  try {
    yield* rx;
    return false;
  } catch {
    return true;
  }
}

describe('JoinSet (ports of tokio task_join_set.rs)', () => {
  test(
    'test_with_sleep: detachAll empties the set; a set is reusable after draining',
    paused,
    function* () {
      const set = new JoinSet<number>();
      for (let i = 0; i < 10; i++) {
        set.spawn(sleepThen(0, i));
        assert.equal(set.size, 1 + i);
      }
      set.detachAll();
      assert.equal(set.size, 0);
      assert.equal(yield* set.joinNext(), undefined);
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < 10; i++) {
          set.spawn(sleepThen(i * 1000, i));
          if (round === 0) assert.equal(set.size, 1 + i);
        }
        const seen = new Set<number>();
        for (let r = yield* set.joinNext(); r !== undefined; r = yield* set.joinNext()) {
          assert.ok(r.ok);
          seen.add(r.value);
        }
        assert.equal(seen.size, 10);
        assert.equal(yield* set.joinNext(), undefined);
      }
    },
  );

  // Unlike Tokio, the tasks must have started before the set is disposed:
  // a generator aborted before its first poll never entered its `try`, so its
  // `finally` does not run (docs/guide/topics/cancellation.md).
  test('test_abort_on_drop: disposing a set aborts its tasks (their cleanup runs)', function* () {
    const recvs: oneshot.OneshotReceiver<null>[] = [];
    {
      using set = new JoinSet<void>();
      for (let i = 0; i < 16; i++) {
        const [tx, rx] = oneshot.channel<null>();
        recvs.push(rx);
        set.spawn(function* () {
          try {
            yield* pending<void>();
          } finally {
            tx.close();
          }
        });
      }
      yield* yieldNow(); // let them start
    }
    for (const rx of recvs) assert.equal(yield* senderDropped(rx), true);
  });

  test('alternating: size tracks spawns and joins', function* () {
    const set = new JoinSet<void>();
    set.spawn(function* () {});
    set.spawn(function* () {});
    assert.equal(set.size, 2);
    for (let i = 0; i < 16; i++) {
      const r = yield* set.joinNext();
      assert.ok(r?.ok);
      assert.equal(set.size, 1);
      set.spawn(function* () {});
      assert.equal(set.size, 2);
    }
  });

  test(
    'abort_tasks: tasks aborted through their AbortHandle join as cancelled',
    paused,
    function* () {
      const set = new JoinSet<number>();
      for (let i = 0; i < 16; i++) {
        const abort = set.spawn(sleepThen(i * 1000, i));
        if (i % 2 !== 0) abort.abort();
      }
      let cancelled = 0;
      let completed = 0;
      for (let r = yield* set.joinNext(); r !== undefined; r = yield* set.joinNext()) {
        if (r.ok) {
          completed++;
          assert.equal(r.value % 2, 0);
        } else {
          assert.ok(r.error.isCancelled());
          cancelled++;
        }
      }
      assert.deepEqual([cancelled, completed], [8, 8]);
    },
  );

  test('join_all: every value', function* () {
    const set = new JoinSet<number>();
    for (let i = 0; i < 5; i++) set.spawn(sleepThen(0, 1));
    assert.deepEqual(yield* set.joinAll(), [1, 1, 1, 1, 1]);
  });

  test(
    'task_panics: joinAll throws the failure and the other task never finishes',
    paused,
    function* () {
      const set = new JoinSet<void>();
      const [tx, rx] = oneshot.channel<null>();
      set.spawn(function* () {
        yield* sleep(2000);
        tx.send(null);
      });
      set.spawn(function* () {
        yield* sleep(1000);
        throw new Error('boom');
      });
      assert.equal(set.size, 2);
      let err: unknown;
      try {
        yield* spawn(set.joinAll());
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof JoinError);
      assert.ok(err.isFailed());
      assert.equal(rx.tryRecv().ok, false);
      yield* sleep(5000);
      assert.equal(rx.tryRecv().ok, false, 'the sleeping task was aborted');
    },
  );

  test(
    'abort_all: finished tasks still join Ok, aborted ones cancelled; size counts both',
    paused,
    function* () {
      const set = new JoinSet<void>();
      for (let i = 0; i < 5; i++) set.spawn(pending<void>());
      for (let i = 0; i < 5; i++) set.spawn(sleep(1000));
      yield* sleep(2000);
      set.abortAll();
      assert.equal(set.size, 10);
      let count = 0;
      let ok = 0;
      for (let r = yield* set.joinNext(); r !== undefined; r = yield* set.joinNext()) {
        if (!r.ok) assert.ok(r.error.isCancelled());
        else ok++;
        count++;
      }
      assert.deepEqual([count, ok], [10, 5]);
      assert.equal(set.size, 0);
    },
  );

  test('join_set_coop: joinNext yields to the scheduler when the budget runs out', function* () {
    const N = 1000;
    const sem = new Semaphore(0);
    const set = new JoinSet<void>();
    for (let i = 0; i < N; i++)
      set.spawn(function* () {
        sem.addPermits(1);
      });
    (yield* sem.acquireMany(N)).forget();
    // Tokio polls joinNext with now_or_never and counts the Pending answers.
    // (A select with a ready branch is not that here: select itself yields
    // when the budget is used up, as Tokio's select! does.) So count the
    // turns another task gets while the loop joins ready results.
    let otherRuns = 0;
    const other = spawn(function* () {
      for (;;) {
        otherRuns++;
        yield* yieldNow();
      }
    });
    let count = 0;
    for (let r = yield* set.joinNext(); r !== undefined; r = yield* set.joinNext()) {
      assert.ok(r.ok);
      count++;
    }
    other.abort();
    assert.ok(otherRuns >= Math.floor(N / 128), `joinNext yielded only ${otherRuns} times`);
    assert.equal(count, N);
  });

  test('try_join_next: undefined while running, then every finished task', function* () {
    const N = 1000;
    const [send, recv] = watch.channel<null>(null);
    const set = new JoinSet<void>();
    for (let i = 0; i < N; i++) {
      const r = recv.clone();
      set.spawn(function* () {
        yield* r.changed();
        r.close();
      });
    }
    recv.close();
    assert.equal(set.tryJoinNext(), undefined);
    send.sendReplace(null);
    yield* send.closed();
    let count = 0;
    for (let r = set.tryJoinNext(); r !== undefined; r = set.tryJoinNext()) {
      assert.ok(r.ok);
      count++;
    }
    assert.equal(count, N);
  });

  test('extend (JoinSet.from): every future runs', function* () {
    const set = JoinSet.from([0, 1, 2, 3, 4].map((i) => sleepThen(0, i)));
    for (const i of [5, 6, 7, 8, 9]) set.spawn(sleepThen(0, i));
    const seen = new Set<number>();
    for (let r = yield* set.joinNext(); r !== undefined; r = yield* set.joinNext()) {
      assert.ok(r.ok);
      seen.add(r.value);
    }
    assert.equal(seen.size, 10);
  });

  test('spawn_then_shutdown: shutdown aborts pending tasks, runs their cleanup and empties the set', function* () {
    const set = new JoinSet<void>();
    const recvs: oneshot.OneshotReceiver<null>[] = [];
    for (let i = 0; i < 8; i++) {
      const [tx, rx] = oneshot.channel<null>();
      recvs.push(rx);
      set.spawn(function* () {
        try {
          yield* pending<void>();
        } finally {
          tx.close();
        }
      });
    }
    assert.equal(set.tryJoinNext(), undefined);
    yield* yieldNow(); // started (see test_abort_on_drop)
    yield* set.shutdown();
    assert.ok(set.isEmpty());
    for (const rx of recvs) assert.equal(yield* senderDropped(rx), true);
  });
});

describe('abort (ports of tokio task_abort.rs)', () => {
  test(
    'test_abort_without_panic_3157 / test_abort_wakes_task_3964: aborting a sleeping task',
    paused,
    function* () {
      let cleaned = false;
      const h = spawn(function* () {
        try {
          yield* sleep(100_000);
        } finally {
          cleaned = true;
        }
      });
      yield* sleep(10);
      const start = Instant.now();
      h.abort();
      let err: unknown;
      try {
        yield* h;
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof JoinError && err.isCancelled());
      assert.equal(cleaned, true);
      assert.equal(Instant.now().durationSince(start), 0);
    },
  );

  test('test_join_error_display: the message names the task', function* () {
    const h = spawn(function* () {
      throw new Error('Format-args payload: 1234');
    });
    try {
      yield* h;
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof JoinError);
      assert.match(e.message, /^task \d+ .*Format-args payload: 1234/);
    }
  });
});
