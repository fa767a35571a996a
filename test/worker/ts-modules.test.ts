// defineTask/defineBlocking in a module written in TypeScript: workers load it
// the way the main thread did (tsx, or Node's own type stripping).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const app = fileURLToPath(new URL('../../../test/ts-modules/app.ts', import.meta.url));
const tsxCli = createRequire(`${root}package.json`).resolve('tsx/cli');

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: root, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : ((err as { code?: number }).code ?? 1), stdout, stderr });
    });
  });
}

function assertRanOnWorkers(r: { code: number; stdout: string; stderr: string }): void {
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as {
    task: { value: number; thread: number };
    blocking: { value: number; thread: number };
  };
  assert.equal(out.task.value, 42);
  assert.equal(out.blocking.value, 42);
  assert.notEqual(out.task.thread, 0, 'the task ran on a worker thread');
  assert.notEqual(out.blocking.thread, 0, 'the blocking function ran on a pool thread');
}

describe('task modules written in TypeScript', () => {
  it('run on workers under node --import tsx', async () => {
    assertRanOnWorkers(await run(['--import', 'tsx', app]));
  });

  it('run on workers under the tsx CLI', async () => {
    assertRanOnWorkers(await run([tsxCli, app]));
  });

  it("run on workers under Node's own type stripping, where this Node line has it on", async () => {
    const r = await run([app]);
    const features = process.features as { typescript?: string | false };
    if (features.typescript) assertRanOnWorkers(r);
    else {
      // Node 20 (and 22 before 22.18): no type stripping, the main thread cannot load .ts either
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /ERR_UNKNOWN_FILE_EXTENSION|Unknown file extension "\.ts"/);
    }
  });
});
