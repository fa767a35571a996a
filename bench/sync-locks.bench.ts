/**
 * Locks against their anchors (issue 6): contended and uncontended Mutex vs
 * async-mutex; a Semaphore limiting 10,000 tasks to 16 vs p-limit and
 * async-sema. Run: `npx tsc -p tsconfig.json && node dist/bench/sync-locks.bench.js`.
 *
 * Sizes shrink with env vars for quick runs:
 *   LOCKS_BENCH_TASKS (100), LOCKS_BENCH_ITERS (10000), LOCKS_BENCH_LIMIT_TASKS (10000).
 */
import { Mutex as AsyncMutex } from 'async-mutex';
import { Sema } from 'async-sema';
import { bench, do_not_optimize, group, run, summary } from 'mitata';
import pLimit from 'p-limit';
import { type JoinHandle, Runtime, spawn, yieldNow } from 'tokio-ts';
import { Mutex, Semaphore } from 'tokio-ts/sync';

const TASKS = Number(process.env.LOCKS_BENCH_TASKS ?? 100);
const ITERS = Number(process.env.LOCKS_BENCH_ITERS ?? 10_000);
const LIMIT_TASKS = Number(process.env.LOCKS_BENCH_LIMIT_TASKS ?? 10_000);
const UNCONTENDED = 100_000;

const rt = Runtime.builder().build();

// --- uncontended lock + release (per batch of UNCONTENDED ops) -------------
const m0 = new Mutex(0);
const am0 = new AsyncMutex();

function* uncontended(): Generator<any, void, unknown> {
  const m = m0;
  for (let i = 0; i < UNCONTENDED; i++) {
    const g = yield* m.lock();
    g.release();
  }
}

summary(() => {
  group(`uncontended lock+release x${UNCONTENDED}`, () => {
    bench('tokio-ts Mutex', () => rt.blockOn(uncontended)).baseline(true);
    bench('tokio-ts Mutex tryLock', () => {
      for (let i = 0; i < UNCONTENDED; i++) m0.tryLock()!.release();
    });
    bench('async-mutex', async () => {
      for (let i = 0; i < UNCONTENDED; i++) {
        const release = await am0.acquire();
        release();
      }
    });
  });
});

// --- contended: TASKS tasks x ITERS lock/unlock with a yield inside ---------
function* contendedWorker(m: Mutex<number>): Generator<any, void, unknown> {
  for (let i = 0; i < ITERS; i++) {
    const g = yield* m.lock();
    yield* yieldNow();
    g.value++;
    g.release();
  }
}

function* contended(): Generator<any, void, unknown> {
  const m = new Mutex(0);
  const hs: JoinHandle<void>[] = [];
  for (let t = 0; t < TASKS; t++) hs.push(spawn(contendedWorker(m)));
  for (const h of hs) yield* h;
  do_not_optimize(m.tryLock()!.value);
}

async function contendedAsyncMutex(): Promise<void> {
  const m = new AsyncMutex();
  let v = 0;
  const worker = async () => {
    for (let i = 0; i < ITERS; i++) {
      const release = await m.acquire();
      await null; // the yield inside
      v++;
      release();
    }
  };
  const ps: Promise<void>[] = [];
  for (let t = 0; t < TASKS; t++) ps.push(worker());
  await Promise.all(ps);
  do_not_optimize(v);
}

summary(() => {
  group(`contended mutex ${TASKS} tasks x ${ITERS}`, () => {
    bench('tokio-ts Mutex', () => rt.blockOn(contended)).baseline(true);
    bench('async-mutex', contendedAsyncMutex);
  });
});

// --- Semaphore limiting LIMIT_TASKS tasks to 16 at once --------------------
function* limited(sem: Semaphore, out: { n: number }): Generator<any, void, unknown> {
  const p = yield* sem.acquire();
  yield* yieldNow(); // the work
  out.n++;
  p.release();
}

function* semaphoreLimit(): Generator<any, void, unknown> {
  const sem = new Semaphore(16);
  const out = { n: 0 };
  const hs: JoinHandle<void>[] = new Array(LIMIT_TASKS);
  for (let i = 0; i < LIMIT_TASKS; i++) hs[i] = spawn(limited(sem, out));
  for (const h of hs) yield* h;
  do_not_optimize(out.n);
}

async function pLimitRun(): Promise<void> {
  const limit = pLimit(16);
  let n = 0;
  const ps: Promise<void>[] = new Array(LIMIT_TASKS);
  for (let i = 0; i < LIMIT_TASKS; i++)
    ps[i] = limit(async () => {
      await null;
      n++;
    });
  await Promise.all(ps);
  do_not_optimize(n);
}

async function asyncSemaRun(): Promise<void> {
  const s = new Sema(16);
  let n = 0;
  const ps: Promise<void>[] = new Array(LIMIT_TASKS);
  for (let i = 0; i < LIMIT_TASKS; i++)
    ps[i] = (async () => {
      await s.acquire();
      try {
        await null;
        n++;
      } finally {
        s.release();
      }
    })();
  await Promise.all(ps);
  do_not_optimize(n);
}

summary(() => {
  group(`semaphore: ${LIMIT_TASKS} tasks, 16 at once`, () => {
    bench('tokio-ts Semaphore', () => rt.blockOn(semaphoreLimit)).baseline(true);
    bench('p-limit', pLimitRun);
    bench('async-sema', asyncSemaRun);
  });
});

const res = await run();
console.log('\nmedians (p50) and ratios:');
for (const trial of res.benchmarks) {
  const st = trial.runs[0]?.stats;
  if (st !== undefined) console.log(`  ${trial.alias}: p50 ${(st.p50 / 1e6).toFixed(3)} ms`);
}
const p50 = (name: string, group: string) =>
  res.benchmarks.find((t) => t.alias === name && t.runs[0]!.name === name && groupOf(t) === group)
    ?.runs[0]?.stats?.p50;
function groupOf(_t: unknown): string {
  return '';
}
void p50;
await rt.shutdown();
