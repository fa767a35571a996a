/**
 * 200,000 trivial tasks (`x => x + 1`) submitted at once on 2 threads:
 * tokio-ts's multi-thread runtime beside Piscina and Tinypool with the same
 * thread count (issue 5 goal: >= 10x each).
 *   npm run bench -- rt-multi-tasks
 */
import { Piscina } from 'piscina';
import { Tinypool } from 'tinypool';
import type { JoinHandle } from 'tokio-ts';
import { Runtime, spawn } from 'tokio-ts';
import type { MultiThreadRuntime } from 'tokio-ts/worker';
import { add1 } from './fixtures/multi-tasks.js';
import { footer, measure } from './lib/timed.js';

const N = 200_000;
const RUNS = Number(process.env.RUNS ?? 3);
const THREADS = 2;
const expected = (N * (N - 1)) / 2 + N;
const poolFile = new URL('./fixtures/add1-pool.js', import.meta.url).href;

function check(s: number): void {
  if (s !== expected) throw new Error(`wrong sum ${s}`);
}

let rt: MultiThreadRuntime;
function* submitAll() {
  const hs: JoinHandle<number>[] = new Array(N);
  for (let i = 0; i < N; i++) hs[i] = spawn(add1, i);
  let s = 0;
  for (let i = 0; i < N; i++) s += yield* hs[i]!;
  return s;
}
const ours = await measure(
  {
    name: `tokio-ts multi-thread (${THREADS} workers)`,
    ops: N,
    setup: async () => {
      rt = Runtime.builder().multiThread().workerThreads(THREADS).build() as MultiThreadRuntime;
      await Promise.all(Array.from({ length: 2000 }, (_, i) => rt.spawn(add1, i)));
    },
    run: async () => check(await rt.blockOn(submitAll)),
    teardown: () => rt.shutdown(),
  },
  RUNS,
);

let piscina: Piscina;
const pis = await measure(
  {
    name: `Piscina (${THREADS} threads)`,
    ops: N,
    setup: async () => {
      piscina = new Piscina({ filename: poolFile, minThreads: THREADS, maxThreads: THREADS });
      await Promise.all(Array.from({ length: 2000 }, (_, i) => piscina.run(i)));
    },
    run: async () => {
      const ps: Promise<number>[] = new Array(N);
      for (let i = 0; i < N; i++) ps[i] = piscina.run(i);
      check((await Promise.all(ps)).reduce((a, b) => a + b, 0));
    },
    teardown: () => piscina.destroy(),
  },
  RUNS,
);

let tiny: Tinypool;
const tin = await measure(
  {
    name: `Tinypool (${THREADS} threads)`,
    ops: N,
    setup: async () => {
      tiny = new Tinypool({ filename: poolFile, minThreads: THREADS, maxThreads: THREADS });
      await Promise.all(Array.from({ length: 2000 }, (_, i) => tiny.run(i)));
    },
    run: async () => {
      const ps: Promise<number>[] = new Array(N);
      for (let i = 0; i < N; i++) ps[i] = tiny.run(i);
      check((await Promise.all(ps)).reduce((a, b) => a + b, 0));
    },
    teardown: () => tiny.destroy(),
  },
  Math.min(RUNS, 2),
);

console.log('\nratios (tasks/s):');
console.log(`  tokio-ts vs Piscina   ${(ours / pis).toFixed(1)}x (goal >= 10x)`);
console.log(`  tokio-ts vs Tinypool  ${(ours / tin).toFixed(1)}x (goal >= 10x)`);
await footer();
