import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Future,
  join,
  Runtime,
  race,
  scope,
  select,
  spawn,
  tryJoin,
  yieldNow,
} from 'tokio-ts';
import { ready } from 'tokio-ts/future';
import { mpsc } from 'tokio-ts/sync';
import { consumeBudget, hasBudgetRemaining, unconstrained } from 'tokio-ts/task';
import { runTest, test } from 'tokio-ts/test';
import { timeout } from 'tokio-ts/time';

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

  test('select_is_budget_aware (macros_select.rs): 128 selects complete, the next yields before polling a branch', function* () {
    let otherRan = false;
    spawn(function* () {
      otherRan = true;
    });
    for (const combine of ['select', 'race'] as const) {
      yield* yieldNow(); // a fresh budget
      otherRan = false;
      let polled = 0;
      const once = () => {
        const spend = function* () {
          polled++;
          yield* consumeBudget();
        };
        return combine === 'select'
          ? select({ spend, ready: ready(undefined) }, { biased: true })
          : race(spend, ready(undefined));
      };
      for (let i = 0; i < 128; i++) yield* once();
      assert.equal(otherRan, false, `${combine}: the first 128 did not yield`);
      assert.equal(polled, 128);
      spawn(function* () {
        otherRan = true;
      });
      yield* once();
      assert.equal(otherRan, true, `${combine}: the 129th yielded first`);
      assert.equal(polled, 129, `${combine}: its branches were polled once, after the yield`);
    }
  });

  test('cancel safety: a select aborted while it yields for budget never starts its branches', function* () {
    let started = false;
    let parked = false;
    const h = spawn(function* () {
      for (let i = 0; i < 128; i++) yield* consumeBudget();
      parked = true;
      yield* select({
        a: function* () {
          started = true;
          return 1;
        },
      });
    });
    while (!parked) yield* yieldNow();
    h.abort();
    try {
      yield* h;
      assert.fail('should be cancelled');
    } catch (e) {
      assert.ok((e as { isCancelled(): boolean }).isCancelled(), String(e));
    }
    assert.equal(started, false);
  });

  test('test_has_budget_remaining (coop_budget.rs): true at the start of a poll, false after 128 units', function* () {
    yield* yieldNow();
    assert.equal(hasBudgetRemaining(), true);
    for (let i = 0; i < 127; i++) yield* consumeBudget();
    assert.equal(hasBudgetRemaining(), true);
    yield* consumeBudget();
    assert.equal(hasBudgetRemaining(), false);
    yield* consumeBudget(); // yields, and the next poll has a fresh budget
    assert.equal(hasBudgetRemaining(), true);
    const inside = yield* unconstrained(function* () {
      for (let i = 0; i < 200; i++) yield* consumeBudget();
      return hasBudgetRemaining();
    });
    assert.equal(inside, true, 'unconstrained never runs out');
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

describe('one coop budget per task, spent by combinator branches', () => {
  test('a loop of select over always-ready channels lets another task run', function* () {
    const [tx1, rx1] = mpsc.unboundedChannel<number>();
    const [tx2, rx2] = mpsc.unboundedChannel<number>();
    for (let i = 0; i < 2000; i++) {
      tx1.send(i);
      tx2.send(i);
    }
    let otherRuns = 0;
    let stop = false;
    const other = spawn(function* () {
      while (!stop) {
        otherRuns++;
        yield* yieldNow();
      }
    });
    for (let i = 0; i < 2000; i++) yield* select({ a: rx1.recv(), b: rx2.recv() });
    stop = true;
    yield* other;
    // 2000 ready recvs at 128 per poll: the select loop yielded at least 15 times
    assert.ok(otherRuns >= 15, `the other task ran ${otherRuns} times`);
  });

  test('coop: joining 1,000 finished tasks in one join runs out of the task budget (rt_common.rs coop)', function* () {
    const handles = Array.from({ length: 1000 }, () => spawn(function* () {}));
    for (const h of handles) yield* h;
    const m = Runtime.current().metrics();
    yield* yieldNow(); // a fresh budget
    const before = m.budgetForcedYieldCount;
    yield* join(...handles.map((h) => h));
    // 1000 ready joins at 128 per poll: the join yields at least 7 times
    assert.ok(m.budgetForcedYieldCount - before >= 7, `${m.budgetForcedYieldCount - before}`);
  });

  test('join, tryJoin and race branches spend the budget of the task that polls them', function* () {
    const m = Runtime.current().metrics();
    for (const make of [
      (f: () => Future<void>) => join(f(), f()),
      (f: () => Future<void>) => tryJoin(f(), f()),
      (f: () => Future<void>) => race(f(), f()),
    ]) {
      yield* yieldNow();
      const before = m.budgetForcedYieldCount;
      for (let i = 0; i < 64; i++) yield* readyLeaf();
      // the task has 64 units left; the first branch polled needs 70
      yield* make(function* () {
        for (let i = 0; i < 70; i++) yield* readyLeaf();
      } as () => Future<void>);
      assert.ok(m.budgetForcedYieldCount > before, 'the branches ran out of the task budget');
    }
  });

  test('the inner future of timeout and a scope body spend the task budget', function* () {
    const m = Runtime.current().metrics();
    yield* yieldNow();
    let before = m.budgetForcedYieldCount;
    yield* timeout(1000, function* () {
      for (let i = 0; i < 200; i++) yield* readyLeaf();
    });
    assert.equal(m.budgetForcedYieldCount, before + 1);
    yield* yieldNow();
    before = m.budgetForcedYieldCount;
    for (let i = 0; i < 100; i++) yield* readyLeaf();
    yield* scope(function* () {
      for (let i = 0; i < 100; i++) yield* readyLeaf();
    });
    assert.equal(m.budgetForcedYieldCount, before + 1);
  });

  test('an unconstrained branch does not spend the task budget', function* () {
    const m = Runtime.current().metrics();
    yield* yieldNow();
    const before = m.budgetForcedYieldCount;
    yield* select({
      a: unconstrained(function* () {
        for (let i = 0; i < 1000; i++) yield* readyLeaf();
      }),
    });
    for (let i = 0; i < 100; i++) yield* readyLeaf();
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
