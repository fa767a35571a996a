import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Runtime, spawn } from 'tokio-ts';
import { type Snapshot, startConsole, type Warning } from 'tokio-ts/console';

const spin = (ms: number) => {
  const t = performance.now();
  while (performance.now() - t < ms) {}
};

describe('console warnings', () => {
  test('never-yielded: a task whose first poll runs past the threshold, named when its poll ends', async () => {
    const rt = Runtime.builder().build();
    const c = startConsole(rt, { serve: false, thresholds: { neverYieldedMs: 30 } });
    try {
      const id = await rt.blockOn(function* () {
        const h = spawn(
          function* () {
            spin(40);
          },
          { name: 'hog' },
        );
        yield* h;
        return h.id;
      });
      const ws = c.snapshot().warnings.filter((w) => w.kind === 'never-yielded' && w.taskId === id);
      assert.equal(ws.length, 1, JSON.stringify(c.snapshot().warnings));
      assert.match(
        ws[0]!.message,
        /^task 'hog' \(\d+\) ran \d+ ms in its first poll without ever yielding/,
      );
    } finally {
      await c.close();
      await rt.shutdown();
    }
  });

  test('never-yielded: a snapshot taken while the first poll still runs shows the task running and the warning', async () => {
    const rt = Runtime.builder().build();
    const c = startConsole(rt, { serve: false, thresholds: { neverYieldedMs: 2 } });
    let seen: Snapshot | undefined;
    try {
      await rt.blockOn(function* () {
        yield* spawn(
          function* () {
            spin(3);
            seen = c.snapshot(); // what the recorder's exit frame or a nested observer sees
          },
          { name: 'stuck' },
        );
      });
      const snap = seen!;
      const task = snap.tasks.find((t) => t.name === 'stuck');
      assert.equal(task?.state, 'running');
      assert.equal(task?.polls, 0);
      const w = snap.warnings.find(
        (x: Warning) => x.kind === 'never-yielded' && x.taskId === task?.id,
      );
      assert.ok(w, JSON.stringify(snap.warnings));
      assert.match(w!.message, /has run \d+ ms in its first poll without ever yielding/);
    } finally {
      await c.close();
      await rt.shutdown();
    }
  });

  test('never-polled: in debug mode a future created and never driven is a warning naming its task and where it was made', async () => {
    const fixture = fileURLToPath(new URL('../fixtures/console-undriven.js', import.meta.url));
    const line =
      readFileSync(fixture, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('sleep(100); // never driven')) + 1;
    const { TOKIO_TS_DEBUG: _, ...env } = process.env;
    const r = await promisify(execFile)(process.execPath, [fixture], { env });
    const warnings = JSON.parse(r.stdout) as Warning[];
    const w = warnings.filter((x) => x.kind === 'never-polled');
    assert.equal(w.length, 1, r.stdout);
    assert.match(
      w[0]!.message,
      new RegExp(
        `^the future of sleep\\(…\\) created at .*console-undriven\\.js:${line}:\\d+\\)? by task 'forgetful' \\(\\d+\\) was never driven`,
      ),
    );
    // and debug mode still reports it on stderr
    assert.match(r.stderr, /tokio-ts debug: the future of sleep\(…\)/);
  });
});
