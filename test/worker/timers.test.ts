import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { JoinError, Runtime, spawn } from 'tokio-ts';
import { join } from 'tokio-ts/future';
import type { MultiThreadRuntime } from 'tokio-ts/worker';
import { everyTimeApi, noTimers, sleepsLong } from './fixtures/timers.js';
import { changed } from './wait.js';

// One worker thread: every remote task below lands on the same worker, so
// timer-free tasks share it with timers.
describe('timers on a worker thread', () => {
  let rt: MultiThreadRuntime;
  before(() => {
    rt = Runtime.builder().multiThread().workerThreads(1).build() as MultiThreadRuntime;
  });
  after(async () => {
    await rt.shutdown();
  });

  test('every time API works inside a remote task, at exact instants on its paused clock', async () => {
    const seen = await rt.blockOn(function* () {
      // a timer-free task on the same worker, before and next to the timers
      const [s, n] = yield* join(spawn(everyTimeApi), spawn(noTimers, 50));
      assert.equal(n, 50);
      return s;
    });
    assert.deepEqual(seen, {
      paused: true,
      sleep: 10,
      sleepUntil: 25,
      timeoutFired: true,
      afterTimeout: 30,
      timeoutInTime: 'in time',
      timeoutAtFired: true,
      interval: [40, 50, 60],
      intervalAt: 100,
      advance: 107,
      spawned: 'slept on the worker',
    });
    // the worker survived: it runs the next task
    assert.equal(await rt.spawn(noTimers, 3), 3);
  });

  test('aborting a remote task parked in sleep runs its finally on the worker', async () => {
    const f = new Int32Array(new SharedArrayBuffer(8));
    await rt.blockOn(function* () {
      const h = spawn(sleepsLong, f);
      yield* changed(f, 1, 0); // it is sleeping on the worker
      h.abort();
      try {
        yield* h;
        assert.fail('join should throw');
      } catch (e) {
        assert.ok(e instanceof JoinError && e.isCancelled(), String(e));
      }
      assert.equal(Atomics.load(f, 0), 1, 'the finally block ran before the join returned');
    });
  });
});
