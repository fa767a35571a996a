import assert from 'node:assert/strict';
import { tracingChannel } from 'node:diagnostics_channel';
import { readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Runtime, select, sleep, spawn, yieldNow } from 'tokio-ts';
import { activeConsole, replayRecording, type Snapshot, startConsole } from 'tokio-ts/console';
import { Mutex, mpsc } from 'tokio-ts/sync';

/** Runs `body` on a fresh runtime with the console on; returns the snapshot `body` asks for. */
async function withConsole<T>(
  body: (snap: () => Snapshot) => Generator<any, T, any>,
  opts: Parameters<typeof startConsole>[1] = {},
): Promise<{ value: T; last: Snapshot; url: string | undefined }> {
  const rt = Runtime.builder().build();
  const c = startConsole(rt, { port: 0, ...opts });
  try {
    await c.ready;
    const value = await rt.blockOn(function* () {
      return yield* body(() => c.snapshot());
    });
    return { value, last: c.snapshot(), url: c.url };
  } finally {
    await c.close();
    await rt.shutdown();
  }
}

describe('console', () => {
  test('tasks carry id, name, parent, state, polls, times, a histogram and what they wait on', async () => {
    const { value: snap } = await withConsole(function* (snapshot) {
      const [, rx] = mpsc.channel<number>(4);
      const waiter = spawn(
        function* () {
          yield* rx.recv();
        },
        { name: 'waiter' },
      );
      yield* yieldNow();
      yield* yieldNow();
      const s = snapshot();
      waiter.abort();
      return s;
    });
    const w = snap.tasks.find((t) => t.name === 'waiter');
    assert.ok(w, 'the named task is in the snapshot');
    assert.equal(w.state, 'idle');
    assert.equal(w.waitingOn, 'mpsc recv');
    assert.equal(w.kind, 'task');
    const root = snap.tasks.find((t) => t.id === w.parent);
    assert.ok(root, 'its parent is the task that spawned it');
    assert.equal(root.name, 'blockOn');
    assert.ok(w.polls >= 1);
    assert.equal(
      w.pollHistogram.reduce((a, b) => a + b, 0),
      w.polls,
    );
    assert.ok(w.busyMs >= 0 && w.idleMs >= 0 && w.scheduledMs >= 0);
    assert.match(w.location ?? '', /console\.test\.js/);
  });

  test('tasks spawned and not polled yet are listed with their parent, and keep their records through their first polls', async () => {
    const { value } = await withConsole(function* (snapshot) {
      const names = ['a', 'b', 'c'];
      const handles = names.map((name) =>
        spawn(
          function* () {
            // a task polled from the run queue spawns a child before it parks
            spawn(
              function* () {
                yield* sleep(1);
              },
              { name: `${name}-child` },
            );
            yield* sleep(1);
            return name;
          },
          { name },
        ),
      );
      const before = snapshot();
      yield* yieldNow();
      const after = snapshot();
      for (const h of handles) yield* h;
      return { before, after };
    });
    const root = value.before.tasks.find((t) => t.name === 'blockOn')!;
    const young = value.before.tasks.filter((t) => ['a', 'b', 'c'].includes(t.name ?? ''));
    assert.deepEqual(
      young.map((t) => [t.name, t.state, t.polls, t.parent]),
      [
        ['a', 'scheduled', 0, root.id],
        ['b', 'scheduled', 0, root.id],
        ['c', 'scheduled', 0, root.id],
      ],
    );
    for (const name of ['a', 'b', 'c']) {
      const t = value.after.tasks.find((x) => x.name === name)!;
      assert.equal(t.state, 'idle');
      assert.equal(t.polls, 1);
      const child = value.after.tasks.find((x) => x.name === `${name}-child`);
      assert.ok(child, `${name}-child is listed`);
      assert.equal(child.parent, t.id);
    }
  });

  test('select branches are children of the task that polls them', async () => {
    const { value: snap } = await withConsole(function* (snapshot) {
      const h = spawn(
        function* () {
          yield* select({ a: sleep(50), b: sleep(60) });
        },
        { name: 'selector' },
      );
      yield* yieldNow();
      yield* yieldNow();
      const s = snapshot();
      h.abort();
      return s;
    });
    const sel = snap.tasks.find((t) => t.name === 'selector');
    assert.ok(sel);
    const branches = snap.tasks.filter((t) => t.parent === sel.id);
    assert.equal(branches.length, 2);
    assert.ok(branches.every((b) => b.kind === 'branch' && /sleep/.test(b.waitingOn ?? '')));
  });

  test('a poll longer than the threshold and a self-wake loop are warnings', async () => {
    const { last } = await withConsole(
      function* () {
        yield* spawn(
          function* () {
            const t = performance.now();
            while (performance.now() - t < 3) {}
          },
          { name: 'blocker' },
        );
        yield* spawn(
          function* () {
            for (let i = 0; i < 60; i++) yield* yieldNow();
          },
          { name: 'spinner' },
        );
      },
      { thresholds: { longPollMs: 1, selfWakeRun: 50 } },
    );
    // the tasks ended within milliseconds, so the snapshot no longer lists them: the warnings name them
    const kinds = last.warnings.map((w) => `${w.kind}: ${w.message}`);
    assert.ok(
      kinds.some((k) => /^long-poll: task 'blocker'/.test(k)),
      kinds.join(', '),
    );
    assert.ok(
      kinds.some((k) => /^self-wake-loop: task 'spinner'/.test(k)),
      kinds.join(', '),
    );
    assert.ok(last.runtime.worstPoll !== null && last.runtime.worstPoll.ms >= 1);
  });

  test('a mutex shows its holder and queue, and a lock held across a wait is a warning', async () => {
    const { value: snap } = await withConsole(
      function* (snapshot) {
        const m = new Mutex(0);
        const holder = spawn(
          function* () {
            const g = yield* m.lock();
            try {
              yield* sleep(1000);
            } finally {
              g.release();
            }
          },
          { name: 'holder' },
        );
        const waiter = spawn(
          function* () {
            yield* yieldNow();
            (yield* m.lock()).release();
          },
          { name: 'queued' },
        );
        for (let i = 0; i < 4; i++) yield* yieldNow();
        const s = snapshot();
        holder.abort();
        yield* waiter;
        return s;
      },
      { thresholds: { lockHeldMs: 0 } },
    );
    const id = (name: string) => snap.tasks.find((t) => t.name === name)?.id;
    const mutex = snap.resources.find((r) => r.kind === 'mutex');
    assert.ok(mutex);
    assert.deepEqual(mutex.holders, [id('holder')]);
    assert.deepEqual(mutex.waiters, [id('queued')]);
    const w = snap.warnings.find((x) => x.kind === 'lock-held-across-wait');
    assert.ok(w, JSON.stringify(snap.warnings));
    assert.equal(w.taskId, id('holder'));
    assert.match(w.message, /holds mutex .* while it waits on sleep/);
  });

  test('an mpsc channel shows capacity, length, senders and its parked sender', async () => {
    const { value: snap } = await withConsole(function* (snapshot) {
      const [tx, rx] = mpsc.channel<number>(2);
      yield* tx.send(1);
      yield* tx.send(2);
      const blocked = spawn(tx.send(3), { name: 'blocked sender' });
      yield* yieldNow();
      const s = snapshot();
      blocked.abort();
      rx.close();
      return s;
    });
    const ch = snap.resources.find((r) => r.kind === 'mpsc');
    assert.ok(ch);
    assert.equal(ch.capacity, 2);
    assert.equal(ch.len, 2);
    assert.equal(ch.senders, 1);
    assert.deepEqual(ch.waiters, [snap.tasks.find((t) => t.name === 'blocked sender')?.id]);
  });

  test('the UI and GET /api/snapshot are served on loopback', async () => {
    const rt = Runtime.builder().build();
    const c = startConsole(rt, { port: 0 });
    try {
      await c.ready;
      assert.match(c.url ?? '', /^http:\/\/127\.0\.0\.1:\d+\/$/);
      const html = await (await fetch(c.url!)).text();
      assert.match(html, /tokio-ts console/);
      assert.doesNotMatch(html, /<script[^>]+src=/, 'no external script');
      const snap = (await (await fetch(`${c.url}api/snapshot`)).json()) as Snapshot;
      assert.deepEqual(Object.keys(snap).sort(), [
        'at',
        'resources',
        'runtime',
        'tasks',
        'warnings',
      ]);
      assert.equal((await fetch(`${c.url}nope`)).status, 404);
    } finally {
      await c.close();
      await rt.shutdown();
    }
  });

  test('a recording stays under its size cap and replays frame by frame', async () => {
    const path = join(tmpdir(), `tokio-ts-console-${process.pid}.jsonl`);
    const maxBytes = 32 * 1024;
    const rt = Runtime.builder().build();
    const c = startConsole(rt, { serve: false, record: { path, maxBytes, intervalMs: 1 } });
    await rt.blockOn(function* () {
      for (let i = 0; i < 30; i++) {
        spawn(function* () {
          yield* sleep(1);
        });
        yield* sleep(2);
      }
    });
    await c.close();
    await rt.shutdown();
    assert.ok(statSync(path).size <= maxBytes, `${statSync(path).size} bytes`);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    assert.ok(lines.length >= 2);
    const server = await replayRecording(path, { port: 0 });
    try {
      assert.equal(server.frames, lines.length);
      const frames = (await (await fetch(`${server.url}api/frames`)).json()) as { count: number };
      assert.equal(frames.count, lines.length);
      const first = (await (await fetch(`${server.url}api/snapshot?frame=0`)).json()) as Snapshot;
      assert.deepEqual(first, JSON.parse(lines[0]!));
    } finally {
      await server.close();
    }
  });

  test('tracing channels tokio-ts:task and tokio-ts:poll publish while the console runs', async () => {
    const events: string[] = [];
    const task = tracingChannel('tokio-ts:task');
    const poll = tracingChannel('tokio-ts:poll');
    const taskHandlers = {
      start: (m: any) => events.push(`task start ${m.name}`),
      end: (m: any) => events.push(`task end ${m.name}`),
      asyncStart() {},
      asyncEnd() {},
      error() {},
    };
    const pollHandlers = {
      start: (m: any) => {
        if (m.name === 'traced') events.push('poll');
      },
      end() {},
      asyncStart() {},
      asyncEnd() {},
      error() {},
    };
    task.subscribe(taskHandlers);
    poll.subscribe(pollHandlers);
    try {
      await withConsole(function* () {
        yield* spawn(
          function* () {
            yield* yieldNow();
          },
          { name: 'traced' },
        );
      });
    } finally {
      task.unsubscribe(taskHandlers);
      poll.unsubscribe(pollHandlers);
    }
    const mine = events.filter((e) => e.endsWith('traced') || e === 'poll');
    assert.deepEqual(mine, ['task start traced', 'poll', 'poll', 'task end traced']);
  });

  test('Builder.console() starts the console with its runtime, and it is off again after close', async () => {
    const rt = Runtime.builder().console({ port: 0 }).build();
    const c = activeConsole();
    try {
      assert.ok(c, 'the console started with the runtime');
      await c.ready;
      const seen = await rt.blockOn(function* () {
        const h = spawn(
          function* () {
            yield* sleep(10);
          },
          { name: 'seen' },
        );
        yield* yieldNow();
        const names = c.snapshot().tasks.map((t) => t.name);
        yield* h;
        return names;
      });
      assert.ok(seen.includes('seen'), seen.join(', '));
    } finally {
      await c?.close();
      await rt.shutdown();
    }
    assert.equal(activeConsole(), undefined);
  });

  test('a console closed before its server listens never listens, and a new one can start', async () => {
    const rt = Runtime.builder().build();
    const c = startConsole(rt, { port: 0 });
    await c.close();
    await c.ready;
    assert.equal(c.url, undefined);
    assert.equal(activeConsole(), undefined);
    const again = startConsole(rt, { port: 0 });
    try {
      await again.ready;
      assert.match(again.url ?? '', /^http:\/\/127\.0\.0\.1:\d+\/$/);
    } finally {
      await again.close();
      await rt.shutdown();
    }
  });

  test('a second console in the same process is an error', async () => {
    const rt = Runtime.builder().build();
    const c = startConsole(rt, { serve: false });
    try {
      assert.throws(() => startConsole(rt, { serve: false }), /already running/);
    } finally {
      await c.close();
      await rt.shutdown();
    }
  });
});
