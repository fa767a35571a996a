/**
 * tokio-ts/http under wrk: `serve` beside a plain node:http handler (the
 * anchor) and Hono's Node adapter, each server in its own process, rounds
 * interleaved (node, ours, global, hono, node, …) so load drift hits all
 * alike; medians of requests/s and of the server's CPU time per request.
 *   npm run build && node dist/bench/http.bench.js     (HTTP_BENCH_ROUNDS=5 HTTP_BENCH_SECONDS=3)
 * Goals (issue 18): hello-world ≥ 0.9× node:http; 1 MiB streamed ≥ 0.9×.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { cpuMs } from './lib/proc-cpu.js';
import { median } from './lib/report.js';

const ROUNDS = Number(process.env.HTTP_BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.HTTP_BENCH_SECONDS ?? 3);
const CONNS = 50;
const fixture = fileURLToPath(new URL('./fixtures/http-server.js', import.meta.url));
const ALL = ['node', 'ours', 'global', 'reader', 'hono'] as const;
type Kind = (typeof ALL)[number];
/** HTTP_BENCH_KINDS=node,ours picks servers; node (the anchor) always runs. */
const KINDS: readonly Kind[] = ALL.filter(
  (k) => k === 'node' || (process.env.HTTP_BENCH_KINDS ?? ALL.join(',')).split(',').includes(k),
);
const LABEL: Record<Kind, string> = {
  node: 'node:http handler',
  ours: 'tokio-ts serve (tokio-ts Response)',
  global: 'tokio-ts serve (global Response)',
  reader: 'tokio-ts serve (readerBody on /big)',
  hono: 'Hono @hono/node-server',
};

async function start(kind: Kind): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [fixture, kind], { stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout!.setEncoding('utf8');
  let out = '';
  while (!/listening on .*:(\d+)/.test(out)) out += (await once(child.stdout!, 'data'))[0];
  return { child, port: Number(/listening on .*:(\d+)/.exec(out)![1]) };
}

/** One wrk run: requests/s, transfer MB/s and the server's CPU µs per request. */
function wrk(pid: number, url: string): { rps: number; mbps: number; cpuUs: number } {
  const c0 = cpuMs(pid);
  const r = spawnSync('wrk', ['-t1', `-c${CONNS}`, `-d${SECONDS}s`, url], { encoding: 'utf8' });
  const c1 = cpuMs(pid);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1] ?? Number.NaN);
  const total = Number(/(\d+) requests in/.exec(r.stdout)?.[1] ?? Number.NaN);
  const tr = /Transfer\/sec:\s+([\d.]+)(\w+)/.exec(r.stdout);
  const mbps =
    tr === null
      ? Number.NaN
      : Number(tr[1]) * (tr[2] === 'GB' ? 1024 : tr[2] === 'KB' ? 1 / 1024 : 1);
  const errs = /Non-2xx.*|Socket errors.*/.exec(r.stdout);
  if (errs !== null) console.log(`  (${url}: ${errs[0]})`);
  return { rps, mbps, cpuUs: ((c1 - c0) * 1000) / total };
}

async function main(): Promise<void> {
  if (spawnSync('sh', ['-c', 'command -v wrk']).status !== 0) {
    console.log('wrk is not installed (see .ci/install-system-deps): skipping');
    return;
  }
  const servers = new Map<Kind, { child: ChildProcess; port: number }>();
  for (const k of KINDS) servers.set(k, await start(k));
  const load0 = loadavg()[0]!;
  const results: Record<
    string,
    Record<Kind, { rps: number[]; mbps: number[]; cpuUs: number[] }>
  > = {};
  try {
    for (const path of (process.env.HTTP_BENCH_PATHS ?? '/,/big').split(',')) {
      const per = {} as Record<Kind, { rps: number[]; mbps: number[]; cpuUs: number[] }>;
      for (const k of KINDS) per[k] = { rps: [], mbps: [], cpuUs: [] };
      results[path] = per;
      // warm-up: one short run each (JIT)
      for (const k of KINDS) {
        const s = servers.get(k)!;
        spawnSync('wrk', ['-t1', `-c${CONNS}`, '-d1s', `http://127.0.0.1:${s.port}${path}`]);
      }
      for (let round = 0; round < ROUNDS; round++) {
        for (const k of KINDS) {
          const s = servers.get(k)!;
          const r = wrk(s.child.pid!, `http://127.0.0.1:${s.port}${path}`);
          per[k].rps.push(r.rps);
          per[k].mbps.push(r.mbps);
          per[k].cpuUs.push(r.cpuUs);
        }
      }
    }
  } finally {
    for (const s of servers.values()) s.child.kill('SIGKILL');
  }
  const load1 = loadavg()[0]!;
  for (const [path, per] of Object.entries(results)) {
    const what = path === '/' ? 'hello world' : '1 MiB streamed response';
    console.log(
      `\n${what} (GET ${path}), wrk -t1 -c${CONNS} -d${SECONDS}s, ${ROUNDS} interleaved rounds, medians:`,
    );
    const base = median(per.node.rps);
    const baseCpu = median(per.node.cpuUs);
    for (const k of KINDS) {
      const rps = median(per[k].rps);
      const cpu = median(per[k].cpuUs);
      const extra = path === '/big' ? `  ${median(per[k].mbps).toFixed(0)} MB/s` : '';
      console.log(
        `  ${LABEL[k].padEnd(36)} ${rps.toFixed(0).padStart(7)} req/s (${(rps / base).toFixed(2)}x node:http)` +
          `  server CPU ${cpu.toFixed(1).padStart(6)} µs/req (${(cpu / baseCpu).toFixed(2)}x)${extra}`,
      );
    }
  }
  console.log(
    `\nnode ${process.version}, ${cpus().length} cores, ${new Date().toISOString()}, load average ${load0.toFixed(1)} → ${load1.toFixed(1)}`,
  );
}

await main();
