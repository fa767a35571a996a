import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { JoinError, Runtime, select, spawn, yieldNow } from 'tokio-ts';
import { pending, suspend, type Waker } from 'tokio-ts/future';
import { test } from 'tokio-ts/test';
import { sleep } from 'tokio-ts/time';

function* value(i: number) {
  return i;
}

describe('spawn', () => {
  test('joining a task that is the only one ready runs it at once, and a spawn+join loop still lets the event loop run', function* () {
    let ticks = 0;
    let stop = false;
    const tick = (): void => {
      ticks++;
      if (!stop) setImmediate(tick);
    };
    setImmediate(tick);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) sum += yield* spawn(value(i));
    stop = true;
    assert.equal(sum, (20_000 * 19_999) / 2);
    assert.ok(ticks > 0, 'the spawn+join loop never let Node run a setImmediate callback');
    // A joined task that fails reports to the joiner only.
    const failing = spawn(function* () {
      throw new Error('boom');
    });
    try {
      yield* failing;
      assert.fail('expected a JoinError');
    } catch (e) {
      assert.ok(e instanceof JoinError);
    }
  });

  test('every join of a spawn+join loop runs its task inline: the joiner is polled again only when its budget runs out', function* () {
    const m = Runtime.current().metrics();
    const before = m.workerPollCount(0);
    let sum = 0;
    for (let i = 0; i < 1280; i++) sum += yield* spawn(value, i);
    assert.equal(sum, (1280 * 1279) / 2);
    // 1280 tasks, plus one poll of this task per budget (128) used up; a
    // joined task left in the run queue made every other join park instead
    const polls = m.workerPollCount(0) - before;
    assert.ok(polls <= 1280 + 1280 / 128 + 2, `${polls} polls`);
  });

  test('two tasks joining one handle at the same time both get its value', function* () {
    const h = spawn(function* () {
      yield* yieldNow();
      return 7;
    });
    const other = spawn(function* () {
      return (yield* h) + 1;
    });
    assert.equal(yield* h, 7);
    assert.equal(yield* other, 8);
    assert.equal(yield* h, 7, 'a finished handle can be joined again');
  });

  test('a join through the handle that waits behind an earlier joiner gets the value, and so does the earlier one', {
    startPaused: true,
  }, function* () {
    const h = spawn(function* () {
      yield* sleep(20);
      return 5;
    });
    // the earlier joiner waits through a handle of its own (abortOnDrop)
    const first = spawn(function* () {
      return (yield* h.abortOnDrop()) * 10;
    });
    yield* yieldNow();
    assert.equal(yield* h, 5);
    assert.equal(yield* first, 50);
    assert.equal(yield* h, 5, 'joinable again after the join that waited');
  });

  test('cancel safety: a join through the handle that waited behind another joiner and lost a select leaves both joinable', {
    startPaused: true,
  }, function* () {
    const h = spawn(function* () {
      yield* sleep(50);
      return 'late';
    });
    const first = spawn(function* () {
      return yield* h.abortOnDrop();
    });
    yield* yieldNow();
    const r = yield* select({ j: h, t: sleep(10) });
    assert.equal(r.key, 't');
    assert.equal(h.isFinished(), false);
    assert.equal(yield* h, 'late');
    assert.equal(yield* first, 'late');
  });

  test('cancel safety: a join that loses a select leaves the task running and the handle joinable', {
    startPaused: true,
  }, function* () {
    const h = spawn(function* () {
      yield* sleep(50);
      return 'late';
    });
    const r = yield* select({ j: h, t: sleep(10) });
    assert.equal(r.key, 't');
    assert.equal(h.isFinished(), false);
    // joined twice at once: the abandoned join above must not hold the handle
    const other = spawn(function* () {
      return yield* h;
    });
    assert.equal(yield* h, 'late');
    assert.equal(yield* other, 'late');
  });

  test('a task does nothing until the runtime polls it', function* () {
    let ran = false;
    const h = spawn(function* () {
      ran = true;
      return 1;
    });
    assert.equal(ran, false, 'spawn returned before the body ran');
    assert.equal(yield* h, 1);
    assert.equal(ran, true);
  });

  test('no_extra_poll (rt_basic.rs): a parked task is polled once per wake-up, and two wakes before it runs are one poll', function* () {
    let polls = 0;
    let waker: Waker<number> | null = null;
    const got: number[] = [];
    const h = spawn(function* () {
      for (;;) {
        const v = yield* suspend<number>((w) => {
          polls++;
          waker = w;
        });
        if (v < 0) return;
        got.push(v);
      }
    });
    yield* yieldNow();
    assert.equal(polls, 1, 'the initial poll');
    yield* yieldNow();
    assert.equal(polls, 1, 'not polled again without a wake');
    waker!.wake(1);
    waker!.wake(2); // a second wake of the same wait changes nothing
    yield* yieldNow();
    assert.equal(polls, 2);
    assert.deepEqual(got, [1]);
    waker!.wake(-1);
    yield* h;
    assert.equal(polls, 2);
  });

  test('abort of a parked task runs its finally and joins as cancelled', function* () {
    const log: string[] = [];
    const h = spawn(function* () {
      try {
        yield* pending();
      } finally {
        log.push('finally');
      }
    });
    yield* yieldNow();
    h.abort();
    try {
      yield* h;
      assert.fail('join should throw');
    } catch (e) {
      assert.ok(e instanceof JoinError);
      assert.equal(e.isCancelled(), true);
    }
    assert.deepEqual(log, ['finally']);
  });
});
