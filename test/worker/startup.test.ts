import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as nodeModule from 'node:module';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Runtime } from 'tokio-ts';
import type { MultiThreadRuntime } from 'tokio-ts/worker';
import { compileCacheDir, httpModulesLoaded } from './fixtures/startup-tasks.js';

const PROGRAM = fileURLToPath(new URL('./fixtures/startup-tasks.js', import.meta.url));
const hasCompileCache =
  typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === 'function';

/** Runs the fixture as a program with `env` added to this process's environment. */
function runProgram(env: Record<string, string>) {
  return spawnSync(process.execPath, [PROGRAM], {
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, ...env },
  });
}

async function onWorker<T>(def: Parameters<MultiThreadRuntime['spawn']>[0]): Promise<T> {
  const rt = Runtime.builder().multiThread().workerThreads(1).build() as MultiThreadRuntime;
  try {
    return (await rt.spawn(def as never)) as T;
  } finally {
    await rt.shutdown();
  }
}

describe('worker thread start-up', { timeout: 30_000 }, () => {
  test('a worker does not load node:http while it starts (the console loads it only to serve)', async () => {
    // the task's module imports tokio-ts and tokio-ts/worker, as a user's does
    assert.deepEqual(await onWorker<string[]>(httpModulesLoaded), []);
  });

  test("a worker turns on Node's module compile cache before it loads its modules", async () => {
    const dir = await onWorker<string | null>(compileCacheDir);
    const off =
      process.env.NODE_V8_COVERAGE !== undefined || process.env.NODE_DISABLE_COMPILE_CACHE === '1';
    if (hasCompileCache && !off) {
      assert.equal(typeof dir, 'string');
    } else {
      // Node 20, a coverage run (the cache would make coverage less precise) or turned off
      assert.equal(dir, null);
    }
  });

  test('an unusable compile cache directory changes nothing: the tasks run, nothing is printed', () => {
    // a directory inside a regular file can never be created
    const r = runProgram({ NODE_COMPILE_CACHE: `${PROGRAM}/cache` });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(JSON.parse(r.stdout).cache, null);
  });

  test('NODE_DISABLE_COMPILE_CACHE=1 keeps the compile cache off on the workers', () => {
    const r = runProgram({ NODE_DISABLE_COMPILE_CACHE: '1' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).cache, null);
  });

  test('TOKIO_TS_CONSOLE starts one console, on the main thread: worker threads start none', () => {
    const r = runProgram({ TOKIO_TS_CONSOLE: '127.0.0.1:0' });
    assert.equal(r.status, 0, r.stderr);
    // each runtime that starts a console prints its address
    assert.equal(r.stderr.match(/tokio-ts console: http:/g)?.length, 1, r.stderr);
  });
});
