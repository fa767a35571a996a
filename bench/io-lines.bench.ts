/**
 * Counting the lines of a file (issue 21 item 3): `BufReader.lines()` and
 * `FramedRead` + `LinesCodec` over a `File`, beside Node's `readline` over a
 * read stream and a read stream split by hand, in one process, in
 * interleaved rounds; medians and ratios to `readline`.
 *
 *   npm run build && node dist/bench/io-lines.bench.js
 *   BENCH_LINES_MB=50 BENCH_LINES_ROUNDS=5 node dist/bench/io-lines.bench.js
 *
 * The file (lines of 20–90 ASCII bytes, a few with `\r\n`) is written under
 * os.tmpdir() and removed at the end.
 */
import { createReadStream, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type Future, Runtime } from 'tokio-ts';
import { FramedRead, LinesCodec } from 'tokio-ts/codec';
import { File } from 'tokio-ts/fs';
import { BufReader } from 'tokio-ts/io';

const MB = Number(process.env.BENCH_LINES_MB ?? 200);
const ROUNDS = Number(process.env.BENCH_LINES_ROUNDS ?? 5);
const path = join(tmpdir(), `tokio-ts-io-lines-${process.pid}.txt`);

function makeFile(): number {
  const target = MB * 1024 * 1024;
  const parts: string[] = [];
  let size = 0;
  let lines = 0;
  let seed = 12345;
  const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];
  while (size < target) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const n = 2 + (seed % 12);
    let line = `${lines}:`;
    for (let w = 0; w < n; w++) line += ` ${words[(seed >>> (w + 3)) & 7]}`;
    line += lines % 97 === 0 ? '\r\n' : '\n';
    parts.push(line);
    size += line.length;
    lines++;
  }
  writeFileSync(path, parts.join(''));
  return lines;
}

const rt = new Runtime();

function* bufReaderLines(): Future<number> {
  const f = yield* File.open(path);
  try {
    const lines = new BufReader(f).lines();
    let n = 0;
    while ((yield* lines.nextLine()) !== undefined) n++;
    return n;
  } finally {
    f.close();
  }
}

function* framedLines(): Future<number> {
  const f = yield* File.open(path);
  try {
    const lines = new FramedRead(f, new LinesCodec());
    let n = 0;
    while ((yield* lines.next()) !== undefined) n++;
    return n;
  } finally {
    f.close();
  }
}

async function readline(): Promise<number> {
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let n = 0;
  for await (const _ of rl) n++;
  return n;
}

async function streamSplit(): Promise<number> {
  let n = 0;
  let rest = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8' })) {
    const parts = (rest + (chunk as string)).split('\n');
    rest = parts.pop()!;
    n += parts.length;
  }
  return rest === '' ? n : n + 1;
}

const variants: [string, () => Promise<number>][] = [
  ['tokio-ts BufReader.lines()', () => rt.blockOn(bufReaderLines)],
  ['tokio-ts FramedRead + LinesCodec', () => rt.blockOn(framedLines)],
  ['node readline', readline],
  ['node read stream + split', streamSplit],
];

const expected = makeFile();
console.log(`${MB} MB, ${expected.toLocaleString('en')} lines, ${ROUNDS} rounds (+1 warm-up)`);
const times = new Map<string, number[]>(variants.map(([name]) => [name, []]));
const cpu = new Map<string, number[]>(variants.map(([name]) => [name, []]));
try {
  for (let round = 0; round <= ROUNDS; round++) {
    // Rotate the order each round so no variant always runs after another.
    for (let k = 0; k < variants.length; k++) {
      const [name, run] = variants[(k + round) % variants.length]!;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const n = await run();
      const ms = performance.now() - t0;
      const c = process.cpuUsage(c0);
      if (n !== expected) throw new Error(`${name}: ${n} lines, expected ${expected}`);
      if (round > 0) {
        times.get(name)!.push(ms);
        cpu.get(name)!.push((c.user + c.system) / 1000);
      }
    }
  }
} finally {
  rmSync(path, { force: true });
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const anchor = median(times.get('node readline')!);
const cpuAnchor = median(cpu.get('node readline')!);
console.log('  wall time (median) and CPU time of this process (median; threads included)');
for (const [name, xs] of times) {
  const m = median(xs);
  const c = median(cpu.get(name)!);
  console.log(
    `  ${name.padEnd(34)} ${(m / 1000).toFixed(3)} s ${(m / anchor).toFixed(2)}×  cpu ${(c / 1000).toFixed(3)} s ${(c / cpuAnchor).toFixed(2)}×  (runs: ${xs.map((x) => (x / 1000).toFixed(2)).join(', ')})`,
  );
}
