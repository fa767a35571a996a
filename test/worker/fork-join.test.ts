import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Runtime, spawn } from 'tokio-ts';
import type { MultiThreadRuntime } from 'tokio-ts/worker';
import {
  abortsChild,
  abortsUnstartedChild,
  childIds,
  copiesData,
  joinsBrokenChild,
  joinsFailingChild,
  manyArgChildren,
  oneArgChildren,
} from './fixtures/fork-tasks.js';

// One worker: nothing can be stolen, so every child stays on its parent's thread.
describe('children spawned on a worker and run there', () => {
  let rt: MultiThreadRuntime;
  before(() => {
    rt = Runtime.builder().multiThread().workerThreads(1).build() as MultiThreadRuntime;
  });
  after(() => rt.shutdown(2000));

  test('currentTaskId() inside the child is the id of its JoinHandle (task_id.rs task_id_spawn)', async () => {
    const pairs = await rt.blockOn(function* () {
      return yield* spawn(childIds, 8);
    });
    assert.equal(pairs.length, 8);
    for (const [handle, seen] of pairs) assert.equal(seen, handle);
  });

  test('a child that throws joins as a failed JoinError whose cause is a RemoteError', async () => {
    const r = await rt.blockOn(function* () {
      return yield* spawn(joinsFailingChild);
    });
    assert.deepEqual(r, {
      joinError: true,
      remote: true,
      name: 'RangeError',
      message: 'child failed',
    });
  });

  test('a child whose definition makes no Future joins as a failed JoinError with a RemoteError', async () => {
    const r = await rt.blockOn(function* () {
      return yield* spawn(joinsBrokenChild);
    });
    assert.deepEqual(r, { failed: true, remote: true });
  });

  test('aborting a parked child runs its finally and joins as cancelled', async () => {
    const r = await rt.blockOn(function* () {
      return yield* spawn(abortsChild);
    });
    assert.deepEqual(r, { cancelled: true, cleanups: 1 });
  });

  test('aborting a child before it ran joins as cancelled without running it', async () => {
    const r = await rt.blockOn(function* () {
      return yield* spawn(abortsUnstartedChild);
    });
    assert.deepEqual(r, { cancelled: true, cleanups: 0 });
  });

  test('a child gets a copy of its arguments and its parent a copy of its result', async () => {
    const r = await rt.blockOn(function* () {
      return yield* spawn(copiesData);
    });
    assert.deepEqual(r, { childSaw: 1, sameAsArg: false, sameAsKept: false });
  });

  test('a child of one argument gets it whatever its kind (number, fraction, string, array)', async () => {
    const r = await rt.blockOn(function* () {
      return yield* spawn(oneArgChildren);
    });
    assert.deepEqual(r, [42, 0.5, ['ab', 'ab'], [[1], [1]]]);
  });

  test('a child of several arguments gets them all, numbers or not, in order', async () => {
    const r = await rt.blockOn(function* () {
      return yield* spawn(manyArgChildren);
    });
    assert.deepEqual(r, [
      [1, -0.5, 3],
      [1, 2, 3, 4, 5, 6, 7],
      [1, 2, 'x'],
      ['y', 2.5],
    ]);
  });
});
