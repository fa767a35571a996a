/**
 * A CPU-bound batch: 64 × fib(27) as independent tasks, and fib(32) split
 * recursively into tasks above fib(20), on the multi-thread runtime with 2
 * workers beside the same work on the current-thread runtime (issue 5 goal:
 * >= 1.8x on 2 cores).
 *   npm run bench -- rt-multi-cpu
 */
import { type Future, type JoinHandle, Runtime, spawn } from 'tokio-ts';
import type { MultiThreadRuntime } from 'tokio-ts/worker';
import { fibLeaf, fibSeq, fibSplitTask } from './fixtures/multi-tasks.js';
import { footer, measure } from './lib/timed.js';

const RUNS = Number(process.env.RUNS ?? 5);
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

console.log(`batch: ${BATCH} x fib(${LEAF})`);
const s1 = await measure(
  {
    name: 'current-thread runtime',
    ops: BATCH,
    run: async () =>
      check(
        await single.blockOn(function* () {
          const hs: JoinHandle<number>[] = [];
          for (let i = 0; i < BATCH; i++) hs.push(spawn(localFib(LEAF)));
          let s = 0;
          for (const h of hs) s += yield* h;
          return s;
        }),
        expectBatch,
      ),
  },
  RUNS,
);
const m1 = await measure(
  {
    name: 'multi-thread runtime, 2 workers',
    ops: BATCH,
    run: async () =>
      check(
        await mt.blockOn(function* () {
          const hs: JoinHandle<number>[] = [];
          for (let i = 0; i < BATCH; i++) hs.push(spawn(fibLeaf, LEAF));
          let s = 0;
          for (const h of hs) s += yield* h;
          return s;
        }),
        expectBatch,
      ),
  },
  RUNS,
);

console.log('fork-join: fib(32), a task per call above fib(20)');
const s2 = await measure(
  {
    name: 'current-thread runtime',
    ops: 1,
    run: async () => check(await single.blockOn(localSplit(32, 20)), fibSeq(32)),
  },
  RUNS,
);
const m2 = await measure(
  {
    name: 'multi-thread runtime, 2 workers (work stealing)',
    ops: 1,
    run: async () =>
      check(
        await mt.blockOn(function* () {
          return yield* spawn(fibSplitTask, 32, 20);
        }),
        fibSeq(32),
      ),
  },
  RUNS,
);
const m = mt.metrics();
console.log(
  `  steals: ${m.workerStealCount(0)} + ${m.workerStealCount(1)}, polls: ${m.workerPollCount(0)} + ${m.workerPollCount(1)}`,
);
await mt.shutdown();
await single.shutdown();

console.log('\nspeed-up over the current-thread runtime (goal >= 1.8x):');
console.log(`  batch      ${(m1 / s1).toFixed(2)}x`);
console.log(`  fork-join  ${(m2 / s2).toFixed(2)}x`);
await footer();
