// Runs every @example of the public API (extracted and compiled by scripts/doc-examples.mjs).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

interface Entry {
  name: string;
  file: string;
  line: number;
  /** false: compiled only (a server that runs until stopped) */
  run?: boolean;
}

const manifestPath = '.doc-examples/manifest.json';
const manifest: Entry[] = existsSync(manifestPath)
  ? JSON.parse(readFileSync(manifestPath, 'utf8'))
  : [];

function runExample(
  path: string,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

describe('documentation examples', { concurrency: 2 }, () => {
  it('were extracted (npm test runs scripts/doc-examples.mjs first)', () => {
    assert.ok(manifest.length > 0, 'no doc examples found');
  });
  for (const e of manifest) {
    if (e.run === false) continue;
    it(`${e.file}:${e.line} runs and exits 0`, async () => {
      const r = await runExample(`.doc-examples/dist/${e.name}.js`);
      assert.equal(r.code, 0, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    });
  }
});
