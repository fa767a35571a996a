#!/usr/bin/env node
// Runs every compiled test file (dist/test/**/*.test.js) with node:test, and
// the uncompiled ones in test/native/ (plain JavaScript that uses syntax tsc
// would rewrite, such as `using`) when this Node parses that syntax.
// Usage: node scripts/test.mjs [filter-substring...]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir, out, suffix) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out, suffix);
    else if (name.endsWith(suffix)) out.push(p);
  }
  return out;
}

/** True if this Node parses `using` declarations (V8 in Node 24 and later). */
function hasUsing() {
  try {
    new Function('{ using x = null; }');
    return true;
  } catch {
    return false;
  }
}

const filters = process.argv.slice(2);
const candidates = walk('dist/test', [], '.test.js');
if (existsSync('test/native')) {
  if (hasUsing()) walk('test/native', candidates, '.test.mjs');
  else
    console.error(
      `test/native not run: Node ${process.version} does not parse \`using\` (24+ does)`,
    );
}
const files = candidates
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error(
    `no test files${filters.length > 0 ? ` match ${filters.join(' ')}` : ''} under dist/test or test/native (did the build run?)`,
  );
  process.exit(1);
}
// --no-report-on-signal: from Node 24 the runner starts each test file's
// process with --report-signal=SIGUSR2, which also turns reports on, so the
// tests that raise SIGUSR2 in their own process (signal, process) would each
// leave a report.*.json in the working tree.
const r = spawnSync(
  process.execPath,
  ['--no-report-on-signal', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
process.exit(r.status ?? 1);
