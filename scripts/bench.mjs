#!/usr/bin/env node
// Runs the compiled benchmarks: node scripts/bench.mjs [--node <major>] [filter...]
// Each file runs in its own process with --expose-gc (memory figures), on this
// Node or, with --node 26 (or --node=26), on that release line's binary from
// the npm registry (scripts/node-line.mjs installs and caches it).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const args = process.argv.slice(2);
let line;
const filters = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--node') line = args[++i];
  else if (a.startsWith('--node=')) line = a.slice('--node='.length);
  else filters.push(a);
}

let node = process.execPath;
if (line !== undefined) {
  const r = spawnSync(process.execPath, ['scripts/node-line.mjs', line], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
  node = r.stdout.trim();
}

const files = readdirSync('dist/bench')
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
let failed = 0;
for (const f of files) {
  const v = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`\n=== ${f} (node ${v}) ===`);
  const r = spawnSync(node, ['--expose-gc', `dist/bench/${f}`], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
