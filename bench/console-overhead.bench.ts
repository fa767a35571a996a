/**
 * What the console costs when it is on: a plain loop of spawn+join of a
 * module-level generator, console off and on, in one process, interleaved
 * rounds (GC included), medians. Goal (issue 20): on ≤ 1.5× off. The cost
 * when off is the rt-core bench before and after the instrumentation points.
 */
import { Runtime, spawn } from 'tokio-ts';
import { startConsole } from 'tokio-ts/console';

const N = Number(process.env.BENCH_N ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

function* work(i: number) {
  return i;
}

function* loop() {
  let s = 0;
  for (let i = 0; i < N; i++) s += yield* spawn(work(i));
  return s;
}

/** ns per spawn+join: wall time and this process's CPU time (steadier on a shared machine). */
async function timed(rt: Runtime): Promise<{ wall: number; cpu: number }> {
  const c = process.cpuUsage();
  const t = performance.now();
  await rt.blockOn(loop);
  const wall = ((performance.now() - t) * 1e6) / N;
  const u = process.cpuUsage(c);
  return { wall, cpu: ((u.user + u.system) * 1e3) / N };
}

const off: { wall: number; cpu: number }[] = [];
const on: { wall: number; cpu: number }[] = [];
const rt = Runtime.builder().build();
await timed(rt); // warm-up
for (let r = 0; r < ROUNDS; r++) {
  off.push(await timed(rt));
  const c = startConsole(rt, { serve: false });
  on.push(await timed(rt));
  await c.close();
}
await rt.shutdown();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const k of ['wall', 'cpu'] as const) {
  const a = median(off.map((x) => x[k]));
  const b = median(on.map((x) => x[k]));
  // the ratio of each round (off and on run back to back), then its median
  const r = median(on.map((x, i) => x[k] / off[i]![k]));
  console.log(
    `spawn+join (${k}), console off: ${a.toFixed(0)} ns   on: ${b.toFixed(0)} ns   on/off: ${(b / a).toFixed(2)}x, median of the rounds' ratios ${r.toFixed(2)}x (goal <= 1.5x)`,
  );
}
console.log(
  `node ${process.version}, ${(await import('node:os')).cpus().length} cores, load ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`,
);
