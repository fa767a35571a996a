/**
 * Broadcast fan-out (issue 21 item 4): 10,000 lines to 16 clients over
 * loopback TCP. Ours: a `broadcast` channel, one task per client doing
 * `recv()` + `FramedWrite.send()` with `LinesCodec`. Anchor: plain Node
 * sockets, `socket.write(line)` to every client per line, waiting for
 * 'drain' where `write` returned false. The clients are plain `node:net`
 * sockets in a child process (the same for both) counting lines; a run is
 * timed from the 16th accept to the child reporting every line received.
 * Rounds alternate; medians and the ratio are printed.
 *
 *   npm run build && node dist/bench/codec-fanout.bench.js
 *   (FANOUT_LINES=10000 FANOUT_CLIENTS=16 FANOUT_ROUNDS=7)
 */
import { spawn as spawnProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type Future, Runtime, spawn } from 'tokio-ts';
import { FramedWrite, LinesCodec } from 'tokio-ts/codec';
import { TcpListener, type TcpStream } from 'tokio-ts/net';
import { broadcast } from 'tokio-ts/sync';

const LINES = Number(process.env.FANOUT_LINES ?? 10_000);
const CLIENTS = Number(process.env.FANOUT_CLIENTS ?? 16);
const ROUNDS = Number(process.env.FANOUT_ROUNDS ?? 7);
const lines = Array.from({ length: LINES }, (_, i) => `event ${i} ${'payload-'.repeat(6)}`);

/** Child: for each `PORT` line on stdin, connects CLIENTS sockets, prints `done` once each got LINES lines. */
function client(): void {
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (port) => {
    let finished = 0;
    for (let c = 0; c < CLIENTS; c++) {
      let got = 0;
      const s = connect(Number(port), '127.0.0.1');
      s.on('data', (d: Buffer) => {
        for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) got++;
        if (got === LINES) {
          s.destroy();
          if (++finished === CLIENTS) process.stdout.write('done\n');
        }
      });
      s.on('error', () => {});
    }
  });
}

if (process.argv[2] === 'client') client();
else await parent();

async function parent(): Promise<void> {
  const child = spawnProcess(process.execPath, [fileURLToPath(import.meta.url), 'client'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const replies = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const ask = async (port: number): Promise<void> => {
    child.stdin!.write(`${port}\n`);
    const r = await replies.next();
    if (r.value !== 'done') throw new Error(`client said ${String(r.value)}`);
  };
  const rt = new Runtime();

  function* serveOurs(listener: TcpListener, started: (t: number) => void): Future<void> {
    const socks: TcpStream[] = [];
    for (let c = 0; c < CLIENTS; c++) socks.push((yield* listener.accept())[0]);
    started(performance.now());
    const [tx] = broadcast.channel<string>(LINES + 1);
    const tasks = socks.map((sock) => {
      const rx = tx.subscribe();
      return spawn(function* () {
        const out = new FramedWrite(sock, new LinesCodec());
        for (let i = 0; i < LINES; i++) yield* out.send(yield* rx.recv());
      });
    });
    for (const l of lines) tx.send(l);
    for (const t of tasks) yield* t;
  }

  async function ours(): Promise<number> {
    let t0 = 0;
    let received: Promise<void> | undefined;
    await rt.blockOn(function* () {
      const listener = yield* TcpListener.bind('127.0.0.1:0');
      received = ask(listener.localAddr().port);
      yield* serveOurs(listener, (t) => {
        t0 = t;
      });
      listener.close();
    });
    await received;
    return performance.now() - t0;
  }

  async function plain(): Promise<number> {
    const socks: Socket[] = [];
    let done: Promise<void> | undefined;
    const all = new Promise<void>((resolve) => {
      const server = createServer((s) => {
        s.on('error', () => {});
        socks.push(s);
        if (socks.length === CLIENTS) {
          server.close();
          resolve();
        }
      });
      server.listen(0, '127.0.0.1', () => {
        done = ask((server.address() as { port: number }).port);
      });
    });
    await all;
    const t0 = performance.now();
    for (const l of lines) {
      const line = `${l}\n`;
      let waits: Promise<unknown>[] | null = null;
      for (const s of socks) if (!s.write(line)) (waits ??= []).push(once(s, 'drain'));
      if (waits !== null) await Promise.all(waits);
    }
    await done;
    const ms = performance.now() - t0;
    for (const s of socks) s.destroy();
    return ms;
  }

  const results: Record<string, number[]> = { ours: [], plain: [] };
  for (let r = 0; r <= ROUNDS; r++) {
    const order: ('ours' | 'plain')[] = r % 2 === 0 ? ['ours', 'plain'] : ['plain', 'ours'];
    for (const k of order) {
      const ms = k === 'ours' ? await ours() : await plain();
      if (r > 0) results[k]!.push(ms); // round 0 warms up
    }
  }
  child.kill();
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const o = med(results.ours!);
  const p = med(results.plain!);
  console.log(`${LINES.toLocaleString('en')} lines to ${CLIENTS} clients, ${ROUNDS} rounds`);
  console.log(
    `  tokio-ts FramedWrite.send per line  ${o.toFixed(1)} ms  (runs: ${results.ours!.map((x) => x.toFixed(0)).join(', ')})`,
  );
  console.log(
    `  node sockets, write per line        ${p.toFixed(1)} ms  (runs: ${results.plain!.map((x) => x.toFixed(0)).join(', ')})`,
  );
  console.log(`  ours vs plain: ${(p / o).toFixed(2)}× the throughput (goal ≥ 0.8×)`);
}
