import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Future, Runtime, spawn, yieldNow } from 'tokio-ts';
import { ready } from 'tokio-ts/future';
import { consumeBudget, unconstrained } from 'tokio-ts/task';
import { runTest, test } from 'tokio-ts/test';

/** A leaf that is always ready and spends coop budget (like a channel with data). */
function readyLeaf(): Future<void> {
  return consumeBudget();
}

describe('cooperative budget', () => {
  test('a task that only meets ready futures still lets other tasks run', function* () {
    let otherRan = false;
    const other = spawn(function* () {
      otherRan = true;
    });
    let iterations = 0;
    while (!otherRan) {
      yield* readyLeaf();
      iterations++;
      assert.ok(iterations <= 128 + 1, `other task starved for ${iterations} iterations`);
    }
    yield* other;
    assert.ok(iterations >= 1);
  });

  test('the budget is 128 ready operations per poll', function* () {
    // a fresh poll: spend until the forced yield
    yield* yieldNow();
    const m = Runtime.current().metrics();
    const before = m.budgetForcedYieldCount;
    for (let i = 0; i < 128; i++) yield* readyLeaf();
    assert.equal(m.budgetForcedYieldCount, before);
    yield* readyLeaf();
    assert.equal(m.budgetForcedYieldCount, before + 1);
  });

  test('unconstrained switches the budget off', function* () {
    yield* yieldNow();
    const m = Runtime.current().metrics();
    const before = m.budgetForcedYieldCount;
    const v = yield* unconstrained(function* () {
      for (let i = 0; i < 1000; i++) yield* readyLeaf();
      return yield* ready('x');
    });
    assert.equal(v, 'x');
    assert.equal(m.budgetForcedYieldCount, before);
  });
});

describe('fairness with the Node event loop', () => {
  it('a task spinning on yieldNow() does not hold back a setImmediate callback', async () => {
    const result = await runTest(function* () {
      let fired = false;
      let spinsBefore = 0;
      setImmediate(() => {
        fired = true;
      });
      const start = performance.now();
      while (!fired && performance.now() - start < 200) {
        yield* yieldNow();
        spinsBefore++;
      }
      return { fired, spinsBefore };
    });
    assert.equal(result.fired, true, 'setImmediate ran while the task spun');
    // A few batches (each eventInterval = 61 polls, extended while it ran
    // < 0.1 ms), counted in polls, not ms: a loaded machine stretches the ms.
    // Holding the callback back for the whole 200 ms spin would be ~10^5 polls.
    assert.ok(result.spinsBefore < 2000, `the callback waited ${result.spinsBefore} polls`);
  });

  it('an I/O-free ping-pong of two tasks does not starve Node timers', async () => {
    const rt = Runtime.builder().build();
    let timerFired = false;
    setTimeout(() => {
      timerFired = true;
    }, 1);
    await rt.blockOn(function* () {
      const start = performance.now();
      while (!timerFired && performance.now() - start < 1000) yield* yieldNow();
    });
    await rt.shutdown();
    assert.equal(timerFired, true);
  });
});
