/**
 * Tasks whose arguments need structured clone are posted to one worker and
 * cannot be stolen: they go to a worker with room (at most 2 posted and not
 * started per worker), the rest wait on the spawning thread until a worker
 * starts or finishes one
 * (issue 21 item 2: round-robin at spawn time left half of a pipeline's batches
 * behind a slow worker).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { JoinSet, Runtime, spawn } from 'tokio-ts';
import type { MultiThreadRuntime } from 'tokio-ts/worker';
import { busyUntilReleased, echo, meetAll } from './fixtures/tasks.js';
import { changed } from './wait.js';

describe('tasks with cloned arguments', () => {
  let rt: MultiThreadRuntime;
  before(() => {
    rt = Runtime.builder().multiThread().workerThreads(2).build() as MultiThreadRuntime;
  });
  after(async () => {
    await rt.shutdown();
  });

  test('go to the worker with room: with one worker held by a busy task, all but two finish before it is released', {
    timeout: 60_000,
  }, async () => {
    const f = new Int32Array(new SharedArrayBuffer(8));
    await rt.blockOn(function* () {
      const busy = spawn(busyUntilReleased, f); // a typed array: cloned, so pinned too
      yield* changed(f, 0, 0); // it holds its worker
      const set = new JoinSet<unknown>();
      for (let i = 0; i < 12; i++)
        set.spawn(function* () {
          return yield* spawn(echo, new Map([[i, i]])); // a Map: structured clone
        });
      // round-robin would leave 6 of them behind the busy task; now at most 2
      for (let k = 0; k < 10; k++) assert.ok((yield* set.joinNext())?.ok);
      assert.equal(Atomics.load(f, 0), 1, '10 tasks finished while the busy task still ran');
      Atomics.store(f, 1, 1); // release it
      assert.equal(yield* busy, true);
      for (let k = 0; k < 2; k++) assert.ok((yield* set.joinNext())?.ok);
    });
  });

  test('an abort of a task still waiting for a worker cancels it at once', async () => {
    const f = new Int32Array(new SharedArrayBuffer(8));
    const g = new Int32Array(new SharedArrayBuffer(8));
    await rt.blockOn(function* () {
      // both workers busy, each with two more pinned tasks queued behind: the next waits here
      const busy = [spawn(busyUntilReleased, f), spawn(busyUntilReleased, g)];
      yield* changed(f, 0, 0);
      yield* changed(g, 0, 0);
      const queued = Array.from({ length: 4 }, () => spawn(echo, new Map()));
      const waiting = spawn(echo, new Map([[1, 1]]));
      waiting.abort();
      try {
        yield* waiting;
        assert.fail('the join should throw');
      } catch (e) {
        assert.ok((e as { isCancelled(): boolean }).isCancelled(), String(e));
      }
      assert.equal(Atomics.load(f, 0) + Atomics.load(g, 0), 2, 'both busy tasks still run');
      Atomics.store(f, 1, 1);
      Atomics.store(g, 1, 1);
      for (const h of busy) assert.equal(yield* h, true);
      for (const h of queued) assert.ok((yield* h) instanceof Map);
    });
  });

  test('that wait for each other all start: a worker runs any number of started tasks', async () => {
    await rt.blockOn(function* () {
      // 12 pinned tasks (a Map argument) that finish only once all 12 have started
      const arrived = new Int32Array(new SharedArrayBuffer(4));
      const hs = Array.from({ length: 12 }, (_, i) =>
        spawn(meetAll, arrived, 12, new Map([[i, i]])),
      );
      for (const h of hs) assert.equal(yield* h, 12);
    });
  });
});
