// The console checked in a real browser (Debian's Chromium via playwright-core):
// mini-redis runs with the console on under redis-benchmark load; the UI shows
// its connection tasks by name and state and one task's detail; a program that
// holds a lock across a wait shows the warning (and a task that never yields,
// a future never driven); the resources view shows the sockets and timers;
// the recording of the mini-redis run replays with a timeline. Screenshots go
// to test-artifacts/.
//   npm run build && npm run console:check
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchChromium } from './lib/chromium.mjs';

const ARTIFACTS = 'test-artifacts';
const RECORDING = join(ARTIFACTS, 'console-mini-redis.jsonl');
const children = [];
let browser;

/** Starts `node args…`, resolving with the child and the first stdout/stderr line matching `re`. */
function start(args, env, re) {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d) => {
      out += d;
      const m = re.exec(out);
      if (m) resolve({ child, match: m });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`${args.join(' ')} exited ${code} before ${re}:\n${out}`)),
    );
    setTimeout(() => reject(new Error(`timed out waiting for ${re}:\n${out}`)), 20_000).unref();
  });
}

function exited(child) {
  return child.exitCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', r));
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  rmSync(RECORDING, { force: true });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

async function openPage(url) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(url);
  return { page, problems };
}

test('mini-redis under redis-benchmark: the console shows connection tasks by name and state, and a task detail', async () => {
  const { child: server, match } = await start(
    ['dist/examples/mini-redis/server.js', '--port', '0'],
    { TOKIO_TS_CONSOLE: '127.0.0.1:0', TOKIO_TS_CONSOLE_RECORD: RECORDING },
    /mini-redis listening on 127\.0\.0\.1:(\d+)[\s\S]*tokio-ts console: (http:\/\/\S+)|tokio-ts console: (http:\/\/\S+)[\s\S]*mini-redis listening on 127\.0\.0\.1:(\d+)/,
  );
  const port = match[1] ?? match[4];
  const consoleUrl = match[2] ?? match[3];
  // bounded load: 50 clients, keep-alive, ~20 s at most
  const bench = spawn(
    'redis-benchmark',
    ['-p', port, '-c', '50', '-n', '2000000', '-t', 'get', '-q'],
    { stdio: 'ignore' },
  );
  children.push(bench);
  try {
    const { page, problems } = await openPage(consoleUrl);
    await page.waitForFunction(
      () => document.querySelectorAll('#tasks tbody tr').length >= 10,
      null,
      { timeout: 15_000 },
    );
    const rows = await page.locator('#tasks tbody tr').allTextContents();
    const conns = rows.filter((r) => /conn 127\.0\.0\.1:\d+/.test(r));
    assert.ok(conns.length >= 10, `connection tasks: ${conns.length} of ${rows.length} rows`);
    assert.ok(conns.some((r) => /idle|scheduled|running/.test(r)));
    await page.screenshot({ path: join(ARTIFACTS, 'console-tasks.png') });
    await page.locator('#tasks tbody tr', { hasText: 'conn 127.0.0.1' }).first().click();
    await page.waitForSelector('#detailTitle');
    assert.match(await page.locator('#detailTitle').textContent(), /conn 127\.0\.0\.1/);
    assert.match(await page.locator('#detail').textContent(), /polls[\s\S]*busy[\s\S]*Poll times/);
    await page.screenshot({ path: join(ARTIFACTS, 'console-task-detail.png') });
    await page.click('[data-tab="tree"]');
    assert.match(await page.locator('#view').textContent(), /conn 127\.0\.0\.1/);
    // the sockets: the listener on its port, the connections with their bytes and readers
    await page.click('[data-tab="resources"]');
    await page.waitForSelector('#resources tr[data-kind="tcp stream"]');
    const listener = await page.locator('#resources tr[data-kind="tcp listener"]').textContent();
    assert.match(listener, new RegExp(`local: 127\\.0\\.0\\.1:${port}`));
    const streams = await page.locator('#resources tr[data-kind="tcp stream"]').allTextContents();
    assert.ok(streams.length >= 10, `tcp streams: ${streams.length}`);
    assert.ok(
      streams.some((r) => /bytesRead: [1-9]\d*.*bytesWritten: [1-9]/.test(r)),
      streams.slice(0, 3).join('\n'),
    );
    await page.screenshot({ path: join(ARTIFACTS, 'console-resources-sockets.png') });
    await page.close();
    assert.deepEqual(problems, []);
  } finally {
    bench.kill('SIGKILL');
    server.kill('SIGINT');
    await exited(server);
  }
  assert.ok(statSync(RECORDING).size > 0, 'the recording was written at exit');
  assert.ok(statSync(RECORDING).size <= 16 * 1024 * 1024);
});

