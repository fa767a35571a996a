/**
 * A pinned task (cloned arguments) of a definition whose tasks take ≥ 1 ms is
 * posted to a worker only once the pinned task that worker runs has suspended
 * or ended (a batch cloned into a thread still busy with the previous one cost
 * ~14 % more worker CPU: issue 21 item 2). Holding back must never starve a
 * task nor keep tasks that wait for each other from starting.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { JoinSet, Runtime, spawn } from 'tokio-ts';
import type { MultiThreadRuntime } from 'tokio-ts/worker';
import { echo, spinOrHold, spinThenMeet } from './fixtures/tasks.js';
import { changed } from './wait.js';

function* makeLong(): Generator<any, void, any> {
  // a few runs of 3 ms each: the definition is measured long from then on
  const f = new Int32Array(new SharedArrayBuffer(12));
  for (let i = 0; i < 3; i++) assert.equal(yield* spawn(spinOrHold, f, 3), true);
}

describe('pinned tasks of long definitions on one worker', () => {
  let rt: MultiThreadRuntime;
  before(() => {
    rt = Runtime.builder().multiThread().workerThreads(1).build() as MultiThreadRuntime;
  });
  after(async () => {
    await rt.shutdown();
  });

  test('that wait for each other all start and finish: a task that suspends holds nothing back', {
    timeout: 60_000,
  }, async () => {
    await rt.blockOn(function* () {
      // the definition takes ≥ 3 ms per task before it waits
      const warm = new Int32Array(new SharedArrayBuffer(4));
      for (let i = 0; i < 3; i++) assert.equal(yield* spawn(spinThenMeet, 3, warm, 0), 1 + i);
      // 4 tasks that finish only once all 4 have started, on a single worker
      const arrived = new Int32Array(new SharedArrayBuffer(4));
      const hs = Array.from({ length: 4 }, () => spawn(spinThenMeet, 3, arrived, 4));
      for (const h of hs) assert.equal(yield* h, 4);
    });
  });

  test('a held task is posted once the running one ends', { timeout: 60_000 }, async () => {
    await rt.blockOn(function* () {
      yield* makeLong();
      const f = new Int32Array(new SharedArrayBuffer(12));
      const g = new Int32Array(new SharedArrayBuffer(12));
      const busy = spawn(spinOrHold, f, 0);
      yield* changed(f, 0, 0); // it holds the only worker without suspending
      const next = Array.from({ length: 3 }, () => spawn(spinOrHold, g, 2));
      Atomics.store(f, 1, 1); // release it
      assert.equal(yield* busy, true);
      for (const h of next) assert.equal(yield* h, true);
      assert.equal(Atomics.load(g, 2), 3);
    });
  });

  test('cancel safety: an abort of a held task joins as cancelled and it never runs', {
    timeout: 60_000,
  }, async () => {
    await rt.blockOn(function* () {
      yield* makeLong();
      const f = new Int32Array(new SharedArrayBuffer(12));
      const g = new Int32Array(new SharedArrayBuffer(12));
      const busy = spawn(spinOrHold, f, 0);
      yield* changed(f, 0, 0);
      const held = spawn(spinOrHold, g, 2);
      held.abort();
      try {
        yield* held;
        assert.fail('the join should throw');
      } catch (e) {
        assert.ok((e as { isCancelled(): boolean }).isCancelled(), String(e));
      }
      assert.equal(Atomics.load(f, 0), 1, 'the busy task still runs');
      Atomics.store(f, 1, 1);
      assert.equal(yield* busy, true);
      // the next task of the definition runs: nothing was left held
      assert.equal(yield* spawn(spinOrHold, f, 2), true);
      assert.equal(Atomics.load(g, 2), 0, 'the aborted task never ran');
    });
  });

  test('many tasks of a long definition and many short ones all complete', {
    timeout: 60_000,
  }, async () => {
    await rt.blockOn(function* () {
      yield* makeLong();
      const f = new Int32Array(new SharedArrayBuffer(12));
      const set = new JoinSet<unknown>();
      for (let i = 0; i < 20; i++)
        set.spawn(function* () {
          return yield* spawn(spinOrHold, f, 1);
        });
      for (let i = 0; i < 300; i++)
        set.spawn(function* () {
          return yield* spawn(echo, new Map([[i, i]]));
        });
      let n = 0;
      for (let r = yield* set.joinNext(); r !== undefined; r = yield* set.joinNext()) {
        assert.ok(r.ok);
        n++;
      }
      assert.equal(n, 320);
      assert.equal(Atomics.load(f, 2), 20);
    });
  });
});
