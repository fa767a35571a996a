import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type JoinError, type JoinHandle, Runtime, spawn, yieldNow } from 'tokio-ts';
import { pending, ready, suspend } from 'tokio-ts/future';
import { Handle } from 'tokio-ts/runtime';
import { currentTaskId } from 'tokio-ts/task';
import { runTest, test } from 'tokio-ts/test';
import { Instant, sleep, timeout } from 'tokio-ts/time';

describe('Runtime', () => {
  it('blockOn resolves with the value; JoinHandle is awaitable from async code', async () => {
    const rt = Runtime.builder().build();
    assert.equal(
      await rt.blockOn(function* () {
        return 1;
      }),
      1,
    );
    const h = rt.spawn(function* () {
      yield* yieldNow();
      return 'awaited';
    });
    assert.equal(await h, 'awaited');
    await rt.shutdown();
  });

  it('Runtime.current() is the task runtime inside a task, the default outside', async () => {
    const rt = new Runtime();
    const inside = await rt.blockOn(function* () {
      return Runtime.current();
    });
    assert.equal(inside, rt);
    assert.equal(Runtime.current(), Runtime.current());
    assert.notEqual(Runtime.current(), rt);
    assert.equal(Handle.current().runtime, Runtime.current());
  });

  it('shutdown cancels every task and waits for its cleanup', async () => {
    const rt = new Runtime();
    const log: string[] = [];
    for (let i = 0; i < 3; i++) {
      rt.spawn(function* () {
        try {
          yield* pending();
        } finally {
          log.push(`t${i}`);
        }
      });
    }
    await rt.blockOn(yieldNow());
    assert.equal(rt.metrics().numAliveTasks, 3);
    await rt.shutdown();
    assert.deepEqual(log, ['t0', 't1', 't2']);
    assert.equal(rt.metrics().numAliveTasks, 0);
  });

  it('shutdown cancels a task that was spawned but never polled', async () => {
    const rt = new Runtime();
    let ran = false;
    const h = rt.spawn(function* () {
      ran = true;
    });
    assert.equal(rt.metrics().numAliveTasks, 1);
    await rt.shutdown();
    assert.equal(ran, false);
    assert.equal(h.isFinished(), true);
    await assert.rejects(Promise.resolve(h), (e: JoinError) => e.isCancelled());
    assert.equal(rt.metrics().numAliveTasks, 0);
  });

  it('dump and numAliveTasks include tasks not polled yet and tasks in their first poll, in spawn order', async () => {
    const rt = new Runtime();
    const m = rt.metrics();
    const names = (): string[] => rt.dump().map((t) => `${t.name}:${t.state}`);
    const seen = await rt.blockOn(function* () {
      const out: string[][] = [names()]; // in the first poll of the blockOn task
      yield* spawn(
        function* () {
          out.push(names()); // run inline, nested in the blockOn task's first poll
        },
        { name: 'first' },
      );
      spawn(pending<void>(), { name: 'a' });
      const b = spawn(
        function* () {
          out.push(names()); // b's first poll, after a parked
          return m.numAliveTasks;
        },
        { name: 'b' },
      );
      out.push(names());
      const aliveInB = yield* b;
      const c = spawn(
        function* () {
          out.push(names()); // run inline by the join below, nested in this task's poll
          return m.numAliveTasks;
        },
        { name: 'c' },
      );
      const aliveInC = yield* c;
      out.push(names());
      return { out, aliveInB, aliveInC, aliveAfter: m.numAliveTasks };
    });
    assert.deepEqual(seen.out, [
      ['blockOn:running'],
      ['blockOn:running', 'first:running'],
      ['blockOn:running', 'a:scheduled', 'b:scheduled'],
      ['blockOn:parked', 'a:parked', 'b:running'],
      ['blockOn:running', 'a:parked', 'c:running'],
      ['blockOn:running', 'a:parked'],
    ]);
    assert.equal(seen.aliveInB, 3);
    assert.equal(seen.aliveInC, 3);
    assert.equal(seen.aliveAfter, 2);
    await rt.shutdown();
    assert.equal(m.numAliveTasks, 0);
  });

  it('shutdown with a timeout stops waiting for cleanup that never ends', async () => {
    const rt = new Runtime({ unhandledError: 'ignore' });
    rt.spawn(function* () {
      const keepAlive = setTimeout(() => {}, 1000);
      try {
        yield* pending();
      } finally {
        clearTimeout(keepAlive);
      }
    });
    const { defer } = await import('tokio-ts/future');
    rt.spawn(function* () {
      yield* defer(pending());
      yield* pending();
    });
    await rt.blockOn(yieldNow());
    const t0 = Date.now();
    await rt.shutdown(50);
    assert.ok(Date.now() - t0 < 1000);
  });

  it('worker_total_busy_duration (rt_metrics.rs): the time spent polling tasks is counted', async () => {
    const rt = new Runtime();
    const m = rt.metrics();
    assert.equal(m.workerTotalBusyDuration(0), 0);
    await rt.blockOn(function* () {
      for (let i = 0; i < 5; i++) {
        yield* spawn(function* () {
          yield* yieldNow();
        });
      }
      const until = performance.now() + 2;
      while (performance.now() < until) {} // busy inside a poll
    });
    const busy = m.workerTotalBusyDuration(0);
    assert.ok(busy >= 2, `busy ${busy} ms`);
    assert.equal(m.workerTotalBusyDuration(1), 0);
    await rt.shutdown();
  });

  it('metrics count spawned and alive tasks and polls', async () => {
    const rt = new Runtime();
    const m = rt.metrics();
    assert.equal(m.numWorkers, 1);
    await rt.blockOn(function* () {
      const h = spawn(function* () {
        yield* yieldNow();
      });
      assert.equal(m.numAliveTasks, 2);
      yield* h;
    });
    assert.equal(m.spawnedTasksCount, 2);
    assert.equal(m.numAliveTasks, 0);
    assert.ok(m.workerPollCount(0) >= 3);
  });

  it('dump lists every task with its name, state and what it waits on', async () => {
    const rt = Runtime.builder().captureSpawnLocation(true).build();
    rt.spawn(
      suspend<void>(() => {}, 'the answer'),
      { name: 'waiter' },
    );
    rt.spawn(
      function* () {
        const { select } = await_import;
        yield* select({ a: pending(), b: suspend<void>(() => {}, 'branch b') });
      },
      { name: 'selector' },
    );
    await rt.blockOn(yieldNow());
    const dump = rt.dump();
    const waiter = dump.find((t) => t.name === 'waiter');
    assert.ok(waiter);
    assert.equal(waiter.state, 'parked');
    assert.equal(waiter.waitingOn, 'the answer');
    assert.match(waiter.spawnedAt ?? '', /runtime\.test/);
    const sel = dump.find((t) => t.name === 'selector');
    assert.equal(sel?.waitingOn, 'select(a, b)');
    assert.deepEqual(sel?.children.map((c) => c.waitingOn).sort(), [
      'branch b',
      'pending (forever)',
    ]);
    await rt.shutdown();
  });

  test('currentTaskId is the running task id', function* () {
    const h = spawn(function* () {
      return currentTaskId();
    });
    assert.equal(yield* h, h.id);
  });
});