test('a lock held across a wait is shown as a warning, and the mutex with its holder and waiter', async () => {
  const { child, match } = await start(
    ['dist/test/fixtures/console-lock.js'],
    {},
    /console at (http:\/\/\S+)/,
  );
  try {
    const { page, problems } = await openPage(match[1]);
    await page.click('[data-tab="warnings"]');
    await page.waitForSelector('.warn[data-kind="lock-held-across-wait"]', { timeout: 10_000 });
    const text = await page
      .locator('.warn[data-kind="lock-held-across-wait"]')
      .first()
      .textContent();
    assert.match(text, /slow holder/);
    assert.match(text, /holds mutex/);
    const hog = await page.locator('.warn[data-kind="never-yielded"]').first().textContent();
    assert.match(hog, /'hog'.*in its first poll without ever yielding/);
    const undriven = await page.locator('.warn[data-kind="never-polled"]').first().textContent();
    assert.match(undriven, /sleep\(…\) created at .*console-lock\.js:\d+:\d+.*'forgetful'/);
    await page.screenshot({ path: join(ARTIFACTS, 'console-warning.png') });
    await page.click('[data-tab="resources"]');
    const resources = await page.locator('#view').textContent();
    assert.match(resources, /mutex/);
    assert.match(resources, /#\d+.*#\d+/s, 'the mutex shows its holder and its queued task');
    // the timers: the wheel with its count and next deadline, each sleep with the task in it
    const wheel = await page.locator('#resources tr[data-kind="timer wheel"]').textContent();
    assert.match(wheel, /count: [3-9]/);
    const sleeps = await page.locator('#resources tr[data-kind="sleep"]').allTextContents();
    assert.ok(
      sleeps.some((r) => /deadlineInMs: \d+.*#\d+/.test(r)),
      sleeps.join('\n'),
    );
    await page.screenshot({ path: join(ARTIFACTS, 'console-resources-timers.png') });
    await page.close();
    assert.deepEqual(problems, []);
  } finally {
    child.kill('SIGKILL');
  }
});

test('the recording replays with a timeline to scrub', async () => {
  const { child, match } = await start(
    ['dist/src/console/cli.js', 'replay', RECORDING, '--port', '0'],
    {},
    /replaying (\d+) snapshots of .* at (http:\/\/\S+)/,
  );
  try {
    const frames = Number(match[1]);
    assert.ok(frames >= 1);
    const { page, problems } = await openPage(match[2]);
    await page.waitForSelector('#timeline', { state: 'visible' });
    await page.waitForFunction(() => document.querySelectorAll('#tasks tbody tr').length > 0);
    assert.match(
      await page.locator('#frameLabel').textContent(),
      new RegExp(`frame ${frames} of ${frames}`),
    );
    await page.locator('#frame').fill('0');
    await page.waitForFunction(() =>
      /frame 1 of/.test(document.getElementById('frameLabel').textContent),
    );
    await page.screenshot({ path: join(ARTIFACTS, 'console-replay.png') });
    // the recorded resources replay too: the listener, open in the first frame
    await page.click('[data-tab="resources"]');
    await page.waitForSelector('#resources tr[data-kind="tcp listener"]');
    assert.match(
      await page.locator('#resources tr[data-kind="tcp listener"]').textContent(),
      /local: 127\.0\.0\.1:\d+/,
    );
    await page.close();
    assert.deepEqual(problems, []);
  } finally {
    child.kill('SIGKILL');
  }
});
