#!/usr/bin/env node
// Type-checks a user's project against the package as npm ships it: installs
// test/consumer's own devDependencies (TypeScript 5.9 and 7, @types/node, from
// its lockfile), packs the build (`npm pack`), installs the tarball there as a
// user installs it, and runs the consumer's strict tsconfig (skipLibCheck:
// false, exactOptionalPropertyTypes, noUncheckedIndexedAccess; it includes
// every shipped .d.ts) under both compilers; then runs the consumer's vitest
// tests (the README's vitest recipe). Run `npm run build` first.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const consumer = join(root, 'test', 'consumer');
const require = createRequire(join(consumer, 'package.json'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const packDir = mkdtempSync(join(tmpdir(), 'tokio-ts-pack-'));
let failed = 0;
try {
  const out = execFileSync(npm, ['pack', '--json', '--pack-destination', packDir], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const tarball = join(packDir, JSON.parse(out)[0].filename);
  execFileSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: consumer, stdio: 'inherit' });
  execFileSync(
    npm,
    ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--offline', tarball],
    { cwd: consumer, stdio: 'inherit' },
  );
  const compilers = [
    ['TypeScript 5.9', 'typescript/package.json'],
    ['TypeScript 7', 'typescript-7/package.json'],
  ];
  for (const [label, pkgJson] of compilers) {
    const pkgPath = require.resolve(pkgJson);
    const { version } = require(pkgJson);
    const tsc = join(pkgPath, '..', 'bin', 'tsc');
    try {
      execFileSync(process.execPath, [tsc, '-p', consumer], { stdio: 'inherit' });
      console.log(`consumer type check: ok under ${label} (${version})`);
    } catch {
      console.error(`consumer type check: FAILED under ${label} (${version})`);
      failed++;
    }
  }
  try {
    execFileSync(process.execPath, [require.resolve('vitest/vitest.mjs'), 'run'], {
      cwd: consumer,
      stdio: 'inherit',
    });
    console.log('consumer vitest tests: ok');
  } catch {
    console.error('consumer vitest tests: FAILED');
    failed++;
  }
} finally {
  rmSync(packDir, { recursive: true, force: true });
}
process.exit(failed === 0 ? 0 : 1);
