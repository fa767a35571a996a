/**
 * Time: many sleeping tasks vs Node timers (one-shot runs, each in its own
 * process), create-then-cancel of a timeout vs setTimeout+clearTimeout and
 * timers/promises+AbortController, and Instant.now() vs performance.now().
 *   npm run bench -- time        (node scripts/bench.mjs time)
 *   TOKIO_TS_BENCH_TASKS=1000000 node --expose-gc dist/bench/time-timers.bench.js
 * Default 100,000 sleepers.
 */
import { spawnSync } from 'node:child_process';
import { setTimeout as sleepP } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { bench, group } from 'mitata';
import { type Future, Runtime, spawn, yieldNow } from 'tokio-ts';
import { ready } from 'tokio-ts/future';
import { Instant, sleep, timeout } from 'tokio-ts/time';
import { fmt, runAndReport } from './lib/report.js';

const N = Number(process.env.TOKIO_TS_BENCH_TASKS ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc;

interface OneShot {
  /** wall ms from the first timer created to the last one fired */
  wallMs: number;
  /** CPU ms (user + system) over the same span */
  cpuMs: number;
  /** heap bytes per pending timer, measured when all were pending */
  bytesPer: number;
}

/** A deterministic list of N delays in 1..1000 ms. */
function delays(n: number): Int32Array {
  const out = new Int32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = 1 + (s % 1000);
  }
  return out;
}

function heap(): number {
  gc?.();
  return process.memoryUsage().heapUsed;
}

/** Runs one variant in this process; prints its OneShot as JSON. */
async function oneShot(variant: string): Promise<void> {
  const ds = delays(N);
  const base = heap();
  let pendingBytes = 0;
  let gcMs = 0;
  const probe = () => {
    const g0 = performance.now();
    pendingBytes = heap() - base;
    gcMs += performance.now() - g0;
  };
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  if (variant === 'ours' || variant === 'ours-fn') {
    const rt = new Runtime();
    const direct = variant === 'ours';
    await rt.blockOn(function* () {
      const hs = new Array(N);
      for (let i = 0; i < N; i++) {
        const d = ds[i]!;
        // a task whose future is the Sleep itself, or a generator function awaiting it
        hs[i] = direct
          ? spawn(sleep(d))
          : spawn(function* () {
              yield* sleep(d);
            });
      }
      yield* yieldNow(); // every task has run to its sleep
      probe();
      for (let i = 0; i < N; i++) yield* hs[i];
    });
  } else if (variant === 'promises' || variant === 'promises-abort') {
    // 'promises-abort' is the cancellable sleep a user writes without us (and
    // the anchor figures: 26.5 s, 3.4 GB at 1M): an AbortController per
    // task, its signal passed to the timer. 'promises' cannot be cancelled.
    const ps = new Array(N);
    const acs = variant === 'promises-abort' ? new Array<AbortController>(N) : null;
    if (acs === null) {
      for (let i = 0; i < N; i++) ps[i] = (async () => sleepP(ds[i]!))();
    } else {
      for (let i = 0; i < N; i++) {
        const ac = new AbortController();
        acs[i] = ac;
        ps[i] = (async () => sleepP(ds[i]!, undefined, { signal: ac.signal }))();
      }
    }
    probe();
    await Promise.all(ps);
  } else {
    // the handles are kept, as ours keeps its JoinHandles: either is what
    // cancels the timer (the issue's ~216 B per timer was measured this way)
    const hs = new Array(N);
    await new Promise<void>((res) => {
      let left = N;
      const cb = () => {
        if (--left === 0) res();
      };
      for (let i = 0; i < N; i++) hs[i] = setTimeout(cb, ds[i]!);
      probe();
    });
  }
  const wallMs = performance.now() - t0 - gcMs;
  const c = process.cpuUsage(c0);
  const out: OneShot = {
    wallMs,
    cpuMs: (c.user + c.system) / 1000 - gcMs,
    bytesPer: pendingBytes / N,
  };
  console.log(JSON.stringify(out));
}

const variantArg = process.argv.indexOf('--variant');
if (variantArg >= 0) {
  await oneShot(process.argv[variantArg + 1]!);
  process.exit(0);
}

