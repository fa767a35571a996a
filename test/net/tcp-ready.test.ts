/** Ports of tokio/tests/tcp_stream.rs (ready, try_*_vectored, linger) and tcp_socket.rs basic_linger. */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'node:test';
import { type Future, select, yieldNow } from 'tokio-ts';
import { Interest, IoError, Ready } from 'tokio-ts/io';
import { TcpListener, TcpStream, UnixListener, UnixStream } from 'tokio-ts/net';
import { test } from 'tokio-ts/test';
import { errorOf } from '../io/helpers.js';

function* createPair(): Future<[TcpStream, TcpStream, TcpListener]> {
  const listener = yield* TcpListener.bind('127.0.0.1:0');
  const client = yield* TcpStream.connect(listener.localAddr());
  const [server] = yield* listener.accept();
  return [client, server, listener];
}

/** Fills Node's write buffer of `s` with tryWrite; returns the bytes taken. */
function writeUntilPending(s: TcpStream, vectored: boolean): number {
  const data = new Uint8Array(4000).fill(2);
  const bufs = Array.from({ length: 400 }, (_, i) => data.subarray(10 * i, 10 * i + 10));
  let total = 0;
  for (;;) {
    const n = vectored ? s.tryWriteVectored(bufs) : s.tryWrite(data);
    if (n === undefined) return total;
    assert.equal(n, 4000);
    total += n;
  }
}

/** Reads `total` bytes with readable() + tryRead(Vectored); checks every byte is 2. */
function* drain(s: TcpStream, total: number, vectored: boolean): Future<void> {
  const read = new Uint8Array(total);
  let i = 0;
  while (i < total) {
    yield* s.readable();
    const rest = read.subarray(i);
    const n = vectored
      ? s.tryReadVectored([rest.subarray(0, 0x10000), rest.subarray(0x10000)])
      : s.tryRead(rest);
    if (n === undefined) continue;
    assert.ok(n > 0);
    i += n;
  }
  assert.ok(read.every((b) => b === 2));
}

describe('TcpStream readiness', () => {
  test('read_closed: ready(READABLE) waits for bytes, and the peer still writing is not read-closed', function* () {
    const [client, server, l] = yield* createPair();
    const early = yield* select(
      { r: client.ready(Interest.READABLE), now: yieldNow() },
      { biased: true },
    );
    assert.equal(early.key, 'now');
    yield* server.writeAll(new TextEncoder().encode('ping'));
    const r = yield* client.ready(Interest.READABLE);
    assert.ok(r.isReadable());
    assert.ok(!r.isReadClosed());
    assert.ok(!r.isWritable(), 'only the requested interest is reported');
    server.close();
    for (;;) {
      const rr = yield* client.ready(Interest.READABLE);
      if (rr.isReadClosed()) break;
      yield* yieldNow();
    }
    client.close();
    l.close();
  });

  for (const vectored of [false, true]) {
    test(`try_read_write${vectored ? ' (vectored)' : ''}: fill the write buffer without waiting, wait for writable, drain`, function* () {
      const [client, server, l] = yield* createPair();
      yield* client.writable();
      const written = writeUntilPending(client, vectored);
      assert.ok(written > 0);
      const full = yield* select(
        { w: client.ready(Interest.WRITABLE), now: yieldNow() },
        { biased: true },
      );
      assert.equal(full.key, 'now', 'a full write buffer is not writable');
      yield* drain(server, written, vectored);
      const r = yield* client.ready(Interest.WRITABLE);
      assert.ok(r.isWritable());
      assert.ok(!r.isWriteClosed(), 'write_closed: a drained socket is not write-closed');
      client.close();
      for (;;) {
        const rr = yield* server.ready(Interest.READABLE);
        if (rr.isReadClosed()) break;
        yield* yieldNow();
      }
      server.close();
      l.close();
    });
  }

  test('after shutdown, ready(WRITABLE) reports write-closed at once', function* () {
    const [client, server, l] = yield* createPair();
    yield* client.shutdown();
    const r = yield* client.ready(Interest.WRITABLE);
    assert.ok(r.isWriteClosed() && r.isWritable());
    const both = yield* client.ready(Interest.READABLE.add(Interest.WRITABLE));
    assert.ok(both.isWriteClosed());
    assert.equal(both.isReadable(), false);
    client.close();
    server.close();
    l.close();
  });

  test('cancel safety: a cancelled ready() consumes nothing', function* () {
    const [client, server, l] = yield* createPair();
    const r = yield* select(
      { r: client.ready(Interest.READABLE), now: yieldNow() },
      { biased: true },
    );
    assert.equal(r.key, 'now');
    yield* server.writeAll(new Uint8Array([1, 2, 3]));
    yield* client.ready(Interest.READABLE);
    const buf = new Uint8Array(8);
    assert.equal(client.tryReadVectored([buf.subarray(0, 1), buf.subarray(1)]), 3);
    assert.deepEqual(buf.subarray(0, 3), Uint8Array.from([1, 2, 3]));
    client.close();
    server.close();
    l.close();
  });

  test('a ready() loop on a ready socket still yields to other tasks', function* () {
    const [client, server, l] = yield* createPair();
    const r = yield* select(
      {
        spin: function* () {
          for (let i = 0; i < 100_000; i++) yield* client.ready(Interest.WRITABLE);
          throw new Error('ready() never yielded');
        },
        yielded: yieldNow(),
      },
      { biased: true },
    );
    assert.equal(r.key, 'yielded');
    client.close();
    server.close();
    l.close();
  });

  test('Interest and Ready: add, remove, flags, and bad arguments', function* () {
    const both = Interest.READABLE.add(Interest.WRITABLE);
    assert.ok(both.isReadable() && both.isWritable());
    assert.equal(both.remove(Interest.WRITABLE), Interest.READABLE);
    assert.equal(Interest.READABLE.remove(Interest.READABLE), undefined);
    assert.equal(String(both), 'READABLE | WRITABLE');
    assert.ok(Ready.EMPTY.isEmpty());
    assert.equal(String(Ready.READABLE.add(Ready.READ_CLOSED)), 'READABLE | READ_CLOSED');
    const [client, server, l] = yield* createPair();
    assert.throws(() => client.ready('readable' as never), TypeError);
    assert.throws(() => client.tryReadVectored([1] as never), TypeError);
    client.close();
    server.close();
    l.close();
  });
});

