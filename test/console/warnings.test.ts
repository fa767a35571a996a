import assert from 'node:assert/strict';
import { execFile, spawn as spawnProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  test('deadlock: a main task nothing can wake is a console warning (in the recording), and an open console connection does not keep the program alive', {
    timeout: 20_000,
  }, async () => {
    const fixture = fileURLToPath(new URL('../fixtures/console-deadlock.js', import.meta.url));
    const record = join(tmpdir(), `tokio-ts-deadlock-${process.pid}.jsonl`);
    const child = spawnProcess(process.execPath, [fixture], {
      env: { ...process.env, TOKIO_TS_CONSOLE: '127.0.0.1:0', TOKIO_TS_CONSOLE_RECORD: record },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const url = await new Promise<string>((resolve) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('\n')) resolve(out.trim());
      });
    });
    // a browser's keep-alive connection, left open
    const agent = new Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      get(`${url}api/snapshot`, { agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      }).on('error', reject);
    });
    const t0 = performance.now();
    child.stdin.write('go\n');
    const code = await exited;
    const ms = performance.now() - t0;
    agent.destroy();
    assert.equal(code, 1, stderr);
    // held open by the connection, it would exit only when Node's HTTP server
    // drops the idle connection (its keep-alive timeout, 5 s)
    assert.ok(ms < 4000, `exited ${ms.toFixed(0)} ms after the deadlock`);
    assert.match(
      stderr,
      /the main task can never finish: nothing is left that could wake it \(deadlock\)/,
    );
    const frames = readFileSync(record, 'utf8').trim().split('\n');
    const last = JSON.parse(frames[frames.length - 1]!) as Snapshot;
    const w = last.warnings.filter((x) => x.kind === 'deadlock');
    assert.equal(w.length, 1, JSON.stringify(last.warnings));
    assert.match(
      w[0]!.message,
      /can never finish: nothing is left that could wake it \(deadlock\)/,
    );
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
