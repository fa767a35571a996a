/**
 * mini-redis under redis-benchmark (from redis-tools): our server beside
 * Debian's redis-server and a plain-Promise node:net implementation of the
 * same commands, in one run. Loopback; each server in its own process.
 *   npm run build && node dist/bench/mini-redis.bench.js     (MINI_REDIS_BENCH_N=200000)
 * Also our server with the console on and recording (TOKIO_TS_CONSOLE,
 * TOKIO_TS_CONSOLE_RECORD with a 1 MiB cap, so the recorder's ring turns
 * over during the run): its throughput beside the console off (issue 20:
 * ≥ 0.85×), and the recording's size against its cap after the run.
 * MINI_REDIS_BENCH_MODES=1 runs the first mode only (without pipelining).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuMs } from './lib/proc-cpu.js';

const N = Number(process.env.MINI_REDIS_BENCH_N ?? 200_000);
const ours = fileURLToPath(new URL('../examples/mini-redis/server.js', import.meta.url));
const anchor = fileURLToPath(new URL('./fixtures/mini-redis-node.js', import.meta.url));

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function startNode(
  file: string,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [file, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, ...env },
  });
  child.stdout!.setEncoding('utf8');
  let out = '';
  while (!/listening on .*:(\d+)/.test(out)) out += (await once(child.stdout!, 'data'))[0];
  return { child, port: Number(/listening on .*:(\d+)/.exec(out)![1]) };
}

async function startRedis(): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100; i++) {
    if (
      spawnSync('redis-cli', ['-p', String(port), 'ping'])
        .stdout?.toString()
        .trim() === 'PONG'
    )
      break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, port };
}

/** One redis-benchmark test against `port`: requests/s and the server's CPU µs per request. */
function benchmark(
  pid: number,
  port: number,
  test: string,
  mode: Mode,
  n: number,
): { rps: number; cpuUs: number } {
  const c0 = cpuMs(pid);
  const r = spawnSync(
    'redis-benchmark',
    [
      '-p',
      String(port),
      '-t',
      test,
      '-n',
      String(n),
      '-c',
      '50',
      '-P',
      String(mode.pipeline),
      '-d',
      String(mode.dataSize),
      '-q',
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const c1 = cpuMs(pid);
  const m = /([\d.]+) requests per second/.exec(
    r.stdout.replaceAll('\r', '\n').trim().split('\n').pop()!,
  );
  return { rps: m === null ? Number.NaN : Number(m[1]), cpuUs: ((c1 - c0) * 1000) / n };
}

function median(xs: number[]): number {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((x, y) => x - y);
  if (s.length === 0) return Number.NaN;
  return s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

if (!have('redis-benchmark')) {
  console.log('redis-benchmark not found: install redis-tools (.ci/install-system-deps)');
  process.exit(0);
}
/** The console's recording: where, and its size cap (small, so the ring turns over). */
const RECORDING = join(tmpdir(), `mini-redis-console-${process.pid}.jsonl`);
const RECORD_MAX = 1024 * 1024;
const recordings: { bytes: number; frames: number }[] = [];
const servers: { name: string; start: () => Promise<{ child: ChildProcess; port: number }> }[] = [
  { name: 'tokio-ts mini-redis', start: () => startNode(ours) },
  {
    name: 'tokio-ts + console',
    start: () =>
      startNode(ours, {
        TOKIO_TS_CONSOLE: '127.0.0.1:0',
        TOKIO_TS_CONSOLE_RECORD: RECORDING,
        TOKIO_TS_CONSOLE_RECORD_MAX: String(RECORD_MAX),
      }),
  },
  { name: 'node:net + promises', start: () => startNode(anchor) },
];
if (have('redis-server')) servers.push({ name: 'redis-server', start: startRedis });

// Rounds interleave the servers, so a noisy minute hurts all of them alike;
// the medians over the rounds are reported. CPU per request is the server
// process's own user+system time: steadier than requests/s on a 2-core VM
// where redis-benchmark itself takes a core.
const ROUNDS = Number(process.env.MINI_REDIS_BENCH_ROUNDS ?? 3);
/** A redis-benchmark configuration: pipeline depth, value size (-d), the tests run. */
interface Mode {
  label: string;
  pipeline: number;
  dataSize: number;
  tests: string[];
}
const ALL = ['ping_inline', 'ping_mbulk', 'set', 'get'];
const MODES_ALL: Mode[] = [
  { label: 'without pipelining', pipeline: 1, dataSize: 3, tests: ALL },
  { label: '-P 16', pipeline: 16, dataSize: 3, tests: ALL },
  // Batches over 64 KB: where Nagle's algorithm and delayed ACKs showed (TCP_NODELAY).
  { label: '-d 4096 -P 32', pipeline: 32, dataSize: 4096, tests: ['set'] },
];
const MODES = MODES_ALL.slice(0, Number(process.env.MINI_REDIS_BENCH_MODES ?? MODES_ALL.length));
const LABEL: Record<string, string> = {
  ping_inline: 'PING_INLINE',
  ping_mbulk: 'PING_MBULK',
  set: 'SET',
  get: 'GET',
};
const rps = new Map<string, number[]>();
const cpu = new Map<string, number[]>();
const push = (m: Map<string, number[]>, k: string, v: number) => {
  const a = m.get(k);
  if (a === undefined) m.set(k, [v]);
  else a.push(v);
};
for (let round = 0; round < ROUNDS; round++) {
  for (const mode of MODES) {
    for (const s of servers) {
      const { child, port } = await s.start();
      // An untimed warm-up, the same for every server: V8 compiles the hot paths first.
      spawnSync('redis-benchmark', [
        '-p',
        String(port),
        '-t',
        'set,get,ping',
        '-n',
        '20000',
        '-c',
        '50',
        '-P',
        String(mode.pipeline),
        '-d',
        String(mode.dataSize),
        '-q',
      ]);
      for (const test of mode.tests) {
        const r = benchmark(child.pid!, port, test, mode, N);
        push(rps, `${s.name}|${mode.label}|${test}`, r.rps);
        push(cpu, `${s.name}|${mode.label}|${test}`, r.cpuUs);
      }
      child.kill('SIGINT');
      await once(child, 'exit');
      if (s.name === 'tokio-ts + console') {
        // written at exit (the server shuts down gracefully on SIGINT)
        const bytes = statSync(RECORDING).size;
        const frames = readFileSync(RECORDING, 'utf8').trim().split('\n').length;
        recordings.push({ bytes, frames });
        rmSync(RECORDING);
      }
    }
  }
}

const fmtK = (x: number) => `${(x / 1000).toFixed(0)} k`;
console.log(
  `\nredis-benchmark -n ${N} -c 50, ${ROUNDS} rounds: median requests/s [min..max], median server CPU per request\n`,
);
for (const mode of MODES) {
  console.log(mode.label);
  for (const test of mode.tests) {
    const cells = servers.map((s) => {
      const xs = rps.get(`${s.name}|${mode.label}|${test}`) ?? [];
      return {
        name: s.name,
        rps: median(xs),
        lo: Math.min(...xs),
        hi: Math.max(...xs),
        cpu: median(cpu.get(`${s.name}|${mode.label}|${test}`) ?? []),
      };
    });
    const o = cells[0]!;
    console.log(
      `  ${LABEL[test]!.padEnd(12)} ${cells
        .map(
          (c) => `${c.name} ${fmtK(c.rps)} [${fmtK(c.lo)}..${fmtK(c.hi)}] ${c.cpu.toFixed(2)} us`,
        )
        .join(' | ')}`,
    );
    console.log(
      `  ${''.padEnd(12)} ours = ${cells
        .slice(1)
        .map(
          (c) =>
            `${(o.rps / c.rps).toFixed(2)}x ${c.name} (per round: ${(
              rps.get(`tokio-ts mini-redis|${mode.label}|${test}`) ?? []
            )
              .map((x, i) =>
                (x / (rps.get(`${c.name}|${mode.label}|${test}`) ?? [])[i]!).toFixed(2),
              )
              .join(' ')}; CPU/request ${(o.cpu / c.cpu).toFixed(2)}x)`,
        )
        .join(', ')}`,
    );
  }
}
if (recordings.length > 0)
  console.log(
    `\nconsole recording (cap ${RECORD_MAX} bytes), after each run: ${recordings
      .map((r) => `${r.bytes} bytes, ${r.frames} frames`)
      .join(
        '; ',
      )} — ${recordings.every((r) => r.bytes <= RECORD_MAX) ? 'under the cap' : 'OVER THE CAP'}`,
  );
console.log(`\nnode ${process.version}, ${cpus().length} cores`);
