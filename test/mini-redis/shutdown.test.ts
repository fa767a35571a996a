// The compiled server as its own process: SIGINT while 100 clients are
// connected and one reply is still being written. Every reply arrives whole,
// then the process exits 0 within 1 s.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const server = fileURLToPath(new URL('../../examples/mini-redis/server.js', import.meta.url));

function reply(sock: Socket, want: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let n = 0;
    const onData = (d: Buffer) => {
      parts.push(d);
      n += d.length;
      if (n >= want) {
        sock.off('data', onData);
        resolve(Buffer.concat(parts));
      }
    };
    sock.on('data', onData);
    sock.once('error', reject);
  });
}

/** Starts the compiled server on a free port; resolves with the child, its port and its output so far. */
async function start(...args: string[]) {
  const child = spawn(process.execPath, [server, '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout.setEncoding('utf8');
  const out = { text: '' };
  child.stdout.on('data', (d: string) => {
    out.text += d;
  });
  while (!/listening on .*:(\d+)/.test(out.text)) await once(child.stdout, 'data');
  const port = Number(/listening on .*:(\d+)/.exec(out.text)![1]);
  return { child, port, out };
}

/** Stores a 16 MB value, then asks for it on a client that stops reading after the first bytes. */
async function stalledReader(port: number): Promise<Socket> {
  const setter = connect({ port, host: '127.0.0.1' });
  setter.write(`*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${16 << 20}\r\n`);
  setter.write(Buffer.alloc(16 << 20, 120));
  setter.write('\r\n');
  assert.equal((await reply(setter, 5)).toString(), '+OK\r\n');
  setter.destroy();
  const slow = connect({ port, host: '127.0.0.1' });
  slow.write('GET big\r\n');
  await once(slow, 'data');
  slow.pause();
  return slow;
}

it('SIGINT while a client does not read its reply: the process exits 0 at --shutdown-timeout', {
  timeout: 30_000,
}, async () => {
  const { child, port } = await start('--shutdown-timeout', '1');
  const slow = await stalledReader(port);
  const exited = once(child, 'exit');
  const t0 = performance.now();
  child.kill('SIGINT');
  const [code] = (await exited) as [number | null];
  const took = performance.now() - t0;
  assert.equal(code, 0);
  assert.ok(took >= 900 && took < 10_000, `shutdown took ${took.toFixed(0)} ms`);
  slow.destroy();
});

it('a second SIGINT during a graceful shutdown exits at once (130)', {
  timeout: 30_000,
}, async () => {
  const { child, port, out } = await start('--shutdown-timeout', '600');
  const slow = await stalledReader(port);
  const exited = once(child, 'exit');
  child.kill('SIGINT');
  while (!out.text.includes('shutting down')) await once(child.stdout, 'data');
  child.kill('SIGINT');
  const [code] = (await exited) as [number | null];
  assert.equal(code, 130);
  slow.destroy();
});

it('SIGINT with 100 clients connected: in-flight replies are written, then the process exits 0 within 1 s', async () => {
  const child = spawn(process.execPath, [server, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout.setEncoding('utf8');
  let out = '';
  while (!/listening on .*:(\d+)/.test(out)) out += (await once(child.stdout, 'data'))[0];
  const port = Number(/listening on .*:(\d+)/.exec(out)![1]);
  const open = (): Promise<Socket> =>
    new Promise((r) => {
      const s = connect({ port, host: '127.0.0.1' }, () => r(s));
    });

  // A value big enough that its reply cannot be written at once.
  const big = 16 * 1024 * 1024;
  const setter = await open();
  const header = `*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${big}\r\n`;
  setter.write(header);
  setter.write(Buffer.alloc(big, 120));
  setter.write('\r\n');
  assert.equal((await reply(setter, 5)).toString(), '+OK\r\n');

  const clients = await Promise.all(Array.from({ length: 100 }, open));
  await Promise.all(
    clients.map(async (c) => {
      c.write('PING\r\n');
      assert.equal((await reply(c, 7)).toString(), '+PONG\r\n');
    }),
  );
  // One client asks for the big value but does not read: the reply is in flight.
  const slow = clients[0]!;
  const want = `$${big}\r\n`.length + big + 2;
  const first = await new Promise<Buffer>((r) => {
    slow.once('data', (d: Buffer) => {
      slow.pause(); // the server has started the reply; now it cannot finish it
      r(d);
    });
    slow.write('GET big\r\n');
  });
  const exited = once(child, 'exit');
  const closedAll = clients.slice(1).map((c) => once(c, 'close'));
  child.kill('SIGINT');
  slow.resume();
  const rest = await reply(slow, want - first.length);
  assert.equal(first.length + rest.length, want, 'the whole reply arrived');
  const start = performance.now(); // the last in-flight reply is written: now the process must go
  const [code] = (await exited) as [number | null];
  const took = performance.now() - start;
  assert.equal(code, 0);
  assert.ok(took < 1000, `shutdown took ${took.toFixed(0)} ms`);
  // Every connection was closed by the server.
  await Promise.all(closedAll);
  setter.destroy();
});
