import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { describe } from 'node:test';
import { type Future, join, select, spawn, timeout, yieldNow } from 'tokio-ts';
import { call } from 'tokio-ts/future';
import { IoError } from 'tokio-ts/io';
import { type SocketAddr, TcpListener, TcpStream } from 'tokio-ts/net';
import { Runtime } from 'tokio-ts/runtime';
import { test } from 'tokio-ts/test';
import { Elapsed } from 'tokio-ts/time';
import { serve } from '../../examples/echo.js';

const long = process.env.TOKIO_TS_STRESS === 'long';

/** xorshift32: deterministic bytes and sizes. */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

function payload(seed: number, size: number): Uint8Array {
  const next = prng(seed);
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i += 4) {
    const v = next();
    out[i] = v;
    if (i + 1 < size) out[i + 1] = v >>> 8;
    if (i + 2 < size) out[i + 2] = v >>> 16;
    if (i + 3 < size) out[i + 3] = v >>> 24;
  }
  return out;
}

/** Lets Node's event loop run `turns` times (no timers involved). */
function* loopTurns(turns: number): Future<void> {
  for (let i = 0; i < turns; i++) yield* call(new Promise<void>((r) => setImmediate(r)));
}

/** Sends `data` in random-sized writes from one task while another reads the echo. */
function* echoClient(addr: SocketAddr, data: Uint8Array, seed: number): Future<void> {
  const stream = yield* TcpStream.connect(addr);
  const [rd, wr] = stream.intoSplit();
  const next = prng(seed);
  try {
    // One spare byte: reading into an empty buffer returns 0 at once, so without
    // it the client could stop before the server's EOF, while the server's
    // connection task still waits to read the client's (a leak under load).
    const received = new Uint8Array(data.length + 1);
    yield* join(
      function* () {
        let off = 0;
        const scratch = new Uint8Array(64 * 1024);
        while (off < data.length) {
          const n = Math.min(1 + (next() % 16384), data.length - off);
          // Write from a reused buffer that we overwrite right after: the stream must have copied.
          scratch.set(data.subarray(off, off + n));
          yield* wr.writeAll(scratch.subarray(0, n));
          scratch.fill(0xee, 0, n);
          off += n;
        }
        yield* wr.shutdown();
      },
      function* () {
        let off = 0;
        for (;;) {
          const n = yield* rd.read(received.subarray(off));
          if (n === 0) break;
          off += n;
        }
        assert.equal(off, data.length, 'echoed length');
      },
    );
    assert.ok(
      Buffer.from(received.subarray(0, data.length)).equals(Buffer.from(data)),
      'echoed bytes differ',
    );
  } finally {
    stream.close();
  }
}

