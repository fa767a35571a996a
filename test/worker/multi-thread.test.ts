import assert from 'node:assert/strict';
import { after, before, describe, test as nodeTest } from 'node:test';
import { JoinError, type JoinHandle, Runtime, spawn } from 'tokio-ts';
import { call, ready, select } from 'tokio-ts/future';
import { TcpStream } from 'tokio-ts/net';
import { test } from 'tokio-ts/test';
import { type MultiThreadRuntime, RemoteError, spawnBlocking, WorkerError } from 'tokio-ts/worker';
import { echoServer } from './fixtures/echo-tasks.js';
import {
  add1,
  blockingBusy,
  blockingBusyUntilReleased,
  blockingThrows,
  busyUntilReleased,
  echo,
  exits,
  fails,
  fibTask,
  waitsForever,
} from './fixtures/tasks.js';
import { changed } from './wait.js';

function flag(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(8));
}

/** `n` echo round trips of 256 bytes over TCP to 127.0.0.1:`port`; returns the bytes echoed. */
function* roundTrips(port: number, n: number) {
  const s = yield* TcpStream.connect(`127.0.0.1:${port}`);
  const out = new Uint8Array(256);
  const back = new Uint8Array(256);
  let total = 0;
  try {
    for (let i = 0; i < n; i++) {
      out.fill(i & 0xff);
      out[0] = port & 0xff;
      yield* s.writeAll(out);
      yield* s.readExact(back);
      assert.deepEqual(back, out);
      total += back.length;
    }
  } finally {
    s.close();
  }
  return total;
}

/** Aborts a server task and checks that it joins as cancelled. */
function* abortAndJoin(h: JoinHandle<unknown>) {
  h.abort();
  let e: unknown = null;
  try {
    yield* h;
  } catch (x) {
    e = x;
  }
  assert.ok(e instanceof JoinError && e.isCancelled(), 'the server joins as cancelled');
}

/**
 * Starts an echo server on each of the two workers and does a few round trips,
 * so that the net module is loaded and compiled on both workers (and the
 * blocking pool has a thread) before a timed busy loop starts.
 */
function* warmUpEcho() {
  const info = new Int32Array(new SharedArrayBuffer(20));
  const servers = [spawn(echoServer, info, 0, 2), spawn(echoServer, info, 1, 2)];
  for (let n = Atomics.load(info, 0); n < 2; n = Atomics.load(info, 0)) yield* changed(info, 0, n);
  for (const i of [1, 2, 1, 2]) yield* roundTrips(Atomics.load(info, i), 20);
  for (const s of servers) yield* abortAndJoin(s);
  yield* spawnBlocking(blockingBusy, 0);
}

function fibSeq(n: number): number {
  return n < 2 ? n : fibSeq(n - 1) + fibSeq(n - 2);
}

