import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'node:test';
import { type Future, select, spawn, yieldNow } from 'tokio-ts';
import { IoError } from 'tokio-ts/io';
import { lookupHost, SocketAddr, UdpSocket, UnixListener, UnixStream } from 'tokio-ts/net';
import { mpsc } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';

function* catchIo(fut: Future<unknown> | (() => Future<unknown>)): Future<IoError> {
  try {
    yield* typeof fut === 'function' ? fut() : fut;
  } catch (e) {
    assert.ok(e instanceof IoError, `expected an IoError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an IoError');
}

describe('UdpSocket', () => {
  test('datagrams keep their boundaries and a short buffer truncates as Tokio does', function* () {
    const a = yield* UdpSocket.bind('127.0.0.1:0');
    const b = yield* UdpSocket.bind('127.0.0.1:0');
    try {
      for (const size of [1, 100, 1000])
        yield* a.sendTo(new Uint8Array(size).fill(size % 256), b.localAddr());
      const buf = new Uint8Array(2048);
      for (const size of [1, 100, 1000]) {
        const [n, from] = yield* b.recvFrom(buf);
        assert.equal(n, size);
        assert.equal(buf[n - 1], size % 256);
        assert.equal(`${from}`, `${a.localAddr()}`);
      }
      yield* a.sendTo(new Uint8Array([1, 2, 3, 4, 5]), b.localAddr());
      yield* a.sendTo(new Uint8Array([6]), b.localAddr());
      const small = new Uint8Array(2);
      assert.deepEqual((yield* b.recvFrom(small))[0], 2);
      assert.deepEqual([...small], [1, 2]);
      // The rest of the first datagram is gone; the next read is the next datagram.
      assert.equal((yield* b.recvFrom(small))[0], 1);
      assert.equal(small[0], 6);
    } finally {
      a.close();
      b.close();
    }
  });

  test('split_chan (udp.rs): one task receives while another sends on the same socket; two waiting receivers each get a datagram', function* () {
    const echo = yield* UdpSocket.bind('127.0.0.1:0');
    const [tx, rx] = mpsc.channel<[Uint8Array, SocketAddr]>(1000);
    const sender = spawn(function* () {
      for (let m = yield* rx.recv(); m !== undefined; m = yield* rx.recv())
        yield* echo.sendTo(m[0], m[1]);
    });
    const receiver = spawn(function* () {
      const buf = new Uint8Array(32);
      for (;;) {
        const [n, from] = yield* echo.recvFrom(buf);
        yield* tx.send([buf.slice(0, n), from]);
      }
    });
    const client = yield* UdpSocket.bind('127.0.0.1:0');
    const enc = new TextEncoder();
    for (const msg of ['hello', 'world']) {
      yield* client.sendTo(enc.encode(msg), echo.localAddr());
      const buf = new Uint8Array(32);
      const [n] = yield* client.recvFrom(buf);
      assert.equal(new TextDecoder().decode(buf.subarray(0, n)), msg);
    }
    receiver.abort();
    const recvLen = function* () {
      return (yield* client.recvFrom(new Uint8Array(8)))[0];
    };
    const r1 = spawn(recvLen);
    const r2 = spawn(recvLen);
    yield* yieldNow();
    yield* echo.sendTo(new Uint8Array(3), client.localAddr());
    yield* echo.sendTo(new Uint8Array(5), client.localAddr());
    assert.deepEqual([yield* r1, yield* r2].sort(), [3, 5]);
    tx.close();
    yield* sender;
    echo.close();
    client.close();
  });

  test('connect, send and recv talk to the one peer', function* () {
    const a = yield* UdpSocket.bind('127.0.0.1:0');
    const b = yield* UdpSocket.bind('127.0.0.1:0');
    try {
      assert.throws(
        () => a.send(new Uint8Array(1)),
        (e: unknown) => e instanceof IoError && e.kind === 'not-connected',
      );
      yield* a.connect(b.localAddr());
      yield* b.connect(a.localAddr());
      assert.equal(`${a.peerAddr()}`, `${b.localAddr()}`);
      yield* a.send(new TextEncoder().encode('hi'));
      const buf = new Uint8Array(8);
      assert.equal(yield* b.recv(buf), 2);
      a.setBroadcast(true);
    } finally {
      a.close();
      b.close();
    }
  });

  test('cancel safety: a cancelled recvFrom takes no datagram', function* () {
    const a = yield* UdpSocket.bind('127.0.0.1:0');
    const b = yield* UdpSocket.bind('127.0.0.1:0');
    try {
      const buf = new Uint8Array(8);
      for (let i = 0; i < 100; i++) {
        const r = yield* select({ recv: b.recvFrom(buf), now: yieldNow() });
        assert.equal(r.key, 'now');
      }
      yield* a.sendTo(new Uint8Array([42]), b.localAddr());
      const [n] = yield* b.recvFrom(buf);
      assert.equal(n, 1);
      assert.equal(buf[0], 42);
    } finally {
      a.close();
      b.close();
    }
  });

  test('a closed socket fails a parked recv; bad addresses are typed errors', function* () {
    const a = yield* UdpSocket.bind('127.0.0.1:0');
    const recv = spawn(catchIo(a.recvFrom(new Uint8Array(4))));
    yield* yieldNow();
    a.close();
    assert.equal((yield* recv).kind, 'not-connected');
    for (const use of [() => a.localAddr(), () => a.setBroadcast(true)])
      assert.throws(use, (e: unknown) => e instanceof IoError && e.kind === 'not-connected');
    assert.throws(
      () => UdpSocket.bind('localhost'),
      (e: unknown) => e instanceof IoError && e.kind === 'invalid-input',
    );
  });
});

describe('Unix sockets', () => {
  test('a unix stream echoes, half-closes and reports a missing path as not-found', function* () {
    const path = join(
      tmpdir(),
      `tokio-ts-test-${process.pid}-${Math.random().toString(36).slice(2)}.sock`,
    );
    rmSync(path, { force: true });
    const listener = yield* UnixListener.bind(path);
    try {
      assert.equal(listener.localAddr(), path);
      const client = yield* UnixStream.connect(path);
      const [server] = yield* listener.accept();
      yield* client.writeAll(new TextEncoder().encode('unix'));
      yield* client.shutdown();
      const got = yield* server.readToString();
      yield* server.writeAll(new TextEncoder().encode(got.toUpperCase()));
      server.close();
      assert.equal(yield* client.readToString(), 'UNIX');
      client.close();
      assert.equal((yield* catchIo(UnixListener.bind(path))).kind, 'addr-in-use');
    } finally {
      listener.close();
    }
    assert.equal((yield* catchIo(UnixStream.connect(`${path}.missing`))).kind, 'not-found');
  });
});

describe('addresses', () => {
  test('SocketAddr parses and prints v4 and v6; lookupHost resolves localhost', function* () {
    assert.equal(`${SocketAddr.parse('10.0.0.1:80')}`, '10.0.0.1:80');
    assert.equal(SocketAddr.parse('[::1]:443').family, 'IPv6');
    assert.throws(() => SocketAddr.parse('host:80'), IoError);
    const addrs = yield* lookupHost('localhost:8080');
    assert.ok(addrs.length > 0);
    assert.ok(addrs.every((a) => a.port === 8080));
    const missing = yield* catchIo(lookupHost('no-such-host.invalid:80'));
    // not-found (NXDOMAIN); timed-out if the machine has no resolver at all
    assert.ok(['not-found', 'timed-out'].includes(missing.kind), missing.kind);
  });
});
