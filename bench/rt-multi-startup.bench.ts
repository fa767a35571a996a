/**
 * Where a worker thread's start-up goes (issue 21, cold fork-join): a bare
 * `new Worker` until 'online' and until its first message; the runtime's
 * worker module graph (what `worker-main` imports); a user's task module
 * (`tokio-ts`, `tokio-ts/worker` and the fork-join fixture) after it; what
 * node:http would add (the console imported it at start-up before); with
 * Node's compile cache off and on (the runtime's workers turn it on). Each
 * figure is a fresh worker (a fresh isolate and module map), wall time from
 * `new Worker` and the worker thread's own CPU (`process.threadCpuUsage`,
 * Node >= 23.9; "-" before). Then `build()` until the first task's result.
 * When esbuild is installed (tsx brings it), the same library graph bundled
 * into a few chunks beside the 67 modules it is: what Node's per-module cost
 * of loading is.
 *   npm run bench -- rt-multi-startup
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Runtime } from 'tokio-ts';
import type { MultiThreadRuntime } from 'tokio-ts/worker';
import { add1 } from './fixtures/multi-tasks.js';
import { median } from './lib/report.js';
import { footer } from './lib/timed.js';

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const src = (p: string) => new URL(`../src/${p}`, import.meta.url).href;
/** what src/worker/worker-main.ts imports */
const RUNTIME_GRAPH = [
  'runtime/runtime.js',
  'sync/shared/index.js',
  'worker/context.js',
  'worker/executor.js',
  'worker/origin.js',
  'worker/shared.js',
  'worker/task-def.js',
  'worker/ts-loader.js',
].map(src);
const TASK_MODULE = [
  import.meta.resolve('tokio-ts'),
  import.meta.resolve('tokio-ts/worker'),
  new URL('./fixtures/multi-tasks.js', import.meta.url).href,
];
const LIBRARY = [import.meta.resolve('tokio-ts'), import.meta.resolve('tokio-ts/worker')];
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

interface Sample {
  /** ms from `new Worker` to the first line of the worker's script */
  start: number;
  /** thread CPU (ms) at that point, NaN when unavailable */
  startCpu: number;
  /** per step: [wall ms, thread CPU ms] */
  steps: [number, number][];
  /** ms from `new Worker` to the main thread receiving the worker's message */
  message: number;
  online: number;
}

/** A fresh worker imports each group of `steps` in turn and reports the times. */
function sample(steps: string[][], cacheDir: string | null): Promise<Sample> {
  const code = `
const { parentPort } = require('node:worker_threads');
const now = () => performance.timeOrigin + performance.now();
const cpu = () => { if (!process.threadCpuUsage) return NaN; const u = process.threadCpuUsage(); return (u.user + u.system) / 1000; };
const marks = [[now(), cpu()]];
${cacheDir === null ? '' : `require('node:module').enableCompileCache?.(${JSON.stringify(cacheDir)});`}
(async () => {
  for (const group of ${JSON.stringify(steps)}) {
    await Promise.all(group.map((u) => import(u)));
    marks.push([now(), cpu()]);
  }
  ${cacheDir === null ? '' : `require('node:module').flushCompileCache?.();`}
  parentPort.postMessage(marks);
})();`;
  return new Promise((resolve, reject) => {
    const t0 = performance.timeOrigin + performance.now();
    let online = Number.NaN;
    const w = new Worker(code, { eval: true });
    w.on('online', () => {
      online = performance.timeOrigin + performance.now() - t0;
    });
    w.on('error', reject);
    w.on('message', (m: [number, number][]) => {
      const message = performance.timeOrigin + performance.now() - t0;
      const steps: [number, number][] = [];
      for (let i = 1; i < m.length; i++)
        steps.push([m[i]![0] - m[i - 1]![0], m[i]![1] - m[i - 1]![1]]);
      resolve({ start: m[0]![0] - t0, startCpu: m[0]![1], steps, message, online });
      void w.terminate();
    });
  });
}

/**
 * The worker's graph and the two public entries bundled with code splitting
 * (shared chunks, so one copy of each module, as the real graph); null
 * without esbuild.
 */
