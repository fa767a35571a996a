import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { type Future, spawn } from 'tokio-ts';
import { pending, select } from 'tokio-ts/future';
import { JoinError } from 'tokio-ts/task';
import { test } from 'tokio-ts/test';
import { sleep } from 'tokio-ts/time';

function* joinError(h: Future<unknown>): Future<JoinError> {
  try {
    yield* h;
  } catch (e) {
    assert.ok(e instanceof JoinError);
    return e;
  }
  assert.fail('the task was not aborted');
}

describe('AbortOnDropHandle (tokio-util abort_on_drop tests)', () => {
  test('drop_aborts_task: leaving a using block aborts the task', function* () {
    const h = spawn(pending<void>());
    {
      using g = h.abortOnDrop();
      assert.equal(g.isFinished(), false);
      assert.equal(g.id, h.id);
    }
    assert.equal((yield* joinError(h)).isCancelled(), true);
  });

  test('close() aborts the task; joining the handle gives the value when it finishes first', {
    startPaused: true,
  }, function* () {
    const g = spawn(function* () {
      yield* sleep(10);
      return 5;
    }).abortOnDrop();
    assert.equal(yield* g, 5);
    g.close(); // finished: nothing to abort
    const g2 = spawn(pending<void>()).abortOnDrop();
    g2.close();
    assert.equal((yield* joinError(g2)).isCancelled(), true);
  });

  test('a task cancelled while holding the handle in a using declaration aborts the child', {
    startPaused: true,
  }, function* () {
    let childCleaned = false;
    const child = spawn(function* () {
      try {
        yield* pending<void>();
      } finally {
        childCleaned = true;
      }
    });
    const owner = spawn(function* () {
      using _g = child.abortOnDrop();
      yield* sleep(1000);
    });
    yield* sleep(10);
    owner.abort();
    yield* joinError(owner);
    assert.equal((yield* joinError(child)).isCancelled(), true);
    assert.equal(childCleaned, true);
  });

  test('cancel safety: a join that loses a select leaves the task running and joinable', {
    startPaused: true,
  }, function* () {
    const g = spawn(function* () {
      yield* sleep(50);
      return 'late';
    }).abortOnDrop();
    const r = yield* select({ j: g, t: sleep(10) });
    assert.equal(r.key, 't');
    assert.equal(g.isFinished(), false);
    assert.equal(yield* g, 'late');
  });
});
