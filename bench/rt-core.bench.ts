/**
 * Core runtime: spawn+join, yieldNow, select, and memory per parked task,
 * tokio-ts beside raw promises, Effect fibers (3.x and the current 4.x) and
 * Effection 4.
 *   npm run bench -- rt-core
 */
import { Effect, Fiber } from 'effect';
import { Effect as Effect4, Fiber as Fiber4 } from 'effect4';
import { run as effectionRun, spawn as effectionSpawn } from 'effection';
import { bench, group } from 'mitata';
import { type Future, Runtime, select, spawn, yieldNow } from 'tokio-ts';
import { pending, ready, suspend } from 'tokio-ts/future';
import { runAndReport } from './lib/report.js';

const N = 1000;
const rt = new Runtime();

function* trivial(i: number): Future<number> {
  return i;
}

function* spawnJoinLoop(): Future<number> {
  let s = 0;
  for (let i = 0; i < N; i++) s += yield* spawn(trivial(i));
  return s;
}

function* yieldLoop(): Future<void> {
  for (let i = 0; i < N; i++) yield* yieldNow();
}

function* selectLoop(): Future<void> {
  for (let i = 0; i < N; i++) yield* select({ never: pending(), now: ready(i) });
}

const effectSpawnJoin = Effect.gen(function* () {
  let s = 0;
  for (let i = 0; i < N; i++) {
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

group('spawn + join of a trivial task (per task)', () => {
  bench('tokio-ts spawn+join', () => rt.blockOn(spawnJoinLoop));
  bench('async fn: await (async () => i)()', async () => {
    let s = 0;
    for (let i = 0; i < N; i++) s += await (async () => i)();
    return s;
  });
  bench('Effect 3 fork + Fiber.join', () => Effect.runPromise(effectSpawnJoin));
  bench('Effect 4 forkChild + Fiber.join', () => Effect4.runPromise(effect4SpawnJoin));
  bench('Effection 4 spawn + join', () =>
    effectionRun(function* () {
      let s = 0;
      for (let i = 0; i < N; i++) {
        const t = yield* effectionSpawn(function* () {
          return i;
        });
        s += yield* t;
      }
      return s;
    }),
  );
});

group('yield to the scheduler (per yield)', () => {
  bench('tokio-ts yieldNow()', () => rt.blockOn(yieldLoop));
  bench('await null', async () => {
    for (let i = 0; i < N; i++) await null;
  });
});

group('select of two futures, one ready (per select)', () => {
  bench('tokio-ts select({ never, now })', () => rt.blockOn(selectLoop));
});

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

await runAndReport(
  {
    'tokio-ts spawn+join': N,
    'async fn: await (async () => i)()': N,
    'Effect 3 fork + Fiber.join': N,
    'Effect 4 forkChild + Fiber.join': N,
    'Effection 4 spawn + join': N,
    'tokio-ts yieldNow()': N,
    'await null': N,
    'tokio-ts select({ never, now })': N,
  },
  [
    {
      label: 'spawn+join vs async fn (goal <= 3x)',
      ours: 'tokio-ts spawn+join',
      anchor: 'async fn: await (async () => i)()',
    },
    {
      label: 'spawn+join vs Effect 3 (goal >= 20x faster)',
      ours: 'tokio-ts spawn+join',
      anchor: 'Effect 3 fork + Fiber.join',
    },
    {
      label: 'spawn+join vs Effect 4 (goal >= 20x faster)',
      ours: 'tokio-ts spawn+join',
      anchor: 'Effect 4 forkChild + Fiber.join',
    },
    {
      label: 'spawn+join vs Effection (goal >= 100x faster)',
      ours: 'tokio-ts spawn+join',
      anchor: 'Effection 4 spawn + join',
    },
    {
      label: 'yieldNow vs await null (goal <= 3x)',
      ours: 'tokio-ts yieldNow()',
      anchor: 'await null',
    },
  ],
);
console.log(
  `\nheap per parked task (100,000 tasks in suspend): ${(await parkedTaskBytes()).toFixed(0)} B (goal <= 500 B)`,
);
console.log(
  `heap per parked async fn awaiting a promise:       ${(await asyncParkedBytes()).toFixed(0)} B`,
);
