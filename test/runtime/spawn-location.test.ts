import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/** The built library (dist/src) of this checkout. */
const built = fileURLToPath(new URL('../../src/', import.meta.url));
const pkg = fileURLToPath(new URL('../../../package.json', import.meta.url));

const app = `
import { Runtime } from 'tokio-ts/runtime';
import { pending } from 'tokio-ts/future';
const rt = Runtime.builder().captureSpawnLocation(true).build();
rt.spawn(function* () { yield* pending(); }, { name: 'mine' });
await rt.blockOn(function* () {});
console.log(JSON.stringify(rt.dump().find((t) => t.name === 'mine')?.spawnedAt));
process.exit(0);
`;

describe('spawn locations', () => {
  it("point at the user's file when the project folder is named tokio-ts and the app is built to dist/src", () => {
    // A project called tokio-ts (as a fresh `git clone … tokio-ts`) whose own
    // code lives in dist/src, with the library installed as a user installs it.
    const root = join(mkdtempSync(join(tmpdir(), 'loc-')), 'tokio-ts');
    try {
      const lib = join(root, 'node_modules', 'tokio-ts');
      mkdirSync(join(root, 'dist', 'src'), { recursive: true });
      cpSync(built, join(lib, 'dist', 'src'), { recursive: true });
      cpSync(pkg, join(lib, 'package.json'));
      const file = join(root, 'dist', 'src', 'app.mjs');
      writeFileSync(file, app);
      const out = execFileSync(process.execPath, [file], { cwd: root, encoding: 'utf8' });
      const at = JSON.parse(out.trim()) as string;
      assert.match(at, /tokio-ts\/dist\/src\/app\.mjs:5:/);
    } finally {
      rmSync(join(root, '..'), { recursive: true, force: true });
    }
  });
});
