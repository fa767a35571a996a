/**
 * Cooperative cancellation on worker threads (issue 21 item 5): `abort()` of a
 * remote task cancels it at its next `yield*` and runs its cleanup on the
 * worker; `shutdown(graceMs)` gives remote cleanup that long, then terminates
 * the workers; a worker that runs out of memory is reported and replaced.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { JoinError, type JoinHandle, Runtime, spawn } from 'tokio-ts';
import { type MultiThreadRuntime, spawnBlocking, WorkerError } from 'tokio-ts/worker';
import {
  blockingExhaustsHeap,
  blockingPlusOne,
  exhaustsHeap,
  nested,
  parksOn,
  plusOne,
  slowCleanup,
  spinsYielding,
} from './fixtures/cancellation.js';
import { changed } from './wait.js';

function flag(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(12));
}

/** Aborts `h` and returns what its join threw. */
function* abortAndJoin(h: JoinHandle<unknown>) {
  h.abort();
  try {
    yield* h;
  } catch (e) {
    return e;
  }
  return assert.fail('the join should throw');
}

function isCancelled(e: unknown): boolean {
  return e instanceof JoinError && e.isCancelled();
}

describe('abort() of a remote task', () => {
  let rt: MultiThreadRuntime;
  before(() => {
    rt = Runtime.builder().multiThread().workerThreads(2).build() as MultiThreadRuntime;
  });
  after(async () => {
    await rt.shutdown();
  });

  test('cancels a task busy in a loop of yieldNow() at its next yield*, running its finally on the worker', async () => {
    const f = flag();
    await rt.blockOn(function* () {
      const h = spawn(spinsYielding, f);
      yield* changed(f, 1, 0); // it spins on a worker
      const e = yield* abortAndJoin(h);
      assert.ok(isCancelled(e), String(e));
      assert.equal(Atomics.load(f, 0), 1, 'the finally block ran before the join returned');
      // the worker is free again
      assert.equal(yield* spawn(plusOne, 1), 2);
    });
  });

  for (const what of ['channel', 'mutex'] as const) {
    test(`cancels a task parked on a ${what}, running its finally and its defer on the worker`, async () => {
      const f = flag();
      await rt.blockOn(function* () {
        const h = spawn(parksOn, what, f);
        yield* changed(f, 1, 0);
        assert.ok(isCancelled(yield* abortAndJoin(h)));
        assert.equal(Atomics.load(f, 0), 11, 'finally (1) and defer (10) ran before the join');
      });
    });
  }

  test('cancels the scope, JoinSet and spawned children of a remote task on the worker, as on the current thread', async () => {
    const f = flag();
    await rt.blockOn(function* () {
      const h = spawn(nested, f);
      yield* changed(f, 1, 0);
      assert.ok(isCancelled(yield* abortAndJoin(h)));
      // the scope's 2 children are awaited by the scope, then the task's own finally
      // (the worker runs on: the other children may have ended already)
      assert.ok(Atomics.load(f, 0) >= 3, 'scope children and finally before the join');
      // the JoinSet's 3 children and the aborted loose child end with their owner
      // (not awaited by it, as on the current-thread runtime and in Tokio)
      for (let n = Atomics.load(f, 0); n < 7; n = Atomics.load(f, 0)) yield* changed(f, 0, n);
      assert.equal(Atomics.load(f, 0), 7);
    });
  });
});

describe('shutdown(graceMs) of a multi-thread runtime', () => {
  test('gives remote cleanup the grace period: a cleanup that finishes in it runs to the end', async () => {
    const rt = Runtime.builder().multiThread().workerThreads(1).build() as MultiThreadRuntime;
    const f = flag();
    let h!: JoinHandle<unknown>;
    await rt.blockOn(function* () {
      h = spawn(slowCleanup, f, false);
      yield* changed(f, 1, 0);
    });
    const down = rt.shutdown(30_000);
    // the cleanup is waiting for flag[2]: release it while shutdown waits
    Atomics.store(f, 2, 1);
    Atomics.notify(f, 2);
    await down;
    assert.equal(Atomics.load(f, 0), 1, 'the async cleanup ran to its end');
    await assert.rejects(Promise.resolve(h), isCancelled);
  });

  test('terminates a worker whose cleanup outlasts the grace period; its task is reported cancelled', async () => {
    const rt = Runtime.builder().multiThread().workerThreads(1).build() as MultiThreadRuntime;
    const f = flag();
    let h!: JoinHandle<unknown>;
    await rt.blockOn(function* () {
      h = spawn(slowCleanup, f, true);
      yield* changed(f, 1, 0);
    });
    await rt.shutdown(50);
    assert.equal(Atomics.load(f, 0), 0, 'the cleanup never finished');
    await assert.rejects(Promise.resolve(h), isCancelled);
  });
});

/** One worker thread with a 32 MB old generation. */
function capped(): MultiThreadRuntime {
  return Runtime.builder()
    .multiThread()
    .workerThreads(1)
    .workerResourceLimits({ maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 })
    .build() as MultiThreadRuntime;
}

describe('workerResourceLimits', () => {
  test('a worker out of memory fails its task with an out-of-memory WorkerError, is replaced, and the runtime keeps working', async () => {
    const rt = capped();
    try {
      await rt.blockOn(function* () {
        let e: unknown = null;
        try {
          yield* spawn(exhaustsHeap);
        } catch (x) {
          e = x;
        }
        assert.ok(e instanceof JoinError && e.isFailed(), String(e));
        const cause = e.cause;
        assert.ok(cause instanceof WorkerError && cause.kind === 'out-of-memory', String(cause));
        assert.equal(rt.replacedWorkers, 1);
        assert.equal(yield* spawn(plusOne, 41), 42, 'the replacement worker runs the next task');
      });
    } finally {
      await rt.shutdown();
    }
  });

  test("the same for the runtime's blocking pool", async () => {
    const rt = capped();
    try {
      await rt.blockOn(function* () {
        let e: unknown = null;
        try {
          yield* spawnBlocking(blockingExhaustsHeap);
        } catch (x) {
          e = x;
        }
        const cause = (e as JoinError).cause;
        assert.ok(cause instanceof WorkerError && cause.kind === 'out-of-memory', String(e));
        assert.equal(yield* spawnBlocking(blockingPlusOne, 1), 2);
      });
    } finally {
      await rt.shutdown();
    }
  });

  test('bad limits are a clear error at the builder', () => {
    const b = Runtime.builder().multiThread();
    assert.throws(() => b.workerResourceLimits({ maxOldGenerationSizeMb: -1 }), RangeError);
    assert.throws(() => b.workerResourceLimits({ maxHeap: 10 } as never), TypeError);
    assert.throws(() => b.workerResourceLimits(null as never), TypeError);
  });
});
