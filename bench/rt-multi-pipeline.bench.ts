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
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Runtime } from 'tokio-ts';
import type { MultiThreadRuntime } from 'tokio-ts/worker';
import { BATCH_LINES, hashFile, IN_FLIGHT } from '../examples/hash-lines.js';
import { HashPool, hashFilePlain } from './fixtures/hash-plain.js';
import { interleaved, roundsFromEnv } from './lib/interleave.js';
import { type ThreadCpu, threadCpuMs } from './lib/proc-cpu.js';

const MB = Number(process.env.BENCH_PIPELINE_MB ?? 200);
const THREADS = 2;
const PLAIN = 'plain: readline + worker pool';
const BLOCKING = 'tokio-ts spawnBlocking';
const TASK = 'tokio-ts defineTask / spawn(def)';
// As its own process: one variant, one run, on the parent's input (see the end)
const CHILD = process.env.BENCH_PIPELINE_CHILD;
if (CHILD !== undefined) {
  const input = process.env.BENCH_PIPELINE_INPUT!;
  const out = `${input}.${CHILD}.out`;
  const c = process.cpuUsage();
  const t0 = threadCpuMs();
  const t = performance.now();
  // the threads' CPU is read before they are shut down (their time leaves with them)
  let threads: ThreadCpu | null;
  if (CHILD === 'plain') {
    const pool = new HashPool(THREADS);
    await hashFilePlain(pool, input, out, BATCH_LINES, IN_FLIGHT);
    threads = threadCpuMs();
    await pool.close();
  } else {
    const rt = Runtime.builder().multiThread().workerThreads(THREADS).build();
    await rt.blockOn(hashFile(input, out, CHILD === 'blocking' ? 'blocking' : 'task'));
    threads = threadCpuMs();
    await rt.shutdown();
  }
  const wall = performance.now() - t;
  const u = process.cpuUsage(c);
  if (threads !== null && t0 !== null)
    for (const k of Object.keys(threads) as (keyof ThreadCpu)[]) threads[k] -= t0[k];
  rmSync(out);
  console.log(JSON.stringify({ wall, cpu: (u.user + u.system) / 1000, threads }));
  process.exit(0);
}
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
  await pool.close();
  await rt.shutdown();
  separateProcesses(roundsFromEnv(5));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The same three programs, each in its own process as a user runs one (its
 * threads, heap and JIT its own), in rotated order per round; medians of wall
 * and CPU time (the child's own measure, without Node's start-up) and of the
 * per-round ratios.
 */
function separateProcesses(rounds: number): void {
  const kinds = ['plain', 'blocking', 'task'] as const;
  const got: Record<string, { wall: number; cpu: number; threads: ThreadCpu | null }[]> = {
    plain: [],
    blocking: [],
    task: [],
  };
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < kinds.length; i++) {
      const k = kinds[(r + i) % kinds.length]!;
      const res = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], {
        env: { ...process.env, BENCH_PIPELINE_CHILD: k, BENCH_PIPELINE_INPUT: input },
        encoding: 'utf8',
      });
      if (res.status !== 0) throw new Error(`${k}: exit ${res.status}\n${res.stderr}`);
      got[k]!.push(JSON.parse(res.stdout.trim().split('\n').pop()!));
    }
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const per = (ms: number) => `${((ms * 1e6) / lines / 1000).toFixed(2)} µs`;
  console.log(
    `\nthe same, each program in its own process (${rounds} rounds, rotated order), per line:`,
  );
  for (const k of kinds) {
    const w = med(got[k]!.map((x) => x.wall));
    const c = med(got[k]!.map((x) => x.cpu));
    // where the CPU went (Linux): the worker/pool threads, the main thread, V8's helpers
    const th = got[k]!.map((x) => x.threads);
    const split = th.every((x) => x !== null)
      ? th.every((x) => x!.v8 === 0)
        ? // Node before 26 leaves its threads unnamed: V8's helpers count with the workers
          `  (worker threads and V8 helpers ${per(med(th.map((x) => x!.workers)))}, main ${per(med(th.map((x) => x!.main)))})`
        : `  (worker threads ${per(med(th.map((x) => x!.workers)))}, main ${per(med(th.map((x) => x!.main)))}, V8 helpers ${per(med(th.map((x) => x!.v8)))})`
      : '';
    console.log(`  ${k.padEnd(9)} wall ${per(w)}  cpu ${per(c)}${split}`);
  }
  for (const k of ['blocking', 'task'] as const) {
    const rw = med(got[k]!.map((x, i) => x.wall / got.plain![i]!.wall));
    const rc = med(got[k]!.map((x, i) => x.cpu / got.plain![i]!.cpu));
    const rt = got[k]!.every((x, i) => x.threads !== null && got.plain![i]!.threads !== null)
      ? `, worker threads' cpu ${med(got[k]!.map((x, i) => x.threads!.workers / got.plain![i]!.threads!.workers)).toFixed(2)}x`
      : '';
    console.log(
      `  ${k} vs plain: wall ${rw.toFixed(2)}x the time, cpu ${rc.toFixed(2)}x${rt} (goal <= 1.0x)`,
    );
  }
  console.log(
    `  load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
}