const await_import = await import('tokio-ts/future');

describe("the runtime of main or a test is the thread's runtime while it runs", () => {
  test('a task spawned from a Node timer callback lands on the test runtime and sees its paused clock', {
    startPaused: true,
  }, function* () {
    const rt = Runtime.current();
    const start = Instant.now();
    const h = yield* suspend<JoinHandle<number>>((waker) => {
      setImmediate(() => {
        // outside any task
        assert.equal(Runtime.current(), rt);
        waker.wake(
          spawn(function* () {
            yield* sleep(3_600_000);
            return start.elapsed();
          }),
        );
      });
    });
    assert.equal(yield* h, 3_600_000);
  });

  it('after the test, code outside any task uses the default runtime again', async () => {
    let inside: Runtime | undefined;
    await runTest(function* () {
      inside = Runtime.current();
    });
    assert.notEqual(Runtime.current(), inside);
  });
});

describe('future factories run inside the runtime they are given to', () => {
  it('blockOn(() => ...) and spawn(() => ...) bind timers to that runtime (its paused clock), not the caller', async () => {
    const rt = Runtime.builder().startPaused(true).build();
    const other = new Runtime();
    try {
      let seen: Runtime | undefined;
      const v = await rt.blockOn(() => {
        seen = Runtime.current();
        return timeout(60_000, ready(5));
      });
      assert.equal(v, 5);
      assert.equal(seen, rt, 'the factory saw the runtime it was given to');
      // a factory given to rt from a task of another runtime binds to rt too:
      // rt's paused clock jumps the minute (on the other's real clock this
      // would take a minute, then fail)
      const start = await rt.blockOn(function* () {
        return Instant.now().ms;
      });
      const h = await other.blockOn(function* () {
        return rt.spawn(() => sleep(60_000));
      });
      await h;
      const end = await rt.blockOn(function* () {
        return Instant.now().ms;
      });
      assert.equal(end - start, 60_000);
      assert.equal(other.metrics().timerEntries, 0);
      assert.equal(rt.metrics().timerEntries, 0);
    } finally {
      await rt.shutdown(100);
      await other.shutdown(100);
    }
  });
});