describe('TcpStream and TcpListener', () => {
  test('the echo example returns every byte in order to 200 concurrent clients', function* () {
    const clients = 200;
    const size = long ? 4 * 1024 * 1024 : 1024 * 1024;
    const listener = yield* TcpListener.bind('127.0.0.1:0');
    const metrics = Runtime.current().metrics();
    const before = metrics.numAliveTasks;
    const server = spawn(serve(listener));
    try {
      const runs = [];
      for (let i = 0; i < clients; i++)
        runs.push(spawn(echoClient(listener.localAddr(), payload(i + 1, size), i + 7)));
      for (const r of runs) yield* r;
      // The example's connection tasks end when they read the clients' FIN,
      // which may arrive after the last client task finished: wait for them
      // (yieldNow hands over to Node's event loop); bounded, so that a task
      // that never ends fails the leak check instead of hanging the test.
      for (let i = 0; metrics.numAliveTasks > before + 1 && i < 1_000_000; i++) yield* yieldNow();
    } finally {
      server.abort();
      listener.close();
    }
  });

  test('read returns what the peer wrote and 0 after its shutdown; writing still works (half-close)', function* () {
    const listener = yield* TcpListener.bind('127.0.0.1:0');
    const client = yield* TcpStream.connect(listener.localAddr());
    const [server, peer] = yield* listener.accept();
    assert.equal(peer.port, client.localAddr().port);
    assert.equal(client.peerAddr().port, listener.localAddr().port);
    yield* client.writeAll(new TextEncoder().encode('request'));
    yield* client.shutdown();
    yield* client.shutdown(); // twice is fine
    assert.equal(yield* server.readToString(), 'request');
    yield* server.writeAll(new TextEncoder().encode('reply after FIN'));
    server.close();
    assert.equal(yield* client.readToString(), 'reply after FIN');
    client.close();
    listener.close();
  });

  test('peek does not consume, tryRead reports would-block as undefined, readChunk hands over chunks', function* () {
    const listener = yield* TcpListener.bind({ host: '127.0.0.1', port: 0 });
    const client = yield* TcpStream.connect(`127.0.0.1:${listener.localAddr().port}`);
    const [server] = yield* listener.accept();
    const buf = new Uint8Array(16);
    assert.equal(server.tryRead(buf), undefined);
    yield* client.writeAll(new Uint8Array([1, 2, 3]));
    yield* server.readable();
    const p = yield* server.peek(buf);
    assert.deepEqual([...buf.subarray(0, p)], [1, 2, 3]);
    assert.equal(server.tryRead(buf), 3);
    assert.deepEqual([...buf.subarray(0, 3)], [1, 2, 3]);
    yield* client.writeAll(new Uint8Array([4, 5]));
    const chunk = yield* server.readChunk();
    assert.deepEqual([...(chunk ?? [])], [4, 5]);
    client.close();
    assert.equal(yield* server.readChunk(), undefined);
    assert.equal(server.tryRead(buf), 0);
    server.close();
    listener.close();
  });

  test('setNodelay is reflected by nodelay', function* () {
    const listener = yield* TcpListener.bind('127.0.0.1:0');
    const client = yield* TcpStream.connect(listener.localAddr());
    assert.equal(client.nodelay(), false);
    client.setNodelay(true);
    assert.equal(client.nodelay(), true);
    client.close();
    listener.close();
  });

  test('cancel safety: a read cancelled by select loses no bytes; the next read gets them', function* () {
    const listener = yield* TcpListener.bind('127.0.0.1:0');
    const client = yield* TcpStream.connect(listener.localAddr());
    const [server] = yield* listener.accept();
    const buf = new Uint8Array(8);
    // Many reads parked and cancelled: nothing is left behind on the socket.
    for (let i = 0; i < 1000; i++) {
      const r = yield* select({ read: server.read(buf), now: yieldNow() });
      assert.equal(r.key, 'now');
    }
    yield* client.writeAll(new Uint8Array([9, 8, 7]));
    // Wait until the bytes are there, then cancel a read that was already woken.
    yield* server.readable();
    const reader = spawn(server.read(buf));
    reader.abort();
    yield* (function* () {
      try {
        yield* reader;
      } catch {}
    })();
    const n = yield* server.read(buf);
    assert.deepEqual([...buf.subarray(0, n)], [9, 8, 7]);
    client.close();
    server.close();
    listener.close();
  });

  test('cancel safety: an accept cancelled by timeout loses no connection', {
    startPaused: true,
  }, function* () {
    const listener = yield* TcpListener.bind('127.0.0.1:0');
    try {
      yield* timeout(1000, listener.accept());
      assert.fail('accept should time out');
    } catch (e) {
      assert.ok(e instanceof Elapsed);
    }
    const client = yield* TcpStream.connect(listener.localAddr());
    yield* loopTurns(5);
    // A second cancelled accept, now with the connection already queued.
    const r = yield* select({ accept: listener.accept(), now: yieldNow() }, { biased: true });
    if (r.key === 'accept') r.value[0].close();
    else {
      const [server] = yield* listener.accept();
      yield* client.writeAll(new Uint8Array([1]));
      assert.equal(yield* server.read(new Uint8Array(1)), 1);
      server.close();
    }
    client.close();
    listener.close();
  });

  test('backpressure: a peer that stops reading makes the writer wait, with bounded buffering', function* () {
    const listener = yield* TcpListener.bind('127.0.0.1:0');
    const client = yield* TcpStream.connect(listener.localAddr());
    const [server] = yield* listener.accept();
    const chunk = new Uint8Array(64 * 1024).fill(7);
    let written = 0;
    // Write until Node's buffer is above its high-water mark and the kernel is full.
    for (let turns = 0; turns < 200; ) {
      const n = server.tryWrite(chunk);
      if (n === undefined) {
        yield* loopTurns(1);
        turns++;
        if (server.tryWrite(chunk) === undefined) break;
        written += chunk.length;
      } else written += n;
    }
    const stalledAt = written;
    // Give the event loop plenty of turns: the writer stays blocked.
    const w = yield* select({ writable: server.writable(), turns: loopTurns(50) });
    assert.equal(w.key, 'turns', 'the writer should stay blocked while the peer does not read');
    assert.equal(server.tryWrite(chunk), undefined);
    assert.ok(stalledAt < 64 * 1024 * 1024, `buffered ${stalledAt} bytes before blocking`);
    // A writeAll in another task waits, and finishes once the peer reads.
    const writer = spawn(function* () {
      yield* server.writeAll(chunk);
      yield* server.shutdown();
    });
    const got = (yield* client.readToEnd()).length;
    yield* writer;
    assert.equal(got, stalledAt + chunk.length);
    client.close();
    server.close();
    listener.close();
  });

  test('cancel safety: writes blocked on a full socket and cancelled lose nothing; the stream stays usable', {
    startPaused: true,
  }, function* () {
    const listener = yield* TcpListener.bind('127.0.0.1:0');
    const client = yield* TcpStream.connect(listener.localAddr());
    const [server] = yield* listener.accept();
    const chunk = new Uint8Array(256 * 1024).fill(1);
    let accepted = 0;
    // write() (not writeAll) so that we know exactly how many bytes were taken.
    for (;;) {
      const r = yield* select({ n: server.write(chunk), turns: loopTurns(20) }, { biased: true });
      if (r.key === 'turns') break;
      accepted += r.value;
    }
    // A writeAll cancelled by a timeout (the paused clock jumps when the runtime idles).
    let timedOut = false;
    try {
      yield* timeout(10, server.writeAll(chunk));
    } catch (e) {
      assert.ok(e instanceof Elapsed);
      timedOut = true;
    }
    assert.ok(timedOut, 'writeAll into a full socket should time out');
    const reader = spawn(client.readToEnd());
    yield* server.writeAll(new Uint8Array([2]));
    yield* server.shutdown();
    const all = yield* reader;
    assert.ok(all.length >= accepted + 1, `${all.length} < ${accepted + 1}`);
    assert.ok(all.subarray(0, all.length - 1).every((b) => b === 1));
    assert.equal(all[all.length - 1], 2);
    client.close();
    server.close();
    listener.close();
  });

  test('errors are typed: refused connect, address in use, invalid addresses, reset by peer, use after close', function* () {
    const listener = yield* TcpListener.bind('127.0.0.1:0');
    const port = listener.localAddr().port;
    const inUse = yield* catchIo(TcpListener.bind(`127.0.0.1:${port}`));
    assert.equal(inUse.kind, 'addr-in-use');
    listener.close();
    const refused = yield* catchIo(TcpStream.connect(`127.0.0.1:${port}`));
    assert.equal(refused.kind, 'connection-refused');
    for (const bad of ['nonsense', '127.0.0.1', '127.0.0.1:99999', '::1:80', '[::1]80', '']) {
      assert.throws(
        () => TcpStream.connect(bad),
        (e: unknown) => e instanceof IoError && e.kind === 'invalid-input',
        bad,
      );
    }
    assert.throws(() => TcpListener.bind({ host: '127.0.0.1', port: -1 }), IoError);

    // A server that resets every connection; the runtime keeps serving others.
    const raw: Server = createServer((s) => s.once('data', () => s.resetAndDestroy()));
    yield* call(new Promise<void>((r) => raw.listen(0, '127.0.0.1', r)));
    try {
      const rport = (raw.address() as { port: number }).port;
      const victim = yield* TcpStream.connect(`127.0.0.1:${rport}`);
      yield* victim.writeAll(new Uint8Array([1]));
      const reset = yield* catchIo(victim.readToEnd());
      assert.equal(reset.kind, 'connection-reset');
      victim.close();
    } finally {
      raw.close();
    }
    const l2 = yield* TcpListener.bind('127.0.0.1:0');
    const c2 = yield* TcpStream.connect(l2.localAddr());
    const [s2] = yield* l2.accept();
    c2.close();
    const afterClose = yield* catchIo(c2.read(new Uint8Array(4)));
    assert.equal(afterClose.kind, 'not-connected');
    yield* s2.shutdown();
    const afterShutdown = yield* catchIo(s2.write(new Uint8Array(1)));
    assert.equal(afterShutdown.kind, 'broken-pipe');
    s2.close();
    l2.close();
    const closedAccept = yield* catchIo(l2.accept());
    assert.equal(closedAccept.kind, 'not-connected');
  });

  test('a closed listener fails a parked accept', function* () {
    const listener = yield* TcpListener.bind('127.0.0.1:0');
    const acc = spawn(catchIo(listener.accept()));
    yield* yieldNow();
    listener.close();
    assert.equal((yield* acc).kind, 'not-connected');
  });

  test('split halves work from two tasks and reunite gives the stream back', function* () {
    const listener = yield* TcpListener.bind('127.0.0.1:0');
    const client = yield* TcpStream.connect(listener.localAddr());
    const [server] = yield* listener.accept();
    const [rd, wr] = server.intoSplit();
    const echo = spawn(function* () {
      const buf = new Uint8Array(100);
      const n = yield* rd.read(buf);
      yield* wr.writeAll(buf.subarray(0, n));
      wr.close(); // FIN, like dropping Tokio's OwnedWriteHalf
    });
    yield* client.writeAll(new TextEncoder().encode('halves'));
    assert.equal(yield* client.readToString(), 'halves');
    yield* echo;
    const [r2, w2] = client.split();
    assert.equal((r2 as unknown as { reunite(w: unknown): unknown }).reunite(w2), client);
    assert.throws(() => (rd as unknown as { reunite(w: unknown): unknown }).reunite(w2), TypeError);
    client.close();
    server.close();
    listener.close();
  });
});

/** Runs `fut` and returns the IoError it throws (fails if it does not). */
function* catchIo(fut: Future<unknown>): Future<IoError> {
  try {
    yield* fut;
  } catch (e) {
    assert.ok(e instanceof IoError, `expected an IoError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an IoError');
}