describe('TcpStream vectored writes', () => {
  test('writeVectored sends the buffers in order as one write', function* () {
    const [client, server, l] = yield* createPair();
    const enc = new TextEncoder();
    assert.ok(client.isWriteVectored());
    assert.equal(
      yield* client.writeVectored([enc.encode('a'), new Uint8Array(0), enc.encode('bc')]),
      3,
    );
    const [, wr] = client.intoSplit();
    assert.equal(yield* wr.writeVectored([enc.encode('d')]), 1);
    assert.equal(yield* wr.writeVectored([]), 0);
    client.close();
    assert.equal(yield* server.readToString(), 'abcd');
    server.close();
    l.close();
  });
});

describe('TcpStream vectored writes: cancel safety', () => {
  test('cancel safety: a writeVectored cancelled while the write buffer is full wrote nothing', function* () {
    const [client, server, l] = yield* createPair();
    const written = writeUntilPending(client, true);
    const r = yield* select(
      { w: client.writeVectored([new Uint8Array([5, 5])]), now: yieldNow() },
      { biased: true },
    );
    assert.equal(r.key, 'now');
    yield* drain(server, written, true);
    yield* client.writeAll(new Uint8Array([9]));
    const next = new Uint8Array(1);
    yield* server.readExact(next);
    assert.equal(next[0], 9);
    client.close();
    server.close();
    l.close();
  });
});

describe('TcpStream linger', () => {
  test('set_linger / basic_linger: zero linger is reported; a positive linger is unsupported', function* () {
    const [client, server, l] = yield* createPair();
    assert.equal(client.linger(), undefined);
    const e = (() => {
      try {
        client.setLinger(1000);
      } catch (err) {
        return err;
      }
    })();
    assert.ok(e instanceof IoError && e.kind === 'unsupported');
    assert.equal(client.linger(), undefined);
    client.setZeroLinger();
    assert.equal(client.linger(), 0);
    client.setLinger(undefined);
    assert.equal(client.linger(), undefined);
    client.setLinger(0);
    assert.equal(client.linger(), 0);
    assert.throws(() => client.setLinger(-1), RangeError);
    client.close();
    server.close();
    l.close();
  });

  test('shutdown_after_tcp_reset: closing with zero linger resets the connection', function* () {
    const [client, server, l] = yield* createPair();
    server.setZeroLinger();
    server.close();
    const err = yield* errorOf(client.read(new Uint8Array(8)));
    assert.ok(err instanceof IoError);
    assert.equal(err.kind, 'connection-reset');
    client.close();
    l.close();
  });

  test('closing without linger ends the stream gracefully', function* () {
    const [client, server, l] = yield* createPair();
    yield* server.writeAll(new Uint8Array([7]));
    server.close();
    assert.deepEqual(yield* client.readToEnd(), Uint8Array.from([7]));
    client.close();
    l.close();
  });
});

describe('UnixStream readiness and vectored I/O', () => {
  test('ready(interest), writeVectored and tryReadVectored work on unix streams too', function* () {
    const path = join(tmpdir(), `tokio-ts-ready-${process.pid}-${Date.now()}.sock`);
    rmSync(path, { force: true });
    const listener = yield* UnixListener.bind(path);
    try {
      const client = yield* UnixStream.connect(path);
      const [server] = yield* listener.accept();
      assert.ok((yield* client.ready(Interest.WRITABLE)).isWritable());
      assert.equal(yield* client.writeVectored([new Uint8Array([1]), new Uint8Array([2, 3])]), 3);
      const r = yield* server.ready(Interest.READABLE);
      assert.ok(r.isReadable() && !r.isReadClosed());
      const a = new Uint8Array(1);
      const b = new Uint8Array(4);
      let got = server.tryReadVectored([a, b]) ?? 0;
      while (got < 3) {
        yield* server.readable();
        got += server.tryReadVectored([b.subarray(got - 1)]) ?? 0;
      }
      assert.deepEqual([a[0], b[0], b[1]], [1, 2, 3]);
      client.close();
      server.close();
    } finally {
      listener.close();
    }
  });
});
