/**
 * Where the fork-join time goes (issue 21 item 1): fib(FIB) with a task per
 * call above CUT on WORKERS workers, ROUNDS interleaved with the sequential
 * run, after WARM warm-up runs (default 0: from a fresh runtime). Prints the
 * CPU of each parallel run, the median over rounds 2–6 (where
 * rt-multi-forkjoin's five "warm" pairs fall: after its cold run and one
 * warm-up) beside rounds 10 on, and the CPU split between the main thread,
 * each worker and the process's other threads (V8's compiler and GC helpers;
 * Node >= 23.9). TIMED=1 times the leaves on the workers (are they as fast as
 * the sequential fib?). With --trace-opt, MARK=1 prints a marker per round.
 *   npm run build && node --expose-gc dist/bench/forkjoin-probe.js
 */
import { loadavg } from 'node:os';
import { Runtime, spawn } from 'tokio-ts';
import type { MultiThreadRuntime } from 'tokio-ts/worker';
import { fibSplitTimed, leafTime, threadCpu } from './fixtures/fj-probe.js';
import { fibSeq, fibSplitTask } from './fixtures/multi-tasks.js';
import { median } from './lib/report.js';

const N = Number(process.env.FIB ?? 35);
const CUT = Number(process.env.CUT ?? 20);
const ROUNDS = Number(process.env.ROUNDS ?? 15);
const WARM = Number(process.env.WARM ?? 0);
const W = Number(process.env.WORKERS ?? 2);
const TIMED = process.env.TIMED === '1';
const want = fibSeq(N);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const mainCpu = () => {
  const u = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.();
  return u === undefined ? Number.NaN : (u.user + u.system) / 1000;
};
const f = (x: number) => x.toFixed(2);
const med = (xs: number[]) => f(median(xs));

const rt = Runtime.builder().multiThread().workerThreads(W).build() as MultiThreadRuntime;
const par = () =>
  rt.blockOn(function* () {
    return yield* spawn(TIMED ? fibSplitTimed : fibSplitTask, N, CUT);
  });

/** Runs `task(20)` on the workers until each has answered once; by thread id. */
async function perWorker<T extends { thread: number }>(
  task: typeof threadCpu | typeof leafTime,
): Promise<Map<number, T>> {
  const got = new Map<number, T>();
  for (let k = 0; k < 50 && got.size < W; k++) {
    const rs = await rt.blockOn(function* () {
      const hs = [];
      for (let i = 0; i < W; i++) hs.push(spawn(task as typeof threadCpu, 20));
      const out = [];
      for (const h of hs) out.push(yield* h);
      return out;
    });
    for (const r of rs) if (!got.has(r.thread)) got.set(r.thread, r as unknown as T);
  }
  return got;
}

for (let i = 0; i < WARM; i++) {
  fibSeq(N);
  await par();
}
if (TIMED) await perWorker(leafTime);
const w0 = await perWorker<{ thread: number; cpu: number }>(threadCpu);
const main0 = mainCpu();
const proc0 = cpuMs();
interface Run {
  seqWall: number;
  seqCpu: number;
  wall: number;
  cpu: number;
}
const runs: Run[] = [];
for (let i = 0; i < ROUNDS; i++) {
  if (process.env.MARK === '1') console.log(`=== round ${i}`);
  let c = cpuMs();
  let t = performance.now();
  if (fibSeq(N) !== want) throw new Error('wrong result');
  const seqWall = performance.now() - t;
  const seqCpu = cpuMs() - c;
  c = cpuMs();
  t = performance.now();
  if ((await par()) !== want) throw new Error('wrong result');
  runs.push({ seqWall, seqCpu, wall: performance.now() - t, cpu: cpuMs() - c });
}
const main1 = mainCpu();
const proc1 = cpuMs();
const leaves = TIMED
  ? await perWorker<{ thread: number; leafMs: number; leaves: number }>(leafTime)
  : null;
const w1 = await perWorker<{ thread: number; cpu: number }>(threadCpu);

console.log(
  `load ${loadavg().map(f).join(' ')}; fib(${N}) cut ${CUT}, ${W} worker(s), ${WARM} warm-up runs, ${ROUNDS} rounds`,
);
console.log(
  `all rounds: sequential ${med(runs.map((r) => r.seqWall))} ms wall (CPU ${med(runs.map((r) => r.seqCpu))}), ` +
    `parallel ${med(runs.map((r) => r.wall))} ms (CPU ${med(runs.map((r) => r.cpu))}); ` +
    `speed-up ${med(runs.map((r) => r.seqWall / r.wall))}x, CPU ${med(runs.map((r) => r.cpu / r.seqCpu))}x the sequential`,
);
const win = runs.slice(2, 7);
const late = runs.slice(10);
if (win.length > 0)
  console.log(
    `rounds 2-6: parallel CPU ${med(win.map((r) => r.cpu))} ms, speed-up ${med(win.map((r) => r.seqWall / r.wall))}x` +
      (late.length > 0
        ? `; rounds 10+: CPU ${med(late.map((r) => r.cpu))} ms, speed-up ${med(late.map((r) => r.seqWall / r.wall))}x`
        : ''),
  );
console.log(`parallel CPU per round: ${runs.map((r) => r.cpu.toFixed(0)).join(' ')}`);
if (!Number.isNaN(main0)) {
  // after the rounds each worker spun 20 ms for threadCpu (and 20 for leafTime)
  const spun = TIMED ? 40 : 20;
  const ws = [...w1].map(([k, v]) => v.cpu - (w0.get(k)?.cpu ?? 0) - spun);
  const seqSum = runs.reduce((a, r) => a + r.seqCpu, 0);
  const mainPar = main1 - main0 - seqSum;
  const other = proc1 - proc0 - (main1 - main0) - ws.reduce((a, b) => a + b, 0);
  console.log(
    `CPU per parallel run: main thread ${f(mainPar / ROUNDS)} ms, workers ${ws.map((w) => f(w / ROUNDS)).join(' + ')} ms, ` +
      `other threads (V8 compiler, GC helpers) ${f(other / ROUNDS)} ms`,
  );
}
if (leaves !== null) {
  console.log(
    `leaves per worker: ${[...leaves.values()].map((l) => `${l.leaves} in ${f(l.leafMs)} ms (${f((l.leafMs / l.leaves) * 1000)} µs each)`).join(' / ')}; ` +
      `sequential fib(${CUT}) + fib(${CUT - 1}) here: ${f(timeLeafPair() * 1000)} µs a pair`,
  );
}
function timeLeafPair(): number {
  const t0 = performance.now();
  for (let i = 0; i < 20; i++) fibSeq(CUT) + fibSeq(CUT - 1);
  return (performance.now() - t0) / 20;
}
{
  const m = rt.metrics();
  const per = (g: (i: number) => number) =>
    Array.from({ length: W }, (_, i) => g.call(m, i)).join(' + ');
  console.log(
    `metrics since build(): tasks run ${per((rt.metrics() as unknown as { workerTaskCount(i: number): number }).workerTaskCount)}, ` +
      `steals ${per(m.workerStealCount)}, parks ${per(m.workerParkCount)}`,
  );
}
await rt.shutdown();
