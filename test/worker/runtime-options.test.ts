import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { describe, test as nodeTest } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BroadcastChannel, threadId } from 'node:worker_threads';
import { JoinError, Runtime, spawn } from 'tokio-ts';
import { type MultiThreadRuntime, spawnBlocking, WorkerError } from 'tokio-ts/worker';
import { HOOKS_CHANNEL, recordStart, recordStop, startHookRuns } from './fixtures/hooks.js';
import {
  add1,
  blockingAdd,
  blockingBusy,
  blockingBusyUntilReleased,
  returnsFunction,
  waitsForever,
} from './fixtures/tasks.js';
import { changed } from './wait.js';

interface HookEvent {
  ev: 'start' | 'stop';
  thread: number;
  main: boolean;
}

/** Collects hook reports; `until(n)` resolves once `n` arrived (or rejects after 5 s). */
function hookEvents() {
  const ch = new BroadcastChannel(HOOKS_CHANNEL);
  const events: HookEvent[] = [];
  let want = Number.POSITIVE_INFINITY;
  let wake: () => void = () => {};
  ch.onmessage = (e) => {
    events.push((e as MessageEvent).data as HookEvent);
    if (events.length >= want) wake();
  };
  return {
    events,
    until(n: number): Promise<HookEvent[]> {
      want = n;
      return new Promise<HookEvent[]>((resolve, reject) => {
        const t = setTimeout(
          () => reject(new Error(`only ${events.length} of ${n} hook reports`)),
          5000,
        );
        wake = () => {
          clearTimeout(t);
          resolve(events);
        };
        if (events.length >= n) wake();
      });
    },
    close: () => ch.close(),
  };
}

function build(b = Runtime.builder()): MultiThreadRuntime {
  return b.multiThread().build() as MultiThreadRuntime;
}

