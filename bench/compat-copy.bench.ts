/**
 * A large copy (default 1 GiB) from a Node Readable to a Node Writable through
 * the compat adapters, against Node's own `stream.pipeline(src, dst)`.
 *
 * Source: `fs.createReadStream('/dev/zero')` limited to the size; sink:
 * `fs.createWriteStream('/dev/null')` (real reads and writes through libuv,
 * 64 KiB chunks, no disk). Both are the same for every variant, so the
 * difference is the bridge:
 *
 * - `pipeline`:  `stream.pipeline(src, dst)` (the anchor)
 * - `copy`:      `copy(fromNodeReadable(src), fromNodeWritable(dst))` in a task
 * - `to-writable`: `stream.pipeline(src, toNodeWritable(fromNodeWritable(dst)))`
 * - `round-trip`: `stream.pipeline(toNodeReadable(fromNodeReadable(src)),
 *                toNodeWritable(fromNodeWritable(dst)))` (all four adapters)
 *
 * Rounds are interleaved (every variant once per round, order rotated) and
 * medians compared; the goal is ≥ 0.8× pipeline's throughput.
 *
 *   node dist/bench/compat-copy.bench.js   (COMPAT_BENCH_MIB=1024, COMPAT_BENCH_ROUNDS=5)
 */
import { createReadStream, createWriteStream } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Runtime } from 'tokio-ts';
import {
  fromNodeReadable,
  fromNodeWritable,
  toNodeReadable,
  toNodeWritable,
} from 'tokio-ts/compat';
import { call } from 'tokio-ts/future';
import { copy } from 'tokio-ts/io';
import { median } from './lib/report.js';

const MIB = Number(process.env.COMPAT_BENCH_MIB ?? 1024);
const ROUNDS = Number(process.env.COMPAT_BENCH_ROUNDS ?? 5);
const TOTAL = MIB * 1024 * 1024;
const CHUNK = 64 * 1024;

function source(): Readable {
  return createReadStream('/dev/zero', { end: TOTAL - 1, highWaterMark: CHUNK });
}

function sink(): [Writable, () => number] {
  const w = createWriteStream('/dev/null', { highWaterMark: CHUNK });
  return [w, () => w.bytesWritten];
}

type Variant = 'pipeline' | 'copy' | 'to-writable' | 'round-trip';

const rt = Runtime.builder().currentThread().build();

/** CPU time (user + system, ms) of each run, per variant: steadier than wall time on a loaded VM. */
const cpu = new Map<Variant, number[]>();

async function once(v: Variant): Promise<number> {
  const src = source();
  const [dst, count] = sink();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  if (v === 'pipeline') await pipeline(src, dst);
  else
    await rt.blockOn(function* () {
      if (v === 'copy') {
        const w = fromNodeWritable(dst);
        yield* copy(fromNodeReadable(src), w);
        yield* w.shutdown();
      } else if (v === 'to-writable') {
        yield* call(() => pipeline(src, toNodeWritable(fromNodeWritable(dst))));
      } else {
        yield* call(() =>
          pipeline(toNodeReadable(fromNodeReadable(src)), toNodeWritable(fromNodeWritable(dst))),
        );
      }
    });
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  let xs = cpu.get(v);
  if (xs === undefined) cpu.set(v, (xs = []));
  xs.push((c.user + c.system) / 1000);
  if (count() !== TOTAL) throw new Error(`${v}: copied ${count()} of ${TOTAL} bytes`);
  return TOTAL / 1024 / 1024 / (ms / 1000);
}

async function mainBench(): Promise<void> {
  const variants: Variant[] = ['pipeline', 'copy', 'to-writable', 'round-trip'];
  const rates = new Map<Variant, number[]>(variants.map((v) => [v, []]));
  const heap0 = process.memoryUsage();
  let peakRss = 0;
  // warm-up
  for (const v of variants) await once(v);
  cpu.clear();
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < variants.length; i++) {
      const v = variants[(i + r) % variants.length]!;
      rates.get(v)!.push(await once(v));
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
  }
  console.log(`\n${MIB} MiB copy, ${ROUNDS} interleaved rounds (MiB/s, median; runs in brackets)`);
  const base = median(rates.get('pipeline')!);
  const baseCpu = median(cpu.get('pipeline')!);
  for (const v of variants) {
    const xs = rates.get(v)!;
    const m = median(xs);
    const c = median(cpu.get(v)!);
    console.log(
      `  ${v.padEnd(12)} ${m.toFixed(0).padStart(6)} MiB/s  ${(m / base).toFixed(2)}x pipeline  [${xs.map((x) => x.toFixed(0)).join(', ')}]` +
        `   cpu ${c.toFixed(0)} ms (${(baseCpu / c).toFixed(2)}x pipeline's throughput per CPU second)`,
    );
  }
  console.log(
    `  rss ${(heap0.rss / 2 ** 20).toFixed(0)} MiB before, peak ${(peakRss / 2 ** 20).toFixed(0)} MiB (bounded memory: a ${MIB} MiB copy)`,
  );
  console.log(`\nnode ${process.version}, ${(await import('node:os')).cpus().length} cores`);
  await rt.shutdown();
}

await mainBench();
