/**
 * A CPU pipeline (issue 21 item 2): read a file line by line, hash batches of
 * lines on 2 threads (SHA-256 twice per line), write the digests in order,
 * with backpressure. Plain Node (readline + a hand-written worker pool) beside
 * examples/hash-lines.ts with `spawnBlocking` and with `defineTask`, in one
 * process, in interleaved rounds (bench/lib/interleave.ts): medians of wall
 * and CPU time, ratios to the plain version.
 *
 *   npm run build && node dist/bench/rt-multi-pipeline.bench.js
 *   BENCH_PIPELINE_MB=20 BENCH_ROUNDS=3 node dist/bench/rt-multi-pipeline.bench.js
 *
 * The input (lines of 20–90 ASCII bytes) is written under os.tmpdir() and
 * removed at the end; every output is checked against the first one.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Runtime } from 'tokio-ts';
import type { MultiThreadRuntime } from 'tokio-ts/worker';
import { BATCH_LINES, hashFile, IN_FLIGHT } from '../examples/hash-lines.js';
import { HashPool, hashFilePlain } from './fixtures/hash-plain.js';
import { interleaved, roundsFromEnv } from './lib/interleave.js';

const MB = Number(process.env.BENCH_PIPELINE_MB ?? 200);
const THREADS = 2;
const dir = mkdtempSync(join(tmpdir(), 'tokio-ts-pipeline-'));
const input = join(dir, 'input.txt');

function makeInput(): number {
  const target = MB * 1024 * 1024;
  const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];
  const parts: string[] = [];
  let size = 0;
  let lines = 0;
  let seed = 12345;
  while (size < target) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const n = 2 + (seed % 12);
    let line = `${lines}:`;
    for (let w = 0; w < n; w++) line += ` ${words[(seed >>> (w + 3)) & 7]}`;
    line += '\n';
    parts.push(line);
    size += line.length;
    lines++;
  }
  writeFileSync(input, parts.join(''));
  return lines;
}

const lines = makeInput();
const rt = Runtime.builder().multiThread().workerThreads(THREADS).build() as MultiThreadRuntime;
const pool = new HashPool(THREADS);
let reference: Buffer | null = null;

function check(name: string, n: number, out: string): void {
  if (n !== lines) throw new Error(`${name}: ${n} lines, expected ${lines}`);
  const got = readFileSync(out);
  if (reference === null) reference = got;
  else if (!got.equals(reference)) throw new Error(`${name}: the output differs`);
  rmSync(out);
}

const PLAIN = 'plain: readline + worker pool';
const BLOCKING = 'tokio-ts spawnBlocking';
const TASK = 'tokio-ts defineTask / spawn(def)';
console.log(
  `${MB} MB, ${lines.toLocaleString('en')} lines, batches of ${BATCH_LINES}, ${IN_FLIGHT} in flight, ${THREADS} threads`,
);
try {
  await interleaved(
    'CPU pipeline: read lines, hash batches on 2 threads, write in order (per line)',
    [
      {
        name: PLAIN,
        ops: lines,
        run: async () => {
          const out = join(dir, 'plain.txt');
          check(PLAIN, await hashFilePlain(pool, input, out, BATCH_LINES, IN_FLIGHT), out);
        },
      },
      {
        name: BLOCKING,
        ops: lines,
        run: async () => {
          const out = join(dir, 'blocking.txt');
          check(BLOCKING, await rt.blockOn(hashFile(input, out, 'blocking')), out);
        },
      },
      {
        name: TASK,
        ops: lines,
        run: async () => {
          const out = join(dir, 'task.txt');
          check(TASK, await rt.blockOn(hashFile(input, out, 'task')), out);
        },
      },
    ],
    [
      { label: 'spawnBlocking vs plain', ours: BLOCKING, anchor: PLAIN },
      { label: 'defineTask vs plain', ours: TASK, anchor: PLAIN },
    ],
    roundsFromEnv(5),
  );
} finally {
  await pool.close();
  await rt.shutdown();
  rmSync(dir, { recursive: true, force: true });
}