// ---- one-shot runs, each in a fresh process (memory is not shared) ----
const self = fileURLToPath(import.meta.url);
function runVariant(v: string): OneShot {
  const r = spawnSync(process.execPath, ['--expose-gc', self, '--variant', v], {
    encoding: 'utf8',
    env: process.env,
  });
  if (r.status !== 0) throw new Error(`variant ${v} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as OneShot;
}
const labels: Record<string, string> = {
  ours: `tokio-ts: ${N} tasks spawn(sleep(1..1000 ms))`,
  'ours-fn': `tokio-ts: ${N} tasks spawn(function* { yield* sleep() })`,
  promises: `${N} async fns awaiting timers/promises setTimeout`,
  'promises-abort': `${N} async fns, timers/promises setTimeout + AbortController`,
  bare: `${N} bare setTimeout callbacks (handles kept)`,
};
const res: Record<string, OneShot> = {};
console.log(`sleepers (N = ${N}; wall and CPU from first timer to last fired; heap per timer):`);
for (const v of ['ours', 'ours-fn', 'promises-abort', 'promises', 'bare']) {
  const r = runVariant(v);
  res[v] = r;
  console.log(
    `  ${labels[v]!.padEnd(58)} wall ${r.wallMs.toFixed(0)} ms, CPU ${r.cpuMs.toFixed(0)} ms, ` +
      `${r.bytesPer.toFixed(0)} B/timer`,
  );
}
for (const ours of ['ours', 'ours-fn']) {
  const o = res[ours]!;
  for (const [v, goal] of [
    ['promises-abort', '<= 0.2x'],
    ['promises', 'not cancellable'],
    ['bare', '<= 1.5x'],
  ] as const) {
    const a = res[v]!;
    console.log(
      `  ${ours} / ${v} (goal ${goal}): wall ${(o.wallMs / a.wallMs).toFixed(2)}x, ` +
        `CPU ${(o.cpuMs / a.cpuMs).toFixed(2)}x, memory ${(o.bytesPer / a.bytesPer).toFixed(2)}x`,
    );
  }
}

// ---- mitata: timeout create-then-cancel, Instant.now ----
const K = 1000;
const rt = new Runtime();

function* timeoutReady(): Future<void> {
  for (let i = 0; i < K; i++) yield* timeout(1000, ready(i));
}
function* timeoutYield(): Future<void> {
  for (let i = 0; i < K; i++) yield* timeout(1000, yieldNow());
}
function* yieldAlone(): Future<void> {
  for (let i = 0; i < K; i++) yield* yieldNow();
}
const noop = () => {};
function* nodeTimerYield(): Future<void> {
  for (let i = 0; i < K; i++) {
    const t = setTimeout(noop, 1000);
    yield* yieldNow();
    clearTimeout(t);
  }
}

const B = {
  ready: 'tokio-ts timeout(1000, ready) (no suspension)',
  yield: 'tokio-ts timeout(1000, yieldNow()) (one suspension)',
  yieldAlone: 'tokio-ts yieldNow() alone (the inner work)',
  nodeYield: 'setTimeout + yieldNow() + clearTimeout (in a task)',
  node: 'setTimeout + clearTimeout',
  abort: 'timers/promises setTimeout + AbortController abort',
  instant: 'Instant.now()',
  perf: 'performance.now()',
};

group('create then cancel a timeout whose future finishes first (per timeout)', () => {
  bench(B.ready, () => rt.blockOn(timeoutReady));
  bench(B.yield, () => rt.blockOn(timeoutYield));
  bench(B.yieldAlone, () => rt.blockOn(yieldAlone));
  bench(B.nodeYield, () => rt.blockOn(nodeTimerYield));
  bench(B.node, () => {
    for (let i = 0; i < K; i++) clearTimeout(setTimeout(noop, 1000));
  });
  bench(B.abort, async () => {
    for (let i = 0; i < K; i++) {
      const ac = new AbortController();
      const p = sleepP(1000, undefined, { signal: ac.signal }).catch(noop);
      ac.abort();
      await p;
    }
  });
});

group('read the clock (per call)', () => {
  bench(B.instant, () => {
    let s = 0;
    for (let i = 0; i < K; i++) s += Instant.now().ms;
    return s;
  });
  bench(B.perf, () => {
    let s = 0;
    for (let i = 0; i < K; i++) s += performance.now();
    return s;
  });
});

const perOp: Record<string, number> = {};
for (const name of Object.values(B)) perOp[name] = K;
const med = await runAndReport(perOp, [
  {
    label: 'timeout(ready) vs setTimeout+clearTimeout (goal >= 3x faster)',
    ours: B.ready,
    anchor: B.node,
  },
  {
    label: 'timeout(ready) vs timers/promises+abort (goal >= 10x faster)',
    ours: B.ready,
    anchor: B.abort,
  },
  {
    label: 'timeout(yieldNow) vs setTimeout+yieldNow+clearTimeout',
    ours: B.yield,
    anchor: B.nodeYield,
  },
  { label: 'timeout(yieldNow) vs timers/promises+abort', ours: B.yield, anchor: B.abort },
  { label: 'Instant.now() vs performance.now()', ours: B.instant, anchor: B.perf },
]);
const over = (med.get(B.yield) ?? 0) - (med.get(B.yieldAlone) ?? 0);
const nodeOver = (med.get(B.nodeYield) ?? 0) - (med.get(B.yieldAlone) ?? 0);
console.log(
  `\ntimer overhead around a one-suspension future: timeout ${fmt(over)}, ` +
    `setTimeout+clearTimeout ${fmt(nodeOver)} (${(nodeOver / over).toFixed(1)}x)`,
);
