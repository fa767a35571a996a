// examples/chat: the chat server as its own process, driven by raw TCP clients.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runExample } from './process.js';

const example = fileURLToPath(new URL('../../examples/chat.js', import.meta.url));

/** A chat client that collects the lines it receives. */
class Client {
  readonly lines: string[] = [];
  ended = false;
  #partial = '';
  #waiters: (() => void)[] = [];
  readonly socket: Socket;

  constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      const parts = (this.#partial + d).split('\n');
      this.#partial = parts.pop()!;
      this.lines.push(...parts);
      this.#wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.#wake();
    });
    socket.on('error', () => {
      this.ended = true;
      this.#wake();
    });
  }

  static async connect(port: number, name: string): Promise<Client> {
    const s = connect(port, '127.0.0.1');
    await once(s, 'connect');
    const c = new Client(s);
    await c.waitFor((l) => l === 'welcome! your name?');
    s.write(`${name}\n`);
    return c;
  }

  #wake(): void {
    const ws = this.#waiters;
    this.#waiters = [];
    for (const w of ws) w();
  }

  /** Resolves once a line matches (or, with `untilEnd`, the server closed). */
  async waitFor(p: (line: string) => boolean, what = 'a line'): Promise<void> {
    for (;;) {
      if (this.lines.some(p)) return;
      if (this.ended)
        throw new Error(`connection ended before ${what}: ${this.lines.slice(-5).join(' | ')}`);
      await new Promise<void>((r) => this.#waiters.push(r));
    }
  }

  async waitEnd(): Promise<void> {
    while (!this.ended) await new Promise<void>((r) => this.#waiters.push(r));
  }

  say(line: string): void {
    this.socket.write(`${line}\n`);
  }
}

async function startServer(): Promise<{ child: ChildProcess; port: number; out: () => string }> {
  const { child, out } = runExample(example, ['--port', '0']);
  while (!/listening on .*:(\d+)\n/.test(out())) await once(child.stdout!, 'data');
  return { child, port: Number(/listening on .*:(\d+)\n/.exec(out())![1]), out };
}

describe('examples/chat', () => {
  it('relays lines to everyone else, with join and leave notices', {
    timeout: 60_000,
  }, async () => {
    const { child, port } = await startServer();
    try {
      const alice = await Client.connect(port, 'alice');
      const bob = await Client.connect(port, 'bob');
      await alice.waitFor((l) => l === '* bob joined');
      const carol = await Client.connect(port, 'carol');
      await bob.waitFor((l) => l === '* carol joined');
      alice.say('hello all');
      await bob.waitFor((l) => l === 'alice: hello all');
      await carol.waitFor((l) => l === 'alice: hello all');
      carol.socket.end();
      await alice.waitFor((l) => l === '* carol left');
      assert.ok(!alice.lines.includes('alice: hello all'), 'no echo to the sender');
      alice.socket.destroy();
      bob.socket.destroy();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a client that does not read is dropped; the others get every message', {
    timeout: 60_000,
  }, async () => {
    const { child, port, out } = await startServer();
    try {
      const alice = await Client.connect(port, 'alice');
      const bob = await Client.connect(port, 'bob');
      const dave = await Client.connect(port, 'dave');
      await bob.waitFor((l) => l === '* dave joined');
      dave.socket.pause(); // dave stops reading
      const N = 20_000;
      const filler = 'x'.repeat(990);
      let flood = '';
      for (let i = 0; i < N; i++) flood += `${i} ${filler}\n`;
      alice.socket.write(flood);
      alice.say('the end');
      await bob.waitFor((l) => l === 'alice: the end', 'the last message');
      await alice.waitFor((l) => l === '* dave was dropped (too slow)', 'the drop notice');
      const got = bob.lines.filter((l) => l.startsWith('alice: ') && l.endsWith(filler));
      assert.equal(got.length, N, 'bob got every line, in order');
      assert.equal(got[N - 1], `alice: ${N - 1} ${filler}`);
      assert.match(out(), /dropped dave: too slow/);
      dave.socket.resume();
      await dave.waitEnd(); // the server closed dave's connection
      assert.ok(!bob.lines.includes('* bob was dropped (too slow)'));
      alice.socket.destroy();
      bob.socket.destroy();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('Ctrl-C says goodbye to every client and exits 0', { timeout: 60_000 }, async () => {
    const { child, port, out } = await startServer();
    try {
      const alice = await Client.connect(port, 'alice');
      const bob = await Client.connect(port, 'bob');
      await alice.waitFor((l) => l === '* bob joined');
      const exited = once(child, 'exit');
      child.kill('SIGINT');
      await alice.waitFor((l) => l === 'server: goodbye');
      await bob.waitFor((l) => l === 'server: goodbye');
      await alice.waitEnd();
      await bob.waitEnd();
      const [code] = await exited;
      assert.equal(code, 0, out());
      assert.match(out(), /SIGINT: saying goodbye to 2 client\(s\)\nbye\n/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
