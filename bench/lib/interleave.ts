/**
 * The measurement a user's program sees: each variant is one long plain loop
 * (hundreds of thousands of operations, so garbage collection, the runtime's
 * hand-overs to the event loop and the JIT's steady state are all inside the
 * figure), every variant runs in the same process, and the variants are
 * interleaved: a round runs each once, in a rotated order, and ratios are
 * taken within a round, so a neighbour's burst on this shared VM lands on both
 * sides of a ratio. Reported: medians over the rounds (the first round, a
 * warm-up, is dropped), with the range, of the wall time and of the process's
 * CPU time (user + system, all threads: GC helpers included). On a loaded
 * machine the wall time includes the time the process waited for a core; the
 * CPU time does not, and is the steadier figure there.
 *
 * Why not mitata for these: its samples are short loops (1,000 spawns), it
 * collects garbage between samples when `gc` is exposed, so the young
 * generation the loop fills is rarely scavenged inside a sample, and its
 * many-iteration warm-up tunes each function alone. Those figures were
 * 20–40 % lower for tokio-ts and up to 2.5× higher for Effect than the same
 * loops run the way a program runs them (bench/RESULTS.md).
 */
import { cpus, loadavg } from 'node:os';
import { fmt, median } from './report.js';

export interface Variant {
  name: string;
  /** operations one run performs (the figure is per operation) */
  ops: number;
  run: () => unknown;
}

export interface Ratio {
  label: string;
  ours: string;
  anchor: string;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface Figures {
  /** median wall-time ns per operation, per variant */
  ns: Map<string, number>;
  /** median CPU-time ns per operation, per variant */
  cpuNs: Map<string, number>;
  /** per ratio label: the per-round ratios anchor/ours of the wall time (>1: ours is faster) */
  ratios: Map<string, Spread>;
}

/** Rounds from BENCH_ROUNDS (default 7, plus one warm-up). */
export function roundsFromEnv(fallback = 7): number {
  const n = Number(process.env.BENCH_ROUNDS ?? fallback);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** Runs the variants interleaved and prints the medians and ratios. */
export async function interleaved(
  title: string,
  variants: Variant[],
  ratios: Ratio[],
  rounds = roundsFromEnv(),
): Promise<Figures> {
  const wall = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const cpu = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const load0 = loadavg()[0]!;
  for (let r = 0; r <= rounds; r++) {
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(k + r) % variants.length]!;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await v.run();
      const ns = ((performance.now() - t0) * 1e6) / v.ops;
      const c = process.cpuUsage(c0);
      if (r === 0) continue; // warm-up
      wall.get(v.name)!.push(ns);
      cpu.get(v.name)!.push(((c.user + c.system) * 1e3) / v.ops);
    }
  }
  const load1 = loadavg()[0]!;
  const ns = new Map<string, number>();
  const cpuNs = new Map<string, number>();
  console.log(`\n${title} (${rounds} interleaved rounds after a warm-up)`);
  for (const v of variants) {
    const w = wall.get(v.name)!;
    const c = cpu.get(v.name)!;
    ns.set(v.name, median(w));
    cpuNs.set(v.name, median(c));
    console.log(
      `  ${v.name.padEnd(46)} wall ${fmt(median(w)).padStart(9)} (${range(w)})  cpu ${fmt(median(c)).padStart(9)} (${range(c)})`,
    );
  }
  const out = new Map<string, Spread>();
  for (const q of ratios) {
    const s = ratioOf(wall, q);
    const sc = ratioOf(cpu, q);
    if (s === null || sc === null) continue;
    out.set(q.label, s);
    console.log(
      `  ${q.label.padEnd(46)} wall ${text(s.median)} (${text(s.min)} – ${text(s.max)})  cpu ${text(sc.median)}`,
    );
  }
  console.log(
    `  node ${process.version}, ${cpus().length} cores, load average ${load0.toFixed(1)} → ${load1.toFixed(1)}, ${new Date().toISOString().slice(0, 16)}Z`,
  );
  return { ns, cpuNs, ratios: out };
}

/** The ratio anchor/ours within each round: > 1 when ours is faster. */
function ratioOf(per: Map<string, number[]>, q: Ratio): Spread | null {
  const a = per.get(q.ours);
  const b = per.get(q.anchor);
  if (a === undefined || b === undefined) return null;
  const xs = a.map((ours, i) => b[i]! / ours);
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

function range(xs: number[]): string {
  return `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`;
}

function text(x: number): string {
  return x >= 1 ? `${x.toFixed(1)}x faster` : `${(1 / x).toFixed(2)}x the time`;
}
