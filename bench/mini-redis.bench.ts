/**
 * mini-redis under redis-benchmark (from redis-tools): our server beside
 * Debian's redis-server and a plain-Promise node:net implementation of the
 * same commands, in one run. Loopback; each server in its own process.
 *   npm run build && node dist/bench/mini-redis.bench.js     (MINI_REDIS_BENCH_N=200000)
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

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

async function startNode(file: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [file, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
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

function benchmark(port: number, pipeline: number): Map<string, number> {
  const r = spawnSync(
    'redis-benchmark',
    [
      '-p',
      String(port),
      '-t',
      'set,get,ping',
      '-n',
      String(N),
      '-c',
      '50',
      '-P',
      String(pipeline),
      '-q',
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const res = new Map<string, number>();
  for (const m of r.stdout
    .replaceAll('\r', '\n')
    .matchAll(/^\s*([A-Z_]+): ([\d.]+) requests per second/gm))
    res.set(m[1]!, Number(m[2]));
  return res;
}

if (!have('redis-benchmark')) {
  console.log('redis-benchmark not found: install redis-tools (.ci/install-system-deps)');
  process.exit(0);
}
const servers: { name: string; start: () => Promise<{ child: ChildProcess; port: number }> }[] = [
  { name: 'tokio-ts mini-redis', start: () => startNode(ours) },
  { name: 'node:net + promises', start: () => startNode(anchor) },
];
if (have('redis-server')) servers.push({ name: 'redis-server', start: startRedis });

const results = new Map<string, Map<string, number>>();
for (const pipeline of [1, 16]) {
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
      String(pipeline),
      '-q',
    ]);
    results.set(`${s.name}|${pipeline}`, benchmark(port, pipeline));
    child.kill('SIGINT');
    await once(child, 'exit');
  }
}

console.log(`\nredis-benchmark -t set,get,ping -n ${N} -c 50 (requests/s)\n`);
for (const pipeline of [1, 16]) {
  console.log(pipeline === 1 ? 'without pipelining' : `-P ${pipeline}`);
  const o = results.get(`tokio-ts mini-redis|${pipeline}`)!;
  for (const test of ['PING_INLINE', 'PING_MBULK', 'SET', 'GET']) {
    const cells = servers.map((s) => results.get(`${s.name}|${pipeline}`)?.get(test) ?? Number.NaN);
    const ratios = servers
      .slice(1)
      .map((s, i) => `${(o.get(test)! / cells[i + 1]!).toFixed(2)}x ${s.name}`);
    console.log(
      `  ${test.padEnd(12)} ${servers.map((s, i) => `${s.name} ${cells[i]!.toFixed(0)}`).join(' | ')}   ours = ${ratios.join(', ')}`,
    );
  }
}
console.log(`\nnode ${process.version}, ${cpus().length} cores`);
