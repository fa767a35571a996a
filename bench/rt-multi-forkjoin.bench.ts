/**
 * Fine-grained fork-join on the multi-thread runtime (issue 21 item 1):
 * fib(35) with a task per call above fib(20) (~50 µs leaves) on 2 workers
 * beside plain sequential fib(35) on the main thread — the first run after
 * `build()` (cold) and the median of 5 pairs after a warm-up run (warm) — and
 * the cost of one task that crosses threads: wall and CPU time (all threads)
 * per task for 100,000 `spawn(add1, i)` from the main thread, and the heap
 * each in-flight remote task holds on the spawning side (main thread and,
 * for a child spawned on a worker, that worker).
 * Goals: warm >= 1.7x, cold >= 1.2x, <= 1 µs and <= 500 B per remote task.
 *   npm run bench -- rt-multi-forkjoin
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type JoinHandle, Runtime, spawn } from 'tokio-ts';
import type { MultiThreadRuntime } from 'tokio-ts/worker';
import { add1, fibSeq, fibSplitTask, forkAlloc, forkMem } from './fixtures/multi-tasks.js';
import { median } from './lib/report.js';
import { footer } from './lib/timed.js';

// Allocation per remote task: in a child process whose young generation (64 MB)
// holds every allocation of the measured stretch, so the heap delta is what
// was allocated, not what survived.
const ALLOC_FLAGS = ['--expose-gc', '--min-semi-space-size=64', '--max-semi-space-size=64'];
if (process.env.FORKJOIN_ALLOC === '1') {
  const rt = Runtime.builder().multiThread().workerThreads(1).build() as MultiThreadRuntime;
  const n = 20_000;
  function* many() {
    const hs: JoinHandle<number>[] = new Array(n);
    for (let i = 0; i < n; i++) hs[i] = spawn(add1, i);
    for (let i = 0; i < n; i++) yield* hs[i]!;
  }
  const gcNow = (globalThis as { gc?: () => void }).gc!;
  const main: number[] = [];
  const worker: number[] = [];
  for (let round = 0; round < 6; round++) {
    gcNow();
    const h0 = process.memoryUsage().heapUsed;
    await rt.blockOn(many);
    const b = (process.memoryUsage().heapUsed - h0) / n;
    const w = await rt.blockOn(function* () {
      return yield* spawn(forkAlloc, n);
    });
    if (round >= 3) {
      main.push(b);
      worker.push(w);
    }
  }
  console.log(
    `bytes allocated per remote task: ${median(main).toFixed(0)} B on the main thread for spawn(add1, i) + join ` +
      `(runs ${main.map((x) => x.toFixed(0)).join(', ')}), ${median(worker).toFixed(0)} B on a worker per child ` +
      `spawned and joined there (runs ${worker.map((x) => x.toFixed(0)).join(', ')})`,
  );
  await rt.shutdown();
  process.exit(0);
}

const N = Number(process.env.FIB ?? 35);
const CUT = Number(process.env.CUT ?? 20);
const RUNS = Number(process.env.RUNS ?? 5);
const WARMUPS = Number(process.env.WARMUPS ?? 1);
const TASKS = 100_000;
const want = fibSeq(N);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
interface Run {
  wall: number;
  cpu: number;
}
async function timed(f: () => Promise<unknown> | unknown): Promise<Run> {
  const c0 = cpuMs();
  const t0 = performance.now();
  await f();
  return { wall: performance.now() - t0, cpu: cpuMs() - c0 };
}
const check = (v: number) => {
  if (v !== want) throw new Error(`wrong result ${v}`);
};
const seq = () => check(fibSeq(N));
let rt!: MultiThreadRuntime;
const par = () =>
  rt
    .blockOn(function* () {
      return yield* spawn(fibSplitTask, N, CUT);
    })
    .then(check);

// sequential first, so the cold figure compares against a JIT-warm baseline
await timed(seq);
const seqWarm = await timed(seq);

function tasksOf(n: number): number {
  return n <= CUT ? 1 : 1 + tasksOf(n - 1) + tasksOf(n - 2);
}
const TREE = tasksOf(N);

// cold: the first run right after build() (build() returns at once, as
// Tokio's; the run waits for the workers to start, and V8 compiles the task
// path and fib on each of them during it)
const build = await timed(() => {
  rt = Runtime.builder().multiThread().workerThreads(2).build() as MultiThreadRuntime;
});
const cold = await timed(par);
console.log(`load average: ${load()}`);
console.log(
  `fib(${N}), a task per call above fib(${CUT}) (${TREE} tasks); sequential ${seqWarm.wall.toFixed(1)} ms wall, ` +
    `${seqWarm.cpu.toFixed(1)} ms CPU`,
);
console.log(
  `  cold: build() ${build.wall.toFixed(1)} ms wall (${build.cpu.toFixed(1)} ms CPU, all threads), first run ` +
    `${cold.wall.toFixed(1)} ms wall (${cold.cpu.toFixed(1)} ms CPU) => ${(seqWarm.wall / cold.wall).toFixed(2)}x ` +
    `(goal >= 1.2x); build() + first run ${(seqWarm.wall / (build.wall + cold.wall)).toFixed(2)}x`,
);

// warm: one more warm-up run (WARMUPS, default 1: the figure), then
// RUNS interleaved pairs. The workers' JIT is still tiering the task path up
// during the first ~10 runs on Node 26 (bench/forkjoin-probe.ts): WARMUPS=20
// shows the converged figure.
for (let i = 0; i < WARMUPS; i++) await par();
const ratios: number[] = [];
const ps: Run[] = [];
const ss: Run[] = [];
for (let i = 0; i < RUNS; i++) {
  const s = await timed(seq);
  const p = await timed(par);
  ss.push(s);
  ps.push(p);
  ratios.push(s.wall / p.wall);
}
const m = rt.metrics() as ReturnType<MultiThreadRuntime['metrics']> & {
  workerTaskCount(i: number): number;
};
console.log(
  `  warm (${WARMUPS} warm-up run${WARMUPS === 1 ? '' : 's'}), ${RUNS} pairs: sequential ${median(ss.map((r) => r.wall)).toFixed(1)} ms ` +
    `(CPU ${median(ss.map((r) => r.cpu)).toFixed(1)}), 2 workers ${median(ps.map((r) => r.wall)).toFixed(1)} ms ` +
    `(CPU ${median(ps.map((r) => r.cpu)).toFixed(1)}), speed-up per pair ${ratios.map((r) => r.toFixed(2)).join(', ')} ` +
    `=> median ${median(ratios).toFixed(2)}x (goal >= 1.7x)`,
);
const extra = median(ps.map((r) => r.cpu)) - median(ss.map((r) => r.cpu));
console.log(
  `  CPU of the parallel run: ${(median(ps.map((r) => r.cpu)) / median(ss.map((r) => r.cpu))).toFixed(2)}x the sequential CPU ` +
    `(${((extra / TREE) * 1000).toFixed(2)} µs more per task); ` +
    `steals ${m.workerStealCount(0)} + ${m.workerStealCount(1)}, tasks run ${m.workerTaskCount(0)} + ${m.workerTaskCount(1)}`,
);
console.log(`load average: ${load()}`);

// per remote task: 100k trivial tasks from the main thread, 3 runs after a warm-up
function* submit(n: number) {
  const hs: JoinHandle<number>[] = new Array(n);
  for (let i = 0; i < n; i++) hs[i] = spawn(add1, i);
  let s = 0;
  for (let i = 0; i < n; i++) s += yield* hs[i]!;
  if (s !== (n * (n - 1)) / 2 + n) throw new Error(`wrong sum ${s}`);
}
await rt.blockOn(submit(TASKS));
const rs: Run[] = [];
for (let i = 0; i < 3; i++) rs.push(await timed(() => rt.blockOn(submit(TASKS))));
const perWall = (median(rs.map((r) => r.wall)) / TASKS) * 1000;
const perCpu = (median(rs.map((r) => r.cpu)) / TASKS) * 1000;

// heap per in-flight remote task on the spawning side (main thread)
const HEAP_N = 20_000;
const mainBytes = await rt.blockOn(function* () {
  gc();
  const h0 = process.memoryUsage().heapUsed;
  const hs: JoinHandle<number>[] = new Array(HEAP_N);
  for (let i = 0; i < HEAP_N; i++) hs[i] = spawn(add1, i);
  const h1 = process.memoryUsage().heapUsed;
  for (let i = 0; i < HEAP_N; i++) yield* hs[i]!;
  return (h1 - h0) / HEAP_N;
});
const onWorker = (n: number) =>
  rt.blockOn(function* () {
    return yield* spawn(forkMem, n);
  });
await onWorker(2000);
const workerBytes = await onWorker(HEAP_N);
console.log(
  `per remote task (${TASKS / 1000}k spawn(add1, i) from the main thread, median of 3): ${perWall.toFixed(2)} µs wall, ` +
    `${perCpu.toFixed(2)} µs CPU (all threads) (goal <= 1 µs)`,
);
console.log(
  `heap per in-flight remote task: ${mainBytes.toFixed(0)} B spawned from the main thread, ` +
    `${workerBytes.toFixed(0)} B spawned on a worker (goal <= 500 B)`,
);
console.log(`load average: ${load()}`);
await rt.shutdown();
spawnSync(process.execPath, [...ALLOC_FLAGS, fileURLToPath(import.meta.url)], {
  stdio: 'inherit',
  env: { ...process.env, FORKJOIN_ALLOC: '1' },
});
await footer();
