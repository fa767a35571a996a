/**
 * Ports of Tokio's tcp_*.rs cases not covered by tcp.test.ts / tcp-ready.test.ts.
 */
import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { describe } from 'node:test';
import { type Future, join, tryJoin } from 'tokio-ts';
import { call } from 'tokio-ts/future';
import { IoError } from 'tokio-ts/io';
import { TcpListener, TcpStream } from 'tokio-ts/net';
import { test } from 'tokio-ts/test';

function* pair(host = '127.0.0.1'): Future<[TcpStream, TcpStream, TcpListener]> {
  const listener = yield* TcpListener.bind(host.includes(':') ? `[${host}]:0` : `${host}:0`);
  const [client, [server]] = yield* tryJoin(
    TcpStream.connect(listener.localAddr()),
    listener.accept(),
  );
  return [client, server, listener];
}

function* loopTurn(): Future<void> {
  yield* call(new Promise<void>((r) => setImmediate(r)));
}

describe('tcp (Tokio tcp_*.rs ports)', () => {
  test('write_closed (tcp_stream.rs): writes to a peer that closed fail with a typed IoError', function* () {
    const [client, server, listener] = yield* pair();
    listener.close();
    server.close();
    let err: unknown;
    for (let i = 0; i < 1000 && err === undefined; i++) {
      try {
        yield* client.write(new Uint8Array(1024));
        yield* loopTurn(); // let the RST arrive
      } catch (e) {
        err = e;
      }
    }
    assert.ok(err instanceof IoError, `expected an IoError, got ${String(err)}`);
    assert.ok(['broken-pipe', 'connection-reset'].includes(err.kind), err.kind);
    client.close();
  });

  test('shutdown (tcp_shutdown.rs): a write after our own shutdown is broken-pipe; reading still works', function* () {
    const [client, server, listener] = yield* pair();
    yield* client.shutdown();
    try {
      yield* client.write(new Uint8Array([1]));
      assert.fail('write after shutdown should fail');
    } catch (e) {
      assert.ok(e instanceof IoError && e.kind === 'broken-pipe', String(e));
    }
    const buf = new Uint8Array(4);
    assert.equal(yield* server.read(buf), 0, 'the peer sees end of stream');
    yield* server.writeAll(new Uint8Array([7]));
    assert.equal(yield* client.read(buf), 1);
    assert.equal(buf[0], 7);
    client.close();
    server.close();
    listener.close();
  });

  test('connect_v6 / connect_addr_* (tcp_connect.rs): IPv6 loopback, host names and { host, port }', function* () {
    // (a CI container may run without IPv6 loopback)
    const hasV6 = Object.values(networkInterfaces()).some((as) =>
      as?.some((a) => a.internal && a.family === 'IPv6'),
    );
    if (hasV6) {
      const [client, server, listener] = yield* pair('::1');
      const addr = listener.localAddr();
      assert.equal(addr.family, 'IPv6');
      assert.equal(addr.toString(), `[::1]:${addr.port}`);
      assert.equal(client.peerAddr().toString(), addr.toString());
      assert.equal(server.peerAddr().toString(), client.localAddr().toString());
      client.close();
      server.close();
      listener.close();
    }
    const v4 = yield* TcpListener.bind('127.0.0.1:0');
    const port = v4.localAddr().port;
    for (const target of [`localhost:${port}`, { host: '127.0.0.1', port }, v4.localAddr()]) {
      const [c, [s]] = yield* join(TcpStream.connect(target), v4.accept());
      assert.equal(c.peerAddr().port, port);
      c.close();
      s.close();
    }
    v4.close();
  });

  test('poll_hup (tcp_connect.rs): a peer that closes right after accept reads as end of stream', function* () {
    const [client, server, listener] = yield* pair();
    listener.close();
    server.close();
    assert.equal(yield* client.read(new Uint8Array(8)), 0);
    client.close();
  });

  test('drop_write (tcp_into_split.rs): closing the owned write half ends the stream for the peer; the read half still reads', function* () {
    const [client, server, listener] = yield* pair();
    const [rd, wr] = client.intoSplit();
    yield* wr.writeAll(new Uint8Array([1, 2]));
    wr.close();
    assert.deepEqual([...(yield* server.readToEnd())], [1, 2]);
    yield* server.writeAll(new Uint8Array([9]));
    server.close();
    assert.deepEqual([...(yield* rd.readToEnd())], [9]);
    listener.close();
  });

  test('accept_many (tcp_accept.rs): every one of many concurrent connects is accepted once', function* () {
    const listener = yield* TcpListener.bind('127.0.0.1:0');
    const n = 50;
    const connects: Future<TcpStream>[] = [];
    for (let i = 0; i < n; i++) connects.push(TcpStream.connect(listener.localAddr()));
    const accepts = function* (): Future<TcpStream[]> {
      const out: TcpStream[] = [];
      for (let i = 0; i < n; i++) out.push((yield* listener.accept())[0]);
      return out;
    };
    const [clients, servers] = yield* join(join(...connects), accepts);
    const ports = new Set(servers.map((s) => s.peerAddr().port));
    assert.deepEqual(ports, new Set(clients.map((c) => c.localAddr().port)));
    for (const s of [...clients, ...servers]) s.close();
    listener.close();
  });
});