describe('unhandled task failures', () => {
  it("are logged to stderr by default with the task's name", async () => {
    const rt = new Runtime();
    const writes: string[] = [];
    const orig = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      writes.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      rt.spawn(
        function* () {
          throw new Error('nobody listens');
        },
        { name: 'lonely' },
      );
      await rt.blockOn(function* () {
        yield* yieldNow();
        yield* yieldNow();
      });
    } finally {
      process.stderr.write = orig;
    }
    assert.equal(writes.length, 1);
    assert.match(writes[0]!, /task 'lonely' \(id \d+\) failed: Error: nobody listens/);
  });

  it("'ignore' stays silent; a joined failure is never reported", async () => {
    const rt = new Runtime({ unhandledError: 'ignore' });
    const writes: string[] = [];
    const orig = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      writes.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      rt.spawn(function* () {
        throw new Error('ignored');
      });
      await rt.blockOn(yieldNow());
      const rt2 = new Runtime();
      await rt2.blockOn(function* () {
        const h = spawn(function* () {
          throw new Error('joined');
        });
        try {
          yield* h;
        } catch {
          // observed
        }
      });
    } finally {
      process.stderr.write = orig;
    }
    assert.deepEqual(writes, []);
  });
});

describe('a runtime that is shut down', () => {
  it('spawns_do_nothing (rt_basic.rs): a task spawned after shutdown never runs and joins as cancelled', async () => {
    const rt = new Runtime();
    await rt.shutdown();
    let ran = false;
    const h = rt.spawn(function* () {
      ran = true;
    });
    await assert.rejects(Promise.resolve(h), (e: JoinError) => e.isCancelled());
    await assert.rejects(
      rt.handle().blockOn(function* () {
        ran = true;
      }),
      (e: JoinError) => e.isCancelled(),
    );
    assert.equal(ran, false);
    assert.equal(rt.metrics().numAliveTasks, 0);
  });
  it('a task spawned by a cleanup during shutdown is cancelled before it runs (Tokio closes its task list first)', async () => {
    const rt = new Runtime();
    let childRan = false;
    let childJoin: unknown;
    rt.spawn(function* () {
      try {
        yield* pending();
      } finally {
        const child = spawn(function* () {
          childRan = true;
        });
        child.then(undefined, (e: unknown) => {
          childJoin = e;
        });
      }
    });
    await rt.blockOn(yieldNow());
    await rt.shutdown();
    await Promise.resolve();
    assert.equal(childRan, false);
    assert.ok((childJoin as JoinError).isCancelled());
    assert.equal(rt.metrics().numAliveTasks, 0);
  });
});

describe("unhandledError: 'shutdown'", () => {
  it('an unobserved failure cancels every task of the runtime', async () => {
    const rt = new Runtime({ unhandledError: 'shutdown' });
    const orig = process.stderr.write.bind(process.stderr);
    process.stderr.write = (() => true) as typeof process.stderr.write;
    let cancelled = false;
    try {
      const victim = rt.spawn(function* () {
        try {
          yield* pending();
        } finally {
          cancelled = true;
        }
      });
      rt.spawn(function* () {
        yield* yieldNow();
        throw new Error('fatal');
      });
      await victim.then(
        () => undefined,
        () => undefined,
      );
    } finally {
      process.stderr.write = orig;
    }
    assert.equal(cancelled, true);
    assert.equal(rt.isShutdown(), true);
  });
});