describe('multi-thread runtime options and lifecycle', () => {
  nodeTest('a runtime that is never shut down does not keep the process alive', () => {
    const r = spawnSync(
      process.execPath,
      [fileURLToPath(new URL('./fixtures/no-shutdown.js', import.meta.url))],
      { encoding: 'utf8', timeout: 10_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), '2');
  });

  nodeTest(
    'onThreadStart and onThreadStop closures run on the main thread once per worker; metrics count the workers',
    async () => {
      const mainThread = threadId;
      let started = 0;
      let stopped = 0;
      const rt = build(
        Runtime.builder()
          .workerThreads(2)
          .threadName('mt-test')
          .onThreadStart(() => {
            assert.equal(threadId, mainThread, 'the closure runs on the main thread');
            started++;
          })
          .onThreadStop(() => {
            assert.equal(threadId, mainThread, 'the closure runs on the main thread');
            stopped++;
          }),
      );
      assert.deepEqual(await Promise.all([1, 2, 3, 4].map((i) => rt.spawn(add1, i))), [2, 3, 4, 5]);
      const m = rt.metrics();
      assert.equal(m.numWorkers, 2);
      assert.ok(m.workerPollCount(0) + m.workerPollCount(1) >= 4);
      assert.equal(m.workerLocalQueueDepth(0), 0);
      await rt.shutdown();
      assert.equal(started, 2);
      assert.equal(stopped, 2);
    },
  );

  nodeTest(
    'onThreadStart and onThreadStop definitions run on each worker thread once, not on the main thread',
    async () => {
      const hooks = hookEvents();
      try {
        const rt = build(
          Runtime.builder().workerThreads(2).onThreadStart(recordStart).onThreadStop(recordStop),
        );
        const runs = await Promise.all([1, 2, 3, 4].map(() => rt.spawn(startHookRuns)));
        for (const r of runs) assert.equal(r.runs, 1, 'the start hook ran once on the task thread');
        await rt.shutdown();
        const events = await hooks.until(4);
        assert.equal(events.length, 4);
        const starts = events.filter((e) => e.ev === 'start').map((e) => e.thread);
        const stops = events.filter((e) => e.ev === 'stop').map((e) => e.thread);
        assert.equal(starts.length, 2);
        assert.equal(new Set(starts).size, 2, 'one start per worker');
        assert.deepEqual([...stops].sort(), [...starts].sort(), 'each started worker stopped once');
        for (const e of events) {
          assert.equal(e.main, false);
          assert.notEqual(e.thread, threadId);
        }
        for (const r of runs) assert.ok(starts.includes(r.thread), 'tasks ran on hooked workers');
      } finally {
        hooks.close();
      }
    },
  );

  nodeTest('a start hook that throws is printed to stderr and the worker still runs tasks', () => {
    const r = spawnSync(
      process.execPath,
      [fileURLToPath(new URL('./fixtures/failing-hook.js', import.meta.url))],
      { encoding: 'utf8', timeout: 10_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), '2');
    assert.match(r.stderr, /onThreadStart failed on worker 1[\s\S]*hook failed on purpose/);
  });

  nodeTest('onThreadStart rejects what is neither a function nor a blocking definition', () => {
    assert.throws(() => Runtime.builder().onThreadStart(add1 as never), TypeError);
    assert.throws(() => Runtime.builder().onThreadStop({} as never), TypeError);
  });

  nodeTest('shutdown cancels tasks running on workers: their finally blocks run', async () => {
    const rt = build(Runtime.builder().workerThreads(1));
    const f = new Int32Array(new SharedArrayBuffer(8));
    const h = rt.spawn(waitsForever, f);
    Atomics.wait(f, 1, 0, 10_000); // started on the worker
    await rt.shutdown(5000);
    assert.equal(Atomics.load(f, 0), 1, 'the remote finally ran before shutdown returned');
    await assert.rejects(
      Promise.resolve(h),
      (e: unknown) => e instanceof JoinError && e.isCancelled(),
    );
  });

  nodeTest('a result that cannot be cloned fails the handle with the clone error', async () => {
    const rt = build(Runtime.builder().workerThreads(1));
    try {
      await assert.rejects(Promise.resolve(rt.spawn(returnsFunction)), (e: unknown) => {
        assert.ok(e instanceof JoinError && e.isFailed());
        assert.match(String((e.cause as Error).message), /could not be cloned|cannot be cloned/);
        return true;
      });
      assert.equal(await rt.spawn(add1, 1), 2);
    } finally {
      await rt.shutdown();
    }
  });

  nodeTest(
    'the blocking pool starts no more threads than cores while its jobs keep finishing',
    async () => {
      const rt = build(Runtime.builder().workerThreads(1));
      try {
        await rt.blockOn(function* () {
          // 40 CPU jobs of 2 ms at once: Tokio's pool would start 40 threads
          const hs = Array.from({ length: 40 }, () => spawnBlocking(blockingBusy, 2));
          for (const h of hs) yield* h;
          const threads = rt.metrics().blockingThreads;
          // a thread per core, and a few more when no job finished for 100 ms (on
          // a loaded machine, a thread may get no core that long)
          assert.ok(
            threads < Math.max(20, availableParallelism() + 4),
            `${threads} threads for 40 jobs`,
          );
        });
      } finally {
        await rt.shutdown();
      }
    },
  );

  nodeTest(
    'the blocking pool starts one more thread when its threads are all blocked',
    async () => {
      const rt = build(Runtime.builder().workerThreads(1));
      const flags = Array.from(
        { length: availableParallelism() },
        () => new Int32Array(new SharedArrayBuffer(8)),
      );
      try {
        await rt.blockOn(function* () {
          const held = flags.map((f) => spawnBlocking(blockingBusyUntilReleased, f));
          for (const f of flags) yield* changed(f, 0, 0); // every core's thread is held
          const r = yield* spawnBlocking(blockingAdd, 2, 3);
          assert.equal(r.sum, 5);
          assert.ok(
            flags.every((f) => Atomics.load(f, 0) === 1),
            'it ran while the others were held',
          );
          for (const f of flags) Atomics.store(f, 1, 1);
          for (const h of held) yield* h;
        });
      } finally {
        await rt.shutdown();
      }
    },
  );

  nodeTest('the blocking pool queues beyond maxBlockingThreads and reports depth', async () => {
    const rt = build(Runtime.builder().workerThreads(1).maxBlockingThreads(1));
    try {
      await rt.blockOn(function* () {
        const a = spawnBlocking(blockingBusy, 30);
        const b = spawnBlocking(blockingAdd, 2, 3);
        const m = rt.metrics();
        assert.equal(m.blockingThreads, 1);
        assert.equal(m.blockingQueueDepth, 1, 'the second job waits for the only thread');
        const ta = yield* a;
        const rb = yield* b;
        assert.equal(rb.sum, 5);
        assert.equal(rb.thread, ta, 'both ran on the one blocking thread');
        assert.equal(m.idleBlockingThreads, 1);
      });
    } finally {
      await rt.shutdown();
    }
  });

  nodeTest(
    'cancel safety: aborting a queued blocking job drops it without running it',
    async () => {
      const rt = build(Runtime.builder().workerThreads(1).maxBlockingThreads(1));
      try {
        await rt.blockOn(function* () {
          const a = spawnBlocking(blockingBusy, 20);
          const b = spawnBlocking(blockingAdd, 1, 1);
          b.abort();
          try {
            yield* b;
            assert.fail('should be cancelled');
          } catch (e) {
            assert.ok(e instanceof JoinError && e.isCancelled());
          }
          yield* a;
          assert.equal(rt.metrics().blockingQueueDepth, 0);
        });
      } finally {
        await rt.shutdown();
      }
    },
  );

  nodeTest(
    'spawnBlocking rejects a task definition with a TypeError, spawn rejects a blocking one',
    async () => {
      const rt = build(Runtime.builder().workerThreads(1));
      try {
        assert.throws(() => spawnBlocking(add1 as never, 1), TypeError);
        await rt.blockOn(function* () {
          assert.throws(() => spawn(blockingAdd as never, 1, 2), TypeError);
        });
        assert.ok(new WorkerError('shutdown', 'x').kind === 'shutdown');
      } finally {
        await rt.shutdown();
      }
    },
  );
});
