/**
 * A small harness for whole-run benchmarks (thread pools, channels between
 * threads): one run takes from milliseconds to seconds and needs threads set
 * up around it, which mitata's many-iteration sampling does not fit. Each
 * variant runs `runs` times after a warm-up; the median is reported.
 */
export interface Timed {
  name: string;
  /** operations per run, for ops/s */
  ops: number;
  setup?: () => Promise<void> | void;
  run: () => Promise<unknown> | unknown;
  teardown?: () => Promise<void> | void;
}

export async function measure(t: Timed, runs: number): Promise<number> {
  await t.setup?.();
  const rates: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await t.run();
    const ms = performance.now() - t0;
    rates.push((t.ops / ms) * 1000);
  }
  await t.teardown?.();
  rates.sort((a, b) => a - b);
  const med = rates[rates.length >> 1]!;
  console.log(
    `  ${t.name.padEnd(48)} ${fmt(med)} ops/s  (runs: ${rates.map((r) => fmt(r)).join(', ')})`,
  );
  return med;
}

export function fmt(n: number): string {
  return n >= 1e6
    ? `${(n / 1e6).toFixed(2)} M`
    : n >= 1e3
      ? `${(n / 1e3).toFixed(1)} k`
      : n.toFixed(1);
}

export async function footer(): Promise<void> {
  const os = await import('node:os');
  console.log(`\nnode ${process.version}, ${os.cpus().length} cores`);
}
