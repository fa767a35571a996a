/**
 * Core runtime: spawn+join, yieldNow, select, and memory per parked task,
 * tokio-ts beside raw promises, Effect fibers (3.x and the current 4.x) and
 * Effection 4. Plain long loops, interleaved in one process (lib/interleave.ts).
 *   npm run bench -- rt-core [--node 26]
 * `CORE_BENCH_N` sets the spawns per run (default 200,000), `BENCH_ROUNDS` the rounds (7).
 */
import { Effect, Fiber } from 'effect';
import { Effect as Effect4, Fiber as Fiber4 } from 'effect4';
import { run as effectionRun, spawn as effectionSpawn } from 'effection';
import { type Future, Runtime, select, spawn, yieldNow } from 'tokio-ts';
import { pending, ready, suspend } from 'tokio-ts/future';
import { interleaved } from './lib/interleave.js';

/** Spawn+join per run: the 200,000; the slow anchors do fewer (the figure is per task). */
const N = Number(process.env.CORE_BENCH_N ?? 200_000);
const N_EFFECT3 = N / 10;
const N_EFFECTION = N / 100;
const N_YIELD = 5 * N;
const rt = new Runtime();

function* trivial(i: number): Future<number> {
  return i;
}

function* spawnJoinLoop(): Future<number> {
  let s = 0;
  for (let i = 0; i < N; i++) s += yield* spawn(trivial(i));
  return s;
}

function* spawnArgsJoinLoop(): Future<number> {
  let s = 0;
  for (let i = 0; i < N; i++) s += yield* spawn(trivial, i);
  return s;
}

function* spawnInlineJoinLoop(): Future<number> {
  let s = 0;
  for (let i = 0; i < N; i++)
    s += yield* spawn(function* () {
      return i;
    });
  return s;
}

async function asyncLoop(): Promise<number> {
  let s = 0;
  for (let i = 0; i < N; i++) s += await (async () => i)();
  return s;
}

function* yieldLoop(): Future<void> {
  for (let i = 0; i < N_YIELD; i++) yield* yieldNow();
}

async function awaitNullLoop(): Promise<void> {
  for (let i = 0; i < N_YIELD; i++) await null;
}

function* selectLoop(): Future<void> {
  for (let i = 0; i < N; i++) yield* select({ never: pending(), now: ready(i) });
}

const effectSpawnJoin = Effect.gen(function* () {
  let s = 0;
  for (let i = 0; i < N_EFFECT3; i++) {
    const f = yield* Effect.fork(Effect.succeed(i));
    s += yield* Fiber.join(f);
  }
  return s;
});

const effect4SpawnJoin = Effect4.gen(function* () {
  let s = 0;
  for (let i = 0; i < N; i++) {
    const f = yield* Effect4.forkChild(Effect4.succeed(i));
    s += yield* Fiber4.join(f);
  }
  return s;
});

function effectionSpawnJoin(): Promise<number> {
  return effectionRun(function* () {
    let s = 0;
    for (let i = 0; i < N_EFFECTION; i++) {
      const t = yield* effectionSpawn(function* () {
        return i;
      });
      s += yield* t;
    }
    return s;
  });
}

const OURS = 'tokio-ts spawn(work(i)) + join';
const OURS_ARGS = 'tokio-ts spawn(work, i) + join';
const OURS_INLINE = 'tokio-ts spawn(function* () {…}) + join';
const ASYNC = 'async fn: await (async () => i)()';
const E3 = 'Effect 3 fork + Fiber.join';
const E4 = 'Effect 4 forkChild + Fiber.join';
const EFFECTION = 'Effection 4 spawn + join';

await interleaved(
  `spawn + join of a trivial module-level function* (${N} per run; Effect 3 ${N_EFFECT3}, Effection ${N_EFFECTION}), per task`,
  [
    { name: OURS, ops: N, run: () => rt.blockOn(spawnJoinLoop) },
    { name: OURS_ARGS, ops: N, run: () => rt.blockOn(spawnArgsJoinLoop) },
    { name: OURS_INLINE, ops: N, run: () => rt.blockOn(spawnInlineJoinLoop) },
    { name: ASYNC, ops: N, run: asyncLoop },
    { name: E4, ops: N, run: () => Effect4.runPromise(effect4SpawnJoin) },
    { name: E3, ops: N_EFFECT3, run: () => Effect.runPromise(effectSpawnJoin) },
    { name: EFFECTION, ops: N_EFFECTION, run: effectionSpawnJoin },
  ],
  [
    { label: 'spawn+join vs async fn (goal <= 2x the time)', ours: OURS, anchor: ASYNC },
    { label: 'spawn(work, i) vs async fn', ours: OURS_ARGS, anchor: ASYNC },
    { label: 'spawn+join vs Effect 4 (goal >= 20x faster)', ours: OURS, anchor: E4 },
    { label: 'spawn(work, i) vs Effect 4', ours: OURS_ARGS, anchor: E4 },
    { label: 'spawn+join vs Effect 3 (goal >= 20x faster)', ours: OURS, anchor: E3 },
    { label: 'spawn+join vs Effection (goal >= 100x faster)', ours: OURS, anchor: EFFECTION },
    {
      label: 'spawn(work, i) vs an inline function* per spawn',
      ours: OURS_ARGS,
      anchor: OURS_INLINE,
    },
  ],
);

await interleaved(
  `yield to the scheduler (${N_YIELD} per run), per yield`,
  [
    { name: 'tokio-ts yieldNow()', ops: N_YIELD, run: () => rt.blockOn(yieldLoop) },
    { name: 'await null', ops: N_YIELD, run: awaitNullLoop },
  ],
  [
    {
      label: 'yieldNow vs await null (goal <= 3x the time)',
      ours: 'tokio-ts yieldNow()',
      anchor: 'await null',
    },
  ],
);

await interleaved(
  `select of two futures, one ready (${N} per run), per select`,
  [{ name: 'tokio-ts select({ never, now })', ops: N, run: () => rt.blockOn(selectLoop) }],
  [],
);

/** Heap bytes per task parked in suspend(), at 100,000 tasks. */
async function parkedTaskBytes(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return Number.NaN;
  const tasks = 100_000;
  const r = new Runtime();
  gc();
  const before = process.memoryUsage().heapUsed;
  const handles = [];
  for (let i = 0; i < tasks; i++) handles.push(r.spawn(suspend<void>(() => {})));
  await r.blockOn(yieldNow());
  gc();
  const after = process.memoryUsage().heapUsed;
  handles.length = 0;
  await r.shutdown();
  return (after - before) / tasks;
}

async function asyncParkedBytes(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return Number.NaN;
  const tasks = 100_000;
  const resolvers: (() => void)[] = [];
  gc();
  const before = process.memoryUsage().heapUsed;
  const ps = [];
  for (let i = 0; i < tasks; i++) {
    ps.push(
      (async () => {
        await new Promise<void>((r) => resolvers.push(r));
      })(),
    );
  }
  gc();
  const after = process.memoryUsage().heapUsed;
  for (const r of resolvers) r();
  await Promise.all(ps);
  return (after - before) / tasks;
}

console.log(
  `\nheap per parked task (100,000 tasks in suspend): ${(await parkedTaskBytes()).toFixed(0)} B (goal <= 500 B)`,
);
console.log(
  `heap per parked async fn awaiting a promise:       ${(await asyncParkedBytes()).toFixed(0)} B`,
);
