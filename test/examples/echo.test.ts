// Runs the compiled echo example as its own process against 50 concurrent clients.
import assert from 'node:assert/strict';
import { spawn as spawnProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const example = fileURLToPath(new URL('../../examples/echo.js', import.meta.url));

function roundTrip(port: number, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = connect({ port, host: '127.0.0.1' }, () => sock.end(data));
    const parts: Buffer[] = [];
    sock.on('data', (d: Buffer) => parts.push(d));
    sock.on('end', () => resolve(Buffer.concat(parts)));
    sock.on('error', reject);
  });
}

it('examples/echo.js echoes to 50 concurrent clients', async () => {
  const child = spawnProcess(process.execPath, [example, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    child.stdout.setEncoding('utf8');
    let out = '';
    while (!/listening on .*:(\d+)\n/.test(out)) {
      const [chunk] = (await once(child.stdout, 'data')) as [string];
      out += chunk;
    }
    const port = Number(/listening on .*:(\d+)\n/.exec(out)![1]);
    const jobs = [];
    for (let i = 0; i < 50; i++) {
      const data = Buffer.alloc(10_000 + i * 1000, i);
      jobs.push(roundTrip(port, data).then((got) => assert.ok(got.equals(data), `client ${i}`)));
    }
    await Promise.all(jobs);
  } finally {
    child.kill('SIGINT');
    await once(child, 'exit');
  }
});
