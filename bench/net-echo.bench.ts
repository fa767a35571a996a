/**
 * TCP echo: our echo server (examples/echo.ts, and a zero-copy `copy` variant)
 * against a raw `node:net` echo server (`socket.on('data', d => socket.write(d))`).
 * Server and client run in separate processes on loopback; the client is the
 * same raw node:net program for every server. Rounds alternate servers and the
 * medians are compared.
 *
 *   node dist/bench/net-echo.bench.js            (NET_BENCH_MS=2000 per run, NET_BENCH_ROUNDS=5,
 *                                                 NET_BENCH_BULK_MIB=1024)
 */
import { type ChildProcess, spawn as spawnProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { main, spawn } from 'tokio-ts';
import { copy } from 'tokio-ts/io';
import { TcpListener } from 'tokio-ts/net';
import { serve } from '../examples/echo.js';
import { median } from './lib/report.js';

const self = fileURLToPath(import.meta.url);
const MS = Number(process.env.NET_BENCH_MS ?? 2000);
const ROUNDS = Number(process.env.NET_BENCH_ROUNDS ?? 5);
const BULK_MIB = Number(process.env.NET_BENCH_BULK_MIB ?? 1024);

type Mode = 'raw' | 'ours' | 'ours-copy';

function runServer(mode: Mode): void {
  if (mode === 'raw') {
    const server = createServer((s) => {
      s.on('data', (d) => s.write(d));
      s.on('error', () => {});
    });
    server.listen(0, '127.0.0.1', () => {
      console.log(`listening on 127.0.0.1:${(server.address() as { port: number }).port}`);
    });
    return;
  }
  main(function* () {
    const listener = yield* TcpListener.bind('127.0.0.1:0');
    console.log(`listening on ${listener.localAddr()}`);
    if (mode === 'ours') yield* serve(listener);
    for (;;) {
      const [socket] = yield* listener.accept();
      spawn(function* () {
        try {
          const [rd, wr] = socket.intoSplit();
          yield* copy(rd, wr);
        } catch {
        } finally {
          socket.close();
        }
      });
    }
  });
}

/** Ping-pong of `size`-byte messages on `conns` connections for MS ms; prints round trips/s. */
async function pingPong(port: number, conns: number, size: number): Promise<number> {
  const msg = Buffer.alloc(size, 97);
  let total = 0;
  const deadline = performance.now() + MS;
  const start = performance.now();
  await Promise.all(
    Array.from(
      { length: conns },
      () =>
        new Promise<void>((resolve, reject) => {
          const s = connect({ port, host: '127.0.0.1', noDelay: true }, () => s.write(msg));
          let got = 0;
          s.on('data', (d) => {
            got += d.length;
            while (got >= size) {
              got -= size;
              total++;
              if (performance.now() >= deadline) {
                s.destroy();
                resolve();
                return;
              }
              s.write(msg);
            }
          });
          s.on('error', reject);
        }),
    ),
  );
  return total / ((performance.now() - start) / 1000);
}

/** Streams `mib` MiB through the echo on one connection; returns MiB/s. */
async function bulk(port: number, mib: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024, 1);
  const totalBytes = mib * 1024 * 1024;
  const start = performance.now();
  await new Promise<void>((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' });
    let sent = 0;
    let received = 0;
    const pump = (): void => {
      while (sent < totalBytes) {
        sent += chunk.length;
        if (!s.write(chunk)) {
          s.once('drain', pump);
          return;
        }
      }
      s.end();
    };
    s.on('connect', pump);
    s.on('data', (d) => {
      received += d.length;
      if (received >= totalBytes) {
        s.destroy();
        resolve();
      }
    });
    s.on('error', reject);
  });
  return mib / ((performance.now() - start) / 1000);
}

async function startServer(mode: Mode): Promise<{ child: ChildProcess; port: number }> {
  const child = spawnProcess(process.execPath, [self, '--server', mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout!.setEncoding('utf8');
  let out = '';
  while (!/listening on .*:(\d+)/.test(out)) out += (await once(child.stdout!, 'data'))[0];
  return { child, port: Number(/listening on .*:(\d+)/.exec(out)![1]) };
}

async function bench(): Promise<void> {
  const modes: Mode[] = ['raw', 'ours', 'ours-copy'];
  const cases: { name: string; run: (port: number) => Promise<number>; unit: string }[] = [
    { name: 'ping-pong 64 B, 1 connection', run: (p) => pingPong(p, 1, 64), unit: 'round trips/s' },
    {
      name: 'ping-pong 64 B, 50 connections',
      run: (p) => pingPong(p, 50, 64),
      unit: 'round trips/s',
    },
    { name: `bulk ${BULK_MIB} MiB, 1 connection`, run: (p) => bulk(p, BULK_MIB), unit: 'MiB/s' },
  ];
  const results = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of modes) {
      const { child, port } = await startServer(mode);
      for (const c of cases) {
        const v = await c.run(port);
        const key = `${c.name}|${mode}`;
        results.set(key, [...(results.get(key) ?? []), v]);
      }
      child.kill();
      await once(child, 'exit');
    }
  }
  console.log(
    `\nmedians of ${ROUNDS} rounds (${MS} ms per ping-pong run); client: raw node:net in another process\n`,
  );
  for (const c of cases) {
    const raw = median(results.get(`${c.name}|raw`)!);
    console.log(`${c.name}`);
    for (const mode of modes) {
      const v = median(results.get(`${c.name}|${mode}`)!);
      const ratio = mode === 'raw' ? '' : `  ${(v / raw).toFixed(2)}x raw`;
      console.log(`  ${mode.padEnd(10)} ${v.toFixed(0).padStart(10)} ${c.unit}${ratio}`);
    }
  }
  console.log(`\nnode ${process.version}, ${cpus().length} cores`);
}

const i = process.argv.indexOf('--server');
if (i !== -1) runServer(process.argv[i + 1] as Mode);
else await bench();
