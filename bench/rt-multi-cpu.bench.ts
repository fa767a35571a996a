/**
 * CPU-bound batches: 64 × fib(27) and 64 × SHA-256 of 1 MiB as independent
 * tasks, and fib(32) split
 * recursively into tasks above fib(20), on the multi-thread runtime with 2
 * workers beside the same work on the current-thread runtime (issue 5 goal:
 * >= 1.8x on 2 cores).
 *   npm run bench -- rt-multi-cpu
 */
import { Worker } from 'node:worker_threads';
import { type Future, type JoinHandle, Runtime, spawn } from 'tokio-ts';
import type { MultiThreadRuntime } from 'tokio-ts/worker';
import { fibLeaf, fibSeq, fibSplitTask, sha1MiB, shaOf } from './fixtures/multi-tasks.js';
import { median } from './lib/report.js';
import { footer } from './lib/timed.js';

const RUNS = Number(process.env.RUNS ?? 5);
/** Untimed runs of each side before the pairs: the fork-join path needs a few thousand tasks before V8 has optimised it on every thread (first runs were 3-5x slower). */
const WARM = Number(process.env.WARM ?? 10);
const BATCH = 64;
const LEAF = 27;
const expectBatch = BATCH * fibSeq(LEAF);

function* localFib(n: number): Future<number> {
  return fibSeq(n);
}
function* localSplit(n: number, cutoff: number): Future<number> {
  if (n <= cutoff) return fibSeq(n);
  const a = spawn(localSplit(n - 1, cutoff));
  const b = spawn(localSplit(n - 2, cutoff));
  return (yield* a) + (yield* b);
}

const single = new Runtime();
const mt = Runtime.builder().multiThread().workerThreads(2).build() as MultiThreadRuntime;
await mt.blockOn(function* () {
  yield* spawn(fibSplitTask, 22, 12); // warm both workers
});

function check(v: number, want: number): void {
  if (v !== want) throw new Error(`wrong result ${v}`);
}

// The machine is shared: single- and multi-thread runs alternate, so
// background load falls on both alike, and each ratio is a median of pairs.
async function timeOf(f: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}
const batchSingle = () =>
  single
    .blockOn(function* () {
      const hs: JoinHandle<number>[] = [];
      for (let i = 0; i < BATCH; i++) hs.push(spawn(localFib(LEAF)));
      let s = 0;
      for (const h of hs) s += yield* h;
      return s;
    })
    .then((v) => check(v, expectBatch));
const batchMulti = () =>
  mt
    .blockOn(function* () {
      const hs: JoinHandle<number>[] = [];
      for (let i = 0; i < BATCH; i++) hs.push(spawn(fibLeaf, LEAF));
      let s = 0;
      for (const h of hs) s += yield* h;
      return s;
    })
    .then((v) => check(v, expectBatch));
const splitSingle = () => single.blockOn(localSplit(32, 20)).then((v) => check(v, fibSeq(32)));
const splitMulti = () =>
  mt
    .blockOn(function* () {
      return yield* spawn(fibSplitTask, 32, 20);
    })
    .then((v) => check(v, fibSeq(32)));

async function pairs(
  name: string,
  a: () => Promise<void>,
  b: () => Promise<void>,
): Promise<number> {
  const ta: number[] = [];
  const tb: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < WARM; i++) {
    await a();
    await b();
  }
  for (let i = 0; i < RUNS; i++) {
    const x = await timeOf(a);
    const y = await timeOf(b);
    ta.push(x);
    tb.push(y);
    ratios.push(x / y);
  }
  console.log(
    `${name}: current-thread ${median(ta).toFixed(1)} ms, multi-thread (2 workers) ${median(tb).toFixed(1)} ms, ` +
      `speed-up per pair: ${ratios.map((r) => r.toFixed(2)).join(', ')}`,
  );
  return median(ratios);
}

// the hardware ceiling: the same batch on two raw worker_threads (no runtime),
// half each, beside the same loop on the main thread
const rawCode = `const { parentPort } = require('node:worker_threads');
function f(n) { return n < 2 ? n : f(n - 1) + f(n - 2); }
parentPort.on('message', ([n, k]) => { let s = 0; for (let i = 0; i < k; i++) s += f(n); parentPort.postMessage(s); });`;
const raws = [new Worker(rawCode, { eval: true }), new Worker(rawCode, { eval: true })];
const rawRun = (w: Worker, k: number) =>
  new Promise<number>((r) => {
    w.once('message', r);
    w.postMessage([LEAF, k]);
  });
const rawInline = async () => {
  let s = 0;
  for (let i = 0; i < BATCH; i++) s += fibSeq(LEAF);
  check(s, expectBatch);
};
const rawPar = async () => {
  const [a, b] = await Promise.all(raws.map((w) => rawRun(w, BATCH / 2)));
  check(a! + b!, expectBatch);
};
await rawPar();
const r0 = await pairs(
  `raw worker_threads ceiling: batch ${BATCH} x fib(${LEAF}), main thread vs 2 raw workers`,
  rawInline,
  rawPar,
);
await Promise.all(raws.map((w) => w.terminate()));

const r1 = await pairs(`batch ${BATCH} x fib(${LEAF})`, batchSingle, batchMulti);

// the other batch: 64 x SHA-256 of 1 MiB (native code, so no JIT
// differences between the main thread and the workers)
let shaWant = 0;
for (let i = 0; i < BATCH; i++) shaWant += shaOf(i);
function* localSha(i: number): Future<number> {
  return shaOf(i);
}
const shaSingle = () =>
  single
    .blockOn(function* () {
      const hs: JoinHandle<number>[] = [];
      for (let i = 0; i < BATCH; i++) hs.push(spawn(localSha(i)));
      let s = 0;
      for (const h of hs) s += yield* h;
      return s;
    })
    .then((v) => check(v, shaWant));
const shaMulti = () =>
  mt
    .blockOn(function* () {
      const hs: JoinHandle<number>[] = [];
      for (let i = 0; i < BATCH; i++) hs.push(spawn(sha1MiB, i));
      let s = 0;
      for (const h of hs) s += yield* h;
      return s;
    })
    .then((v) => check(v, shaWant));
const r3 = await pairs(`batch ${BATCH} x SHA-256 of 1 MiB`, shaSingle, shaMulti);
const r2 = await pairs('fork-join fib(32), a task per call above fib(20)', splitSingle, splitMulti);
const m = mt.metrics();
console.log(
  `  steals: ${m.workerStealCount(0)} + ${m.workerStealCount(1)}, polls: ${m.workerPollCount(0)} + ${m.workerPollCount(1)}`,
);
await mt.shutdown();
await single.shutdown();

console.log('\nspeed-up over the current-thread runtime, median of pairs (goal >= 1.8x):');
console.log(`  raw worker_threads (hardware ceiling, no runtime)  ${r0.toFixed(2)}x`);
console.log(`  batch fib  ${r1.toFixed(2)}x`);
console.log(`  batch sha  ${r3.toFixed(2)}x`);
console.log(`  fork-join  ${r2.toFixed(2)}x`);
console.log(
  `  load average during the run: ${(await import('node:os'))
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
await footer();