async function bundle(dir: string): Promise<string[][] | null> {
  const name = 'esbuild';
  let esbuild: { build(o: object): Promise<unknown> };
  try {
    esbuild = (await import(name)) as typeof esbuild;
  } catch {
    return null;
  }
  const { writeFileSync } = await import('node:fs');
  const entry = join(dir, 'worker-graph.js');
  writeFileSync(
    entry,
    RUNTIME_GRAPH.map((u, i) => `export * as m${i} from ${JSON.stringify(fileURLToPath(u))};`).join(
      '\n',
    ),
  );
  const out = join(dir, 'bundle');
  const library = LIBRARY.map((u) => fileURLToPath(u));
  try {
    await esbuild.build({
      entryPoints: { 'worker-graph': entry, index: library[0], worker: library[1] },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      outdir: out,
      logLevel: 'silent',
    });
  } catch (e) {
    console.log(`(no bundled variant: ${(e as Error).message.split('\n')[0]})`);
    return null;
  }
  const url = (f: string) => pathToFileURL(join(out, f)).href;
  return [[url('worker-graph.js')], [url('index.js'), url('worker.js')]];
}

const f1 = (x: number) => (Number.isNaN(x) ? '-' : x.toFixed(1));
const med = (xs: number[]) => median(xs);

console.log(`load average: ${load()}`);
const cache = mkdtempSync(join(tmpdir(), 'tokio-ts-startup-'));
const variants: { name: string; steps: string[][]; cache: boolean; labels: string[] }[] = [
  { name: 'bare worker (empty script)', steps: [], cache: false, labels: [] },
  {
    name: 'runtime graph + task module, no cache',
    steps: [RUNTIME_GRAPH, TASK_MODULE],
    cache: false,
    labels: ['runtime graph', 'task module'],
  },
  {
    name: 'same with node:http first (as before)',
    steps: [['node:http'], RUNTIME_GRAPH, TASK_MODULE],
    cache: false,
    labels: ['node:http', 'runtime graph', 'task module'],
  },
  {
    name: 'runtime graph + task module, compile cache',
    steps: [RUNTIME_GRAPH, TASK_MODULE],
    cache: true,
    labels: ['runtime graph', 'task module'],
  },
];
const bundled = await bundle(cache);
if (bundled !== null) {
  variants.push(
    {
      name: 'the library as its modules (no task module)',
      steps: [RUNTIME_GRAPH, LIBRARY],
      cache: false,
      labels: ['runtime graph', 'tokio-ts + tokio-ts/worker'],
    },
    {
      name: 'the same bundled by esbuild into chunks',
      steps: bundled,
      cache: false,
      labels: ['runtime graph', 'tokio-ts + tokio-ts/worker'],
    },
  );
}
// fill the compile cache once
await sample([RUNTIME_GRAPH, TASK_MODULE], cache);
const results = variants.map(() => [] as Sample[]);
for (let r = 0; r < ROUNDS; r++) {
  for (let v = 0; v < variants.length; v++) {
    results[v]!.push(await sample(variants[v]!.steps, variants[v]!.cache ? cache : null));
  }
}
rmSync(cache, { recursive: true, force: true });
console.log(`worker start-up, medians of ${ROUNDS} fresh workers (wall ms / thread CPU ms):`);
for (let v = 0; v < variants.length; v++) {
  const s = results[v]!;
  const parts = [
    `online ${f1(med(s.map((x) => x.online)))}`,
    `script starts ${f1(med(s.map((x) => x.start)))} / ${f1(med(s.map((x) => x.startCpu)))}`,
  ];
  variants[v]!.labels.forEach((label, i) => {
    parts.push(
      `${label} ${f1(med(s.map((x) => x.steps[i]![0])))} / ${f1(med(s.map((x) => x.steps[i]![1])))}`,
    );
  });
  parts.push(`message on the main thread ${f1(med(s.map((x) => x.message)))}`);
  console.log(`  ${variants[v]!.name.padEnd(44)} ${parts.join(', ')}`);
}

// build() until the first result: what a program waits for on its first spawn
const firsts: number[] = [];
const cpus: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const u0 = process.cpuUsage();
  const t0 = performance.now();
  const rt = Runtime.builder().multiThread().workerThreads(2).build() as MultiThreadRuntime;
  await rt.spawn(add1, 1);
  firsts.push(performance.now() - t0);
  const u = process.cpuUsage(u0);
  cpus.push((u.user + u.system) / 1000);
  await rt.shutdown();
}
console.log(
  `build() of 2 workers until the first task's result: ${f1(med(firsts))} ms wall, ` +
    `${f1(med(cpus))} ms CPU (all threads, up to that result) (runs ${firsts.map(f1).join(', ')})`,
);
console.log(`load average: ${load()}`);
await footer();
