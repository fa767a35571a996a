/** Framed.send over sockets: no event-loop turn per message while the socket takes the bytes; backpressure kept. */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { type Future, type JoinHandle, spawn, yieldNow } from 'tokio-ts';
import { Framed, FramedRead, FramedWrite, LinesCodec } from 'tokio-ts/codec';
import { call } from 'tokio-ts/future';
import { BufWriter, duplex } from 'tokio-ts/io';
import { TcpListener, TcpStream } from 'tokio-ts/net';
import { test } from 'tokio-ts/test';

/** Lets Node's event loop run `turns` times (setImmediate each). */
function* loopTurns(turns: number): Future<void> {
  for (let i = 0; i < turns; i++) yield* call(new Promise<void>((r) => setImmediate(r)));
}

/** A task that counts how often it runs: it runs whenever the test's task suspends. */
function ticker(): { count: number; task: JoinHandle<void> } {
  const t = {
    count: 0,
    task: spawn(function* () {
      for (;;) {
        t.count++;
        yield* yieldNow();
      }
    }),
  };
  return t;
}

function* connected(): Future<[TcpStream, TcpStream, TcpListener]> {
  const listener = yield* TcpListener.bind('127.0.0.1:0');
  const client = yield* TcpStream.connect(listener.localAddr());
  const [server] = yield* listener.accept();
  return [server, client, listener];
}

describe('FramedWrite.send over a socket', () => {
  test('sends that the socket takes complete without suspending the task (no wait for Node to write them), and all arrive', function* () {
    const [server, client, listener] = yield* connected();
    const out = new FramedWrite(server, new LinesCodec());
    const other = ticker();
    yield* yieldNow();
    const before = other.count;
    try {
      for (let i = 0; i < 50; i++) yield* out.send(`line ${i}`);
      assert.equal(other.count, before, 'a send suspended the sending task');
    } finally {
      other.task.abort();
    }
    yield* out.close();
    const lines = new FramedRead(client, new LinesCodec());
    for (let i = 0; i < 50; i++) assert.equal(yield* lines.next(), `line ${i}`);
    assert.equal(yield* lines.next(), undefined);
    client.close();
    server.close();
    listener.close();
  });

  test('Framed.send does the same on a socket used both ways', function* () {
    const [server, client, listener] = yield* connected();
    const framed = new Framed(server, new LinesCodec());
    const other = ticker();
    yield* yieldNow();
    const before = other.count;
    try {
      for (let i = 0; i < 50; i++) yield* framed.send(`msg ${i}`);
      assert.equal(other.count, before, 'a send suspended the sending task');
    } finally {
      other.task.abort();
    }
    yield* framed.close();
    const text = new TextDecoder().decode(yield* client.readToEnd());
    assert.equal(text, Array.from({ length: 50 }, (_, i) => `msg ${i}\n`).join(''));
    client.close();
    server.close();
    listener.close();
  });

  test('backpressure: a reader that stops reading stalls the sender, with bounded buffering; nothing is lost', function* () {
    const [server, client, listener] = yield* connected();
    const LINES = 40_000;
    const line = 'x'.repeat(1023); // 1 KiB with its \n: 40 MiB in all, more than the socket buffers hold
    let sent = 0;
    const sender = spawn(function* () {
      const out = new FramedWrite(server, new LinesCodec());
      for (; sent < LINES; sent++) yield* out.send(line);
      yield* out.close();
    });
    // Wait until the sender stops making progress while nobody reads.
    for (let last = -1; sent !== last; ) {
      last = sent;
      yield* loopTurns(50);
    }
    assert.ok(sent < LINES, 'the sender should wait for the reader');
    const stalledAt = sent;
    yield* loopTurns(50);
    assert.equal(sent, stalledAt, 'the sender stays blocked while the peer does not read');
    // Now read everything: every line arrives, in order, and the sender finishes.
    const lines = new FramedRead(client, new LinesCodec());
    let got = 0;
    for (let l: string | undefined; (l = yield* lines.next()) !== undefined; got++)
      if (l !== line) assert.fail(`line ${got} differs`);
    yield* sender;
    assert.equal(got, LINES);
    client.close();
    server.close();
    listener.close();
  });
});

describe('FramedWrite.send over a writer that holds bytes back', () => {
  test('a BufWriter is flushed by send: the peer gets the line without another flush', function* () {
    const [a, b] = duplex(1024);
    const out = new FramedWrite(new BufWriter(a), new LinesCodec());
    yield* out.send('through the buffer');
    const buf = new Uint8Array(64);
    const n = yield* b.read(buf);
    assert.equal(new TextDecoder().decode(buf.subarray(0, n)), 'through the buffer\n');
  });
});