describe('multi-thread runtime', () => {
  let rt: MultiThreadRuntime;
  before(() => {
    rt = Runtime.builder().multiThread().workerThreads(2).build() as MultiThreadRuntime;
  });
  after(() => rt.shutdown(2000));

  nodeTest('spawn(def, ...args) runs on a worker and its value comes back', async () => {
    const v = await rt.blockOn(function* () {
      const a = yield* spawn(add1, 41);
      const b = yield* spawn(echo, { s: 'x'.repeat(200), n: [1, 2, 3], m: new Map([[1, 2]]) });
      const c = yield* spawn(echo, 'short');
      return [a, b, c] as const;
    });
    assert.equal(v[0], 42);
    assert.deepEqual(v[1], { s: 'x'.repeat(200), n: [1, 2, 3], m: new Map([[1, 2]]) });
    assert.equal(v[2], 'short');
    assert.equal(await rt.spawn(add1, 1), 2, 'rt.spawn from plain async code');
  });

  nodeTest(
    'parallel fib(25) with a spawn per call above the cut-off is right and both workers run tasks',
    async () => {
      const m = rt.metrics() as ReturnType<MultiThreadRuntime['metrics']> & {
        workerTaskCount(i: number): number;
      };
      const before = [m.workerTaskCount(0), m.workerTaskCount(1)];
      const stealsBefore = m.workerStealCount(0) + m.workerStealCount(1);
      // a fresh worker may still be starting (build() does not wait for the
      // workers) or importing the definitions when a short run ends: repeat
      // (bounded) until both took part
      for (let attempt = 0; attempt < 200; attempt++) {
        const v = await rt.blockOn(function* () {
          return yield* spawn(fibTask, 25, 10);
        });
        assert.equal(v, fibSeq(25));
        if (m.workerTaskCount(0) > before[0]! && m.workerTaskCount(1) > before[1]!) break;
      }
      assert.ok(m.workerTaskCount(0) > before[0]!, 'worker 0 ran tasks');
      assert.ok(m.workerTaskCount(1) > before[1]!, 'worker 1 ran tasks');
      assert.ok(m.workerStealCount(0) + m.workerStealCount(1) > stealsBefore, 'tasks were stolen');
      assert.equal(m.numWorkers, 2);
    },
  );

  nodeTest('a task busy-looping on one worker does not stop the other worker', async () => {
    const f = flag();
    await rt.blockOn(function* () {
      const h = spawn(busyUntilReleased, f);
      yield* changed(f, 0, 0); // the busy loop has started
      for (let i = 0; i < 20; i++) assert.equal(yield* spawn(add1, i), i + 1);
      assert.equal(Atomics.load(f, 0), 1, 'the pings were served while the busy task still ran');
      Atomics.store(f, 1, 1); // release it
      assert.equal(yield* h, true);
    });
  });

  nodeTest('the same work in spawnBlocking leaves both workers free', async () => {
    const f = flag();
    await rt.blockOn(function* () {
      const h = spawnBlocking(blockingBusyUntilReleased, f);
      for (let i = 0; i < 40; i++) assert.equal(yield* spawn(add1, i), i + 1);
      assert.equal(h.isFinished(), false, 'the pings were served while the blocking job ran');
      Atomics.store(f, 1, 1); // release it
      assert.equal(typeof (yield* h), 'number');
      assert.ok(rt.metrics().blockingThreads >= 1);
    });
  });

  nodeTest(
    'a task busy-looping on one worker does not stop the other worker from serving a TCP echo',
    async () => {
      const f = flag();
      const info = new Int32Array(new SharedArrayBuffer(20));
      await rt.blockOn(function* () {
        yield* warmUpEcho();
        const h = spawn(busyUntilReleased, f);
        yield* changed(f, 0, 0); // the busy loop holds one worker
        // the only worker left to start the server is the other one
        const server = spawn(echoServer, info, 0, 1);
        yield* changed(info, 0, 0);
        const port = Atomics.load(info, 1);
        const [a, b] = [spawn(roundTrips(port, 50)), spawn(roundTrips(port, 50))];
        assert.equal((yield* a) + (yield* b), 2 * 50 * 256);
        assert.equal(Atomics.load(f, 0), 1, 'the echoes were served while the busy loop still ran');
        Atomics.store(f, 1, 1); // release it
        assert.equal(yield* h, true);
        yield* abortAndJoin(server);
      });
    },
  );

  nodeTest(
    'the same busy work in spawnBlocking leaves both workers serving TCP echoes',
    async () => {
      const info = new Int32Array(new SharedArrayBuffer(20));
      const f = flag();
      await rt.blockOn(function* () {
        yield* warmUpEcho();
        const h = spawnBlocking(blockingBusyUntilReleased, f);
        // each server blocks its worker until both have started: two workers serve
        const servers = [spawn(echoServer, info, 0, 2), spawn(echoServer, info, 1, 2)];
        for (let n = Atomics.load(info, 0); n < 2; n = Atomics.load(info, 0))
          yield* changed(info, 0, n);
        assert.notEqual(Atomics.load(info, 3), Atomics.load(info, 4), 'on two different workers');
        const trips = [1, 2, 1, 2].map((i) => spawn(roundTrips(Atomics.load(info, i), 50)));
        let total = 0;
        for (const t of trips) total += yield* t;
        assert.equal(total, 4 * 50 * 256);
        assert.equal(h.isFinished(), false, 'the echoes were served while the blocking job ran');
        Atomics.store(f, 1, 1); // release it
        assert.equal(typeof (yield* h), 'number');
        for (const s of servers) yield* abortAndJoin(s);
      });
    },
  );

  nodeTest('a throwing worker task fails its handle with the remote error and stack', async () => {
    const e = await rt.spawn(fails, 'boom').then(
      () => assert.fail('should throw'),
      (x: unknown) => x,
    );
    assert.ok(e instanceof JoinError && e.isFailed());
    assert.ok(e.cause instanceof RemoteError);
    assert.equal(e.cause.name, 'RangeError');
    assert.equal(e.cause.message, 'boom');
    assert.match(e.cause.stack ?? '', /failingTaskBody/);
    assert.equal(await rt.spawn(add1, 1), 2, 'the runtime keeps running');
  });

  nodeTest(
    "a remote task is named after its definition in the spawning runtime's dump",
    async () => {
      const f = flag();
      await rt.blockOn(function* () {
        const h = spawn(waitsForever, f);
        yield* changed(f, 1, 0); // it started on a worker
        const proxy = rt.dump().find((t) => t.name === 'waitsForever');
        assert.ok(proxy, 'the proxy task carries the definition name');
        yield* abortAndJoin(h);
      });
    },
  );

  nodeTest('an unjoined failing remote task is reported under its definition name', async () => {
    const lines: string[] = [];
    let reported: () => void = () => {};
    const report = new Promise<void>((r) => (reported = r));
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      if (String(chunk).includes('unjoined')) reported();
      return true;
    }) as typeof process.stderr.write;
    try {
      await rt.blockOn(function* () {
        spawn(fails, 'unjoined'); // never joined: its failure is reported
        yield* call(report);
      });
    } finally {
      process.stderr.write = write;
    }
    assert.match(lines.join(''), /task 'failingTaskBody' \(id \d+\) failed: .*unjoined/);
  });

  nodeTest('a worker calling process.exit fails its task as crashed and is replaced', async () => {
    const replaced = rt.replacedWorkers;
    const e = await rt.spawn(exits, 3).then(
      () => assert.fail('should throw'),
      (x: unknown) => x,
    );
    assert.ok(e instanceof JoinError && e.isFailed());
    assert.ok(e.cause instanceof WorkerError);
    assert.equal(e.cause.kind, 'crashed');
    assert.equal(rt.replacedWorkers, replaced + 1);
    const vs = await Promise.all(Array.from({ length: 50 }, (_, i) => rt.spawn(add1, i)));
    assert.deepEqual(
      vs,
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    assert.equal(rt.metrics().numWorkers, 2);
  });

  nodeTest(
    'an argument that cannot be cloned fails the task with a typed error, for spawn and spawnBlocking alike',
    async () => {
      const failures: unknown[] = [];
      for (const handle of [
        rt.spawn(echo, { f() {} }),
        rt.blockOn(function* () {
          return yield* spawnBlocking(blockingBusy, { f() {} } as unknown as number);
        }),
      ]) {
        failures.push(
          await Promise.resolve(handle).then(
            () => assert.fail('should fail'),
            (e: unknown) => e,
          ),
        );
      }
      const [remote, blocking] = failures;
      assert.ok(remote instanceof JoinError && remote.isFailed(), String(remote));
      assert.ok(remote.cause instanceof WorkerError && remote.cause.kind === 'uncloneable');
      // blockOn rethrows the cause of a failed JoinError: the same WorkerError
      const blockingCause = blocking instanceof JoinError ? blocking.cause : blocking;
      assert.ok(
        blockingCause instanceof WorkerError && blockingCause.kind === 'uncloneable',
        String(blocking),
      );
      assert.equal(await rt.spawn(add1, 2), 3, 'the runtime keeps running');
    },
  );

  nodeTest(
    'abort() crosses threads: the remote task runs its finally and joins as cancelled',
    async () => {
      const f = flag();
      await rt.blockOn(function* () {
        const h = spawn(waitsForever, f);
        yield* changed(f, 1, 0); // it started on a worker
        h.abort();
        try {
          yield* h;
          assert.fail('join should throw');
        } catch (e) {
          assert.ok(e instanceof JoinError && e.isCancelled());
        }
        assert.equal(
          Atomics.load(f, 0),
          1,
          'the finally block ran on the worker before the join returned',
        );
      });
    },
  );

  nodeTest(
    'an abort before the proxy task was first polled still reaches the remote task',
    async () => {
      const f = flag();
      await rt.blockOn(function* () {
        const h = spawn(waitsForever, f);
        Atomics.wait(f, 1, 0, 10_000); // block the main thread until the task runs on a worker
        h.abort();
        try {
          yield* h;
          assert.fail('join should throw');
        } catch (e) {
          assert.ok(e instanceof JoinError && e.isCancelled());
        }
        assert.equal(Atomics.load(f, 0), 1, 'the remote finally ran');
      });
    },
  );

  nodeTest(
    'cancel safety: a join of a remote task cancelled by select leaves it joinable',
    async () => {
      await rt.blockOn(function* () {
        const h = spawn(add1, 9);
        const r = yield* select({ join: h, now: ready(0) }, { biased: true });
        assert.equal(r.key, 'now');
        assert.equal(yield* h, 10, 'the handle still yields the result');
      });
    },
  );

  nodeTest(
    'a burst of tasks larger than the injection queue all complete exactly once',
    async () => {
      const N = process.env.TOKIO_TS_STRESS === 'long' ? 1_000_000 : 100_000;
      const sum = await rt.blockOn(function* () {
        const hs = new Array<JoinHandle<number>>(N);
        for (let i = 0; i < N; i++) hs[i] = spawn(add1, i);
        let s = 0;
        for (let i = 0; i < N; i++) s += yield* hs[i]!;
        return s;
      });
      assert.equal(sum, (N * (N - 1)) / 2 + N);
      assert.equal(rt.metrics().globalQueueDepth, 0);
    },
  );

  nodeTest('a blocking function that throws fails its handle with the remote error', async () => {
    await rt.blockOn(function* () {
      try {
        yield* spawnBlocking(blockingThrows, 'nope');
        assert.fail('should throw');
      } catch (e) {
        assert.ok(e instanceof JoinError && e.cause instanceof RemoteError);
        assert.equal(e.cause.name, 'TypeError');
        assert.match(e.cause.stack ?? '', /blockingThrows/);
      }
    });
  });
});

describe('outside a multi-thread runtime', () => {
  test('spawn(def) throws a no-runtime WorkerError', function* () {
    assert.throws(
      () => spawn(add1, 1),
      (e: unknown) => e instanceof WorkerError && e.kind === 'no-runtime',
    );
  });

  test('spawnBlocking works on the current-thread runtime', function* () {
    const a = spawnBlocking(blockingBusy, 1);
    const b = spawnBlocking(blockingBusy, 1);
    const [ta, tb] = [yield* a, yield* b];
    assert.equal(typeof ta, 'number');
    assert.notEqual(ta, tb, 'two jobs at once run on two threads');
  });

  nodeTest('shutdown terminates every worker thread', async () => {
    const r = Runtime.builder().multiThread().workerThreads(2).build() as MultiThreadRuntime;
    assert.equal(await r.spawn(add1, 1), 2);
    await r.shutdown();
    assert.equal(
      process.getActiveResourcesInfo().filter((x) => x === 'Worker' || x === 'MessagePort').length,
      0,
    );
  });
});
