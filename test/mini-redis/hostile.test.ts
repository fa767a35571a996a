// mini-redis against hostile clients, each case as redis-server 7 answers it
// (the replies were recorded side by side with redis-server 7.0.15): bad
// framing, requests cut into tiny pieces, floods. Loopback, bounded in time
// and bytes.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { describe } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Future, spawn } from 'tokio-ts';
import { BytesMut } from 'tokio-ts/codec';
import { call } from 'tokio-ts/future';
import { TcpListener, type TcpStream } from 'tokio-ts/net';
import { CancellationToken } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';
import { Instant, sleep } from 'tokio-ts/time';
import { RespCodec } from '../../examples/mini-redis/resp.js';
import { run } from '../../examples/mini-redis/server.js';
import { type Raw, raw, turn, until, withServer } from './util.js';

/** A request as a multibulk of bulk strings. */
function multibulk(...args: (string | Uint8Array)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.from(a);
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Sends one request on `c` and returns its whole reply (a request at a time: nothing else is pending). */
function* ask(c: Raw, req: Uint8Array | string): Future<string> {
  const before = c.data().length;
  c.sock.write(req);
  const whole = () => {
    const b = new BytesMut();
    b.extend(Buffer.from(c.data().slice(before), 'latin1'));
    return new RespCodec().decode(b) !== undefined;
  };
  yield* until(whole, `the reply to ${String(req).slice(0, 40)}`);
  return c.data().slice(before);
}

/**
 * Runs `body` while a ticker keeps the paused clock from jumping to a far
 * deadline (the server's idle timeout) while a request is on the wire: the
 * clock creeps 1 ms per idle turn instead.
 */
function* ticking<T>(body: Future<T>): Future<T> {
  const ticker = spawn(function* () {
    for (;;) yield* sleep(1);
  });
  try {
    return yield* body;
  } finally {
    ticker.abort();
  }
}

/** Subscribes a raw client to `channel`, then stops reading from it. */
function* stalledSubscriber(port: number, channel: string): Future<Raw> {
  const sub = raw(port);
  yield* ask(sub, `SUBSCRIBE ${channel}\r\n`);
  sub.sock.pause();
  return sub;
}

/** Publishes 64 KB messages until nobody receives them (or `maxBytes` went out); returns the bytes published while someone did. */
function* publishUntilNobodyListens(pub: Raw, channel: string, maxBytes: number): Future<number> {
  const msg = Buffer.alloc(64 * 1024, 120);
  let sent = 0;
  while (sent < maxBytes) {
    const r = yield* ask(pub, multibulk('PUBLISH', channel, msg));
    if (r === ':0\r\n') return sent;
    assert.equal(r, ':1\r\n');
    sent += msg.length;
  }
  return sent;
}

/** Counts the byte searches (`indexOf`) made while `body` runs: the parser's line scans. */
function* countingSearches<T>(
  body: () => Generator<any, T, any>,
): Generator<any, { calls: number; scanned: number; value: T }, any> {
  const protos = [Buffer.prototype, Uint8Array.prototype] as { indexOf: any }[];
  const saved = protos.map((p) => p.indexOf);
  let calls = 0;
  let scanned = 0;
  protos.forEach((p, i) => {
    const orig = saved[i];
    p.indexOf = function (this: Uint8Array, v: number, from = 0, ...rest: unknown[]) {
      const r = orig.call(this, v, from, ...rest);
      calls++;
      scanned += (r === -1 ? this.length : r + 1) - from;
      return r;
    };
  });
  try {
    const value = yield* body();
    return { calls, scanned, value };
  } finally {
    protos.forEach((p, i) => {
      p.indexOf = saved[i];
    });
  }
}

/** Every case is bounded in real time too: a server that hangs fails the test. */
const BOUND = { timeout: 30_000 };

describe('mini-redis against hostile clients', () => {
  test(
    'a 20,000-element request cut into 1,400-byte segments, then trickled byte by byte, costs work linear in its size',
    BOUND,
    function* () {
      yield* withServer(function* (port) {
        const n = 20_000;
        const wire = Buffer.from(`*${n + 1}\r\n$3\r\nDEL\r\n${'$1\r\nx\r\n'.repeat(n)}`);
        const c = raw(port);
        const other = raw(port);
        yield* until(() => c.sock.readyState === 'open', 'the connection');
        const { calls, scanned } = yield* countingSearches(function* () {
          const tail = 200;
          let off = 0;
          for (; off < wire.length - tail; off += 1400) {
            c.sock.write(wire.subarray(off, Math.min(off + 1400, wire.length - tail)));
            yield* turn();
            yield* turn();
          }
          off = wire.length - tail;
          for (; off < wire.length; off++) {
            c.sock.write(wire.subarray(off, off + 1));
            yield* turn();
          }
          yield* until(() => c.data() === ':0\r\n', 'the DEL reply');
          return undefined;
        });
        // Each element's header is found once: the searches and the bytes they
        // look at are bounded by the request's size, not by its size times the reads.
        assert.ok(calls < 3 * n, `${calls} searches for ${n} elements`);
        assert.ok(scanned < 3 * wire.length, `${scanned} bytes searched for ${wire.length} sent`);
        other.sock.write('PING\r\n');
        yield* until(() => other.data() === '+PONG\r\n', 'the other client');
        c.sock.destroy();
        other.sock.destroy();
      });
    },
  );

  test(
    'framing as redis-server: array elements must be bulk strings; *0, *-1 and blank lines are skipped; inline requests take LF line ends and quotes',
    BOUND,
    function* () {
      yield* withServer(function* (port) {
        const cases: [string, string, boolean][] = [
          // request, reply, closed afterwards
          ['*1\r\n+PING\r\n', "-ERR Protocol error: expected '$', got '+'\r\n", true],
          ['*2\r\n$4\r\nECHO\r\n:1\r\n', "-ERR Protocol error: expected '$', got ':'\r\n", true],
          ['*0\r\n*-1\r\n*-5\r\n\r\n\r\nPING\n', '+PONG\r\n', false],
          [
            "ECHO \"a b\\x41\\n\" 'c\\'d'\r\nPING\r\r\n",
            "-ERR wrong number of arguments for 'echo' command\r\n+PONG\r\n",
            false,
          ],
          ['ECHO "a b\\x41\\n"\r\n', '$5\r\na bA\n\r\n', false],
          ["ECHO 'c\\'d'\n", "$3\r\nc'd\r\n", false],
          [
            'ECHO "unbalanced\r\nPING\r\n',
            '-ERR Protocol error: unbalanced quotes in request\r\n',
            true,
          ],
          ['ECHO "a"b\r\n', '-ERR Protocol error: unbalanced quotes in request\r\n', true],
          ['*1\r\n$4\r\nPINGxxPING\r\n', '+PONG\r\n+PONG\r\n', false],
          ['*1\r\n$-1\r\n', '-ERR Protocol error: invalid bulk length\r\n', true],
          ['*01\r\n$4\r\nPING\r\n', '-ERR Protocol error: invalid multibulk length\r\n', true],
          ['*1\r\n$04\r\nPING\r\n', '-ERR Protocol error: invalid bulk length\r\n', true],
          [
            `*1\r\n${'$'.repeat(70_000)}`,
            '-ERR Protocol error: too big bulk count string\r\n',
            true,
          ],
          [`*${'1'.repeat(70_000)}`, '-ERR Protocol error: too big mbulk count string\r\n', true],
          [`PING ${'x'.repeat(70_000)}`, '-ERR Protocol error: too big inline request\r\n', true],
          [
            'FOO a b\r\n',
            "-ERR unknown command 'FOO', with args beginning with: 'a' 'b' \r\n",
            false,
          ],
        ];
        for (const [req, reply, closes] of cases) {
          const c = raw(port);
          c.sock.write(req);
          if (closes) {
            yield* until(c.isClosed, `the close after ${JSON.stringify(req.slice(0, 40))}`);
          } else {
            yield* until(
              () => c.data().length >= reply.length,
              `the reply to ${JSON.stringify(req)}`,
            );
            // a PING proves the connection is still open and nothing else was sent
            c.sock.write('PING\r\n');
            yield* until(() => c.data().length >= reply.length + 7, 'a PONG');
          }
          assert.equal(
            c.data(),
            closes ? reply : `${reply}+PONG\r\n`,
            JSON.stringify(req.slice(0, 40)),
          );
          c.sock.destroy();
        }
      });
    },
  );

  test(
    'accepted connections have TCP_NODELAY set: a pipelined batch is not held back by Nagle and delayed ACKs',
    BOUND,
    function* () {
      const listener = yield* TcpListener.bind('127.0.0.1:0');
      const accepted: TcpStream[] = [];
      const accept = listener.accept.bind(listener);
      listener.accept = function* () {
        const r = yield* accept();
        accepted.push(r[0]);
        return r;
      };
      const token = new CancellationToken();
      const server = spawn(run(listener, token));
      const c = raw(listener.localAddr().port);
      c.sock.write('PING\r\n');
      yield* until(() => c.data() === '+PONG\r\n', 'a PONG');
      assert.equal(accepted.length, 1);
      assert.equal(accepted[0]!.nodelay(), true);
      c.sock.destroy();
      token.cancel();
      yield* server;
    },
  );

  test(
    'a subscriber that does not read is disconnected at the pub/sub hard output limit',
    BOUND,
    function* () {
      const limit = { hardBytes: 1024 * 1024, softBytes: 0, softSeconds: 0 };
      yield* withServer(
        function* (port) {
          const sub = yield* stalledSubscriber(port, 'news');
          const pub = raw(port);
          const cap = 32 * 1024 * 1024;
          const sent = yield* publishUntilNobodyListens(pub, 'news', cap);
          assert.ok(sent < cap, 'the subscriber was never disconnected');
          assert.ok(sent >= limit.hardBytes, `disconnected after ${sent} bytes, below the limit`);
          assert.equal(yield* ask(pub, 'PUBSUB NUMSUB news\r\n'), '*2\r\n$4\r\nnews\r\n:0\r\n');
          sub.sock.destroy();
          pub.sock.destroy();
        },
        { pubsubLimit: limit },
      );
    },
  );

  test('a subscriber over the soft output limit for longer than its period is disconnected at the next message', {
    ...BOUND,
    startPaused: true,
  }, function* () {
    const limit = { hardBytes: 1024 * 1024 * 1024, softBytes: 1024 * 1024, softSeconds: 10 };
    yield* withServer(
      function* (port) {
        const sub = yield* stalledSubscriber(port, 'news');
        const pub = raw(port);
        // More than the socket buffers hold: the rest waits in the server, over the soft limit.
        const cap = 24 * 1024 * 1024;
        assert.equal(yield* publishUntilNobodyListens(pub, 'news', cap), cap);
        yield* sleep(10_000);
        assert.equal(
          yield* ask(pub, multibulk('PUBLISH', 'news', 'x')),
          ':1\r\n',
          'still within the period',
        );
        yield* sleep(1);
        // Past the period: this message is the last one it is sent (Redis counts it), then it is gone.
        assert.equal(yield* ask(pub, multibulk('PUBLISH', 'news', 'x')), ':1\r\n');
        assert.equal(yield* ask(pub, multibulk('PUBLISH', 'news', 'x')), ':0\r\n');
        sub.sock.destroy();
        pub.sock.destroy();
      },
      { pubsubLimit: limit },
    );
  });

  test(
    'a channel is freed when its last subscriber unsubscribes or disconnects',
    BOUND,
    function* () {
      yield* withServer(function* (port) {
        const n = 20_000;
        const names = Array.from({ length: n }, (_, i) => `channel:${i}`);
        const c = raw(port);
        c.sock.write(multibulk('SUBSCRIBE', ...names));
        const confirmations = names.reduce(
          (sum, name, i) =>
            sum + `*3\r\n$9\r\nsubscribe\r\n$${name.length}\r\n${name}\r\n:${i + 1}\r\n`.length,
          0,
        );
        yield* until(() => c.received() === confirmations, 'the confirmations');
        const probe = raw(port);
        assert.equal(
          yield* ask(probe, 'PUBSUB NUMSUB channel:0 channel:19999\r\n'),
          '*4\r\n$9\r\nchannel:0\r\n:1\r\n$13\r\nchannel:19999\r\n:1\r\n',
        );
        const other = raw(port);
        // (replies of 3 and 2 confirmations: asked one request at a time, the last one is awaited)
        other.sock.write('SUBSCRIBE a b channel:7\r\nUNSUBSCRIBE a\r\n');
        yield* ask(other, 'UNSUBSCRIBE b\r\n');
        c.sock.destroy();
        let r = '';
        for (let i = 0; i < 1000 && r !== '*1\r\n$9\r\nchannel:7\r\n'; i++)
          r = yield* ask(probe, 'PUBSUB CHANNELS\r\n');
        assert.equal(r, '*1\r\n$9\r\nchannel:7\r\n');
        yield* ask(other, 'UNSUBSCRIBE\r\n');
        assert.equal(yield* ask(probe, 'PUBSUB CHANNELS\r\n'), '*0\r\n');
        other.sock.destroy();
        probe.sock.destroy();
      });
    },
  );

  test(
    'past maxConnections a client is told -ERR max number of clients reached and closed; no socket is kept for it',
    BOUND,
    function* () {
      yield* withServer(
        function* (port) {
          const fds = () => (existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : 0);
          const base = fds();
          const served = Array.from({ length: 5 }, () => raw(port));
          for (const c of served) yield* ask(c, 'PING\r\n');
          const refused = Array.from({ length: 50 }, () => raw(port));
          for (const c of refused) c.sock.write('PING\r\n');
          yield* until(() => refused.every((c) => c.isClosed()), 'the refused clients closed');
          for (const c of refused) assert.equal(c.data(), '-ERR max number of clients reached\r\n');
          // The served clients and their server ends, and a few more: not one per refused client.
          if (base > 0) assert.ok(fds() - base <= 2 * 5 + 5, `${fds() - base} descriptors held`);
          for (const c of served) assert.equal(yield* ask(c, 'PING\r\n'), '+PONG\r\n');
          served[0]!.sock.destroy();
          // A place is free again once a served client leaves.
          let next = raw(port);
          for (let i = 0; i < 100; i++) {
            const r = yield* ask(next, 'PING\r\n');
            if (r === '+PONG\r\n') break;
            next.sock.destroy();
            next = raw(port);
          }
          assert.equal(next.data(), '+PONG\r\n');
          for (const c of [...served, next]) c.sock.destroy();
        },
        { maxConnections: 5 },
      );
    },
  );

  test('with timeout, an idle client is closed after that many seconds without a request; a busy client and a subscriber are not', {
    ...BOUND,
    startPaused: true,
  }, function* () {
    yield* withServer(
      function* (port) {
        const sub = raw(port);
        yield* ticking(ask(sub, 'SUBSCRIBE news\r\n'));
        const idle = raw(port);
        const busy = raw(port);
        yield* ticking(ask(busy, 'PING\r\n'));
        assert.ok(!idle.isClosed());
        // The busy client sends a request every 4 s: its idle time never reaches 10 s.
        for (let t = 4000; t <= 16_000; t += 4000) {
          yield* sleep(4000);
          assert.equal(
            yield* ticking(ask(busy, 'PING\r\n')),
            '+PONG\r\n',
            `busy client at ${t} ms`,
          );
          if (t === 8000) assert.ok(!idle.isClosed(), 'the idle client is closed before 10 s');
          if (t === 12_000) assert.ok(idle.isClosed(), 'the idle client is open after 10 s');
        }
        yield* sleep(60_000);
        assert.equal(
          yield* ticking(ask(sub, 'PING\r\n')),
          '*2\r\n$4\r\npong\r\n$0\r\n\r\n',
          'the subscriber is still served',
        );
        for (const c of [sub, busy]) c.sock.destroy();
      },
      { timeout: 10 },
    );
  });

  test('shutdown: a client that does not read its reply is closed at the shutdown deadline', {
    ...BOUND,
    startPaused: true,
  }, function* () {
    const listener = yield* TcpListener.bind('127.0.0.1:0');
    const token = new CancellationToken();
    const server = spawn(run(listener, token, { shutdownTimeout: 5000 }));
    const port = listener.localAddr().port;
    const setter = raw(port);
    const big = Buffer.alloc(32 * 1024 * 1024, 120);
    assert.equal(yield* ask(setter, multibulk('SET', 'big', big)), '+OK\r\n');
    const slow = raw(port);
    slow.sock.write('GET big\r\n');
    yield* until(() => slow.received() > 0, 'the start of the reply');
    slow.sock.pause();
    const start = Instant.now();
    token.cancel();
    yield* server;
    assert.equal(Instant.now().ms - start.ms, 5000, 'the server stopped at the deadline');
    assert.ok(setter.isClosed() || (yield* call(setter.closed)) === undefined);
    slow.sock.destroy();
  });

  test(
    'a key with a TTL over 24.8 days does not make the timer spin: no Node timer is armed past 2^31-1 ms',
    BOUND,
    function* () {
      const delays: number[] = [];
      const orig = globalThis.setTimeout;
      globalThis.setTimeout = ((fn: () => void, ms?: number) => {
        delays.push(ms ?? 0);
        return orig(fn, ms);
      }) as typeof setTimeout;
      try {
        yield* withServer(function* (port) {
          const c = raw(port);
          assert.equal(yield* ask(c, 'SET k v EX 3000000\r\n'), '+OK\r\n');
          yield* turn();
          assert.equal(yield* ask(c, 'TTL k\r\n'), ':3000000\r\n');
          c.sock.destroy();
        });
      } finally {
        globalThis.setTimeout = orig;
      }
      assert.ok(
        delays.some((d) => d > 1_000_000_000),
        `the expiry armed a timer (${delays})`,
      );
      for (const d of delays) assert.ok(d <= 2 ** 31 - 1, `a timer armed for ${d} ms`);
    },
  );

  test(
    'connections that once moved a big value keep no big buffers once idle',
    BOUND,
    function* () {
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      const external = () => {
        gc();
        return process.memoryUsage().arrayBuffers;
      };
      yield* withServer(function* (port) {
        const size = 4 * 1024 * 1024;
        const value = Buffer.alloc(size, 120);
        const before = external();
        const conns = Array.from({ length: 10 }, () => raw(port));
        for (const c of conns) {
          assert.equal(yield* ask(c, multibulk('SET', 'big', value)), '+OK\r\n');
          const n = c.received();
          c.sock.write('GET big\r\n');
          yield* until(() => c.received() === n + `$${size}\r\n`.length + size + 2, 'the value');
        }
        // The stored value and a little more: not a read and a write buffer of 4 MB per connection.
        // A connection lets go of its buffers when its task is idle again, which on a
        // loaded machine can be a few event-loop turns after the client has every byte.
        let grown = external() - before;
        for (let i = 0; i < 200 && grown >= 3 * size; i++) {
          yield* turn();
          grown = external() - before;
        }
        assert.ok(
          grown < 3 * size,
          `${(grown / 2 ** 20).toFixed(1)} MB kept by 10 idle connections`,
        );
        for (const c of conns) c.sock.destroy();
      });
    },
  );
});
