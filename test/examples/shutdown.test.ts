import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const example = fileURLToPath(new URL('../../examples/shutdown.js', import.meta.url));

/** Starts the example server; resolves with the process and its port once it listens. */
function startServer(): Promise<{ server: ChildProcess; port: number; out: () => string }> {
  return new Promise((resolve, reject) => {
    const server = spawn(process.execPath, [example, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    server.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve({ server, port: Number(m[1]), out: () => out });
    });
    server.stderr.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    server.on('error', reject);
    server.on('exit', (code) => reject(new Error(`server exited early (${code}): ${out}`)));
  });
}

function exited(p: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (p.exitCode !== null) resolve(p.exitCode);
    else p.on('exit', (code) => resolve(code));
  });
}

function connected(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
}

/** Fails after `ms` real milliseconds: a bound, never a wait. */
function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  let t: ReturnType<typeof setTimeout>;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      t = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

describe('examples/shutdown', () => {
  it('on SIGINT the reply in flight is completed, then the server exits 0', async () => {
    const { server, port, out } = await startServer();
    try {
      const size = 16 * 1024 * 1024;
      const client = await connected(port);
      let received = 0;
      let lastByte = -1;
      let signalled = false;
      const ended = new Promise<void>((resolve, reject) => {
        client.on('data', (d: Buffer) => {
          received += d.length;
          lastByte = d[d.length - 1]!;
          // The reply has started and is far from done: stop reading (so the
          // server stays mid-reply) and ask it to stop; read on once it is
          // waiting for this connection.
          if (!signalled) {
            signalled = true;
            client.pause();
            server.stdout!.on('data', () => {
              if (out().includes('waiting for 1 connection(s)')) client.resume();
            });
            server.kill('SIGINT');
          }
        });
        client.on('end', () => resolve());
        client.on('error', reject);
      });
      client.write(`${size}\n`);
      await within(10_000, ended, 'the reply');
      client.destroy();
      assert.ok(signalled);
      assert.equal(received, size + 1, 'the whole reply arrived');
      assert.equal(lastByte, 0x0a);
      assert.equal(await within(10_000, exited(server), 'server exit'), 0, out());
      assert.match(
        out(),
        /SIGINT: no new connections\nwaiting for 1 connection\(s\) to finish\nbye\n/,
      );
    } finally {
      server.kill('SIGKILL');
    }
  });

  it('on SIGTERM idle connections are closed and the server exits 0', async () => {
    const { server, port, out } = await startServer();
    try {
      const client = await connected(port);
      let reply = '';
      const closed = new Promise<void>((resolve) => {
        client.setEncoding('utf8').on('data', (d: string) => {
          reply += d;
          if (reply === 'xxx\n') server.kill('SIGTERM');
        });
        client.on('end', () => resolve());
        client.on('error', () => resolve());
      });
      client.write('3\n');
      await within(10_000, closed, 'connection close');
      client.destroy();
      assert.equal(reply, 'xxx\n');
      assert.equal(await within(10_000, exited(server), 'server exit'), 0, out());
      assert.match(out(), /SIGTERM: no new connections/);
    } finally {
      server.kill('SIGKILL');
    }
  });
});
