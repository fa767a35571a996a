/**
 * Bench helpers: run the registered mitata benchmarks, then print each group's
 * medians per operation and the ratios the issues ask for.
 */
import { run } from 'mitata';

export interface Ratio {
  /** what the ratio means, e.g. "spawn+join vs async fn (goal <= 3x)" */
  label: string;
  ours: string;
  anchor: string;
}

/** Runs mitata; `perOp` maps a bench name to how many operations one iteration performs. */
export async function runAndReport(
  perOp: Record<string, number>,
  ratios: Ratio[],
): Promise<Map<string, number>> {
  const { benchmarks } = await run({ format: 'mitata' });
  const med = new Map<string, number>();
  for (const t of benchmarks) {
    const stats = t.runs[0]?.stats;
    if (stats === undefined) continue;
    med.set(t.alias, stats.p50 / (perOp[t.alias] ?? 1));
  }
  console.log('\nmedian per operation:');
  for (const [name, ns] of med) console.log(`  ${name.padEnd(56)} ${fmt(ns)}`);
  console.log('\nratios (median / median):');
  for (const r of ratios) {
    const a = med.get(r.ours);
    const b = med.get(r.anchor);
    if (a === undefined || b === undefined) continue;
    const x = a / b;
    const text = x >= 1 ? `${x.toFixed(2)}x the time` : `${(1 / x).toFixed(1)}x faster`;
    console.log(`  ${r.label.padEnd(56)} ${text}`);
  }
  console.log(`\nnode ${process.version}, ${(await import('node:os')).cpus().length} cores`);
  return med;
}

export function fmt(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(1)} ns`;
}

/** The median of `xs` (the upper middle one for an even count). */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
}
