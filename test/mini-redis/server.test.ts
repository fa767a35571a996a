// mini-redis over TCP, driven by clients nobody here wrote: the ioredis npm
// client and Debian's redis-cli (installed by .ci/install-system-deps).
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { Redis } from 'ioredis';
import { call } from 'tokio-ts/future';
import { Command } from 'tokio-ts/process';
import { test } from 'tokio-ts/test';
import { Client } from '../../examples/mini-redis/client.js';
import { raw, until, withServer } from './util.js';

function redis(port: number): Redis {
  return new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: false,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: true,
  });
}

describe('mini-redis server', () => {
  test('ioredis: set/get, expiry options, incr, del, unknown commands are errors not disconnects', function* () {
    yield* withServer(function* (port) {
      const r = redis(port);
      try {
        assert.equal(yield* call(r.set('hello', 'world')), 'OK');
        assert.equal(yield* call(r.get('hello')), 'world');
        assert.equal(yield* call(r.set('tmp', 'x', 'PX', 60_000)), 'OK');
        const ttl = yield* call(r.pttl('tmp'));
        assert.ok(ttl > 59_000 && ttl <= 60_000, `pttl ${ttl}`);
        assert.equal(yield* call(r.incr('counter')), 1);
        assert.equal(yield* call(r.del('hello', 'counter')), 2);
        assert.equal(yield* call(r.get('hello')), null);
        yield* call(
          r.call('NOSUCHCMD', 'x').then(
            () => assert.fail('expected an error reply'),
            (e: Error) => assert.match(e.message, /unknown command/),
          ),
        );
        assert.equal(yield* call(r.ping()), 'PONG', 'the connection survived the error');
      } finally {
        r.disconnect();
      }
    });
  });

  test('ioredis: a pipeline of 1,000 commands', function* () {
    yield* withServer(function* (port) {
      const r = redis(port);
      try {
        const p = r.pipeline();
        for (let i = 0; i < 500; i++) p.set(`k${i}`, String(i));
        for (let i = 0; i < 500; i++) p.get(`k${i}`);
        const res = (yield* call(p.exec()))!;
        assert.equal(res.length, 1000);
        for (let i = 0; i < 500; i++) assert.deepEqual(res[i], [null, 'OK']);
        for (let i = 0; i < 500; i++) assert.deepEqual(res[500 + i], [null, String(i)]);
      } finally {
        r.disconnect();
      }
    });
  });

  test('ioredis: pub/sub reaches 3 subscribers; other commands are refused in subscriber mode', function* () {
    yield* withServer(function* (port) {
      const subs = [redis(port), redis(port), redis(port)];
      const pub = redis(port);
      try {
        const got: string[][] = [[], [], []];
        for (let i = 0; i < 3; i++) {
          yield* call(subs[i]!.subscribe('news'));
          subs[i]!.on('message', (ch: string, msg: string) => got[i]!.push(`${ch}:${msg}`));
        }
        assert.equal(yield* call(pub.publish('news', 'one')), 3);
        assert.equal(yield* call(pub.publish('news', 'two')), 3);
        assert.equal(yield* call(pub.publish('other', 'x')), 0);
        yield* until(() => got.every((g) => g.length === 2), 'messages');
        for (const g of got) assert.deepEqual(g, ['news:one', 'news:two']);
        yield* call(subs[0]!.unsubscribe('news'));
        assert.equal(yield* call(pub.publish('news', 'three')), 2);
        const rawSub = raw(port);
        rawSub.sock.write('SUBSCRIBE x\r\nGET a\r\n');
        yield* until(() => rawSub.data().includes('-ERR'), 'the refusal');
        assert.match(rawSub.data(), /only \(P\|S\)SUBSCRIBE/);
        rawSub.sock.destroy();
      } finally {
        for (const s of [...subs, pub]) s.disconnect();
      }
    });
  });

  test('200 concurrent clients each set and get their own key', function* () {
    yield* withServer(function* (port) {
      const clients = Array.from({ length: 200 }, () => redis(port));
      try {
        yield* call(
          Promise.all(
            clients.map(async (c, i) => {
              await c.set(`key:${i}`, `value:${i}`);
              assert.equal(await c.get(`key:${i}`), `value:${i}`);
            }),
          ),
        );
      } finally {
        for (const c of clients) c.disconnect();
      }
    });
  });

  test('redis-cli: set then get', function* () {
    yield* withServer(function* (port) {
      const cli = (...args: string[]) =>
        new Command('redis-cli').args(['-p', String(port), ...args]).output();
      const set = yield* cli('set', 'hello', 'world');
      assert.ok(set.status.success(), Buffer.from(set.stderr).toString());
      assert.equal(Buffer.from(set.stdout).toString().trim(), 'OK');
      const get = yield* cli('get', 'hello');
      assert.equal(Buffer.from(get.stdout).toString().trim(), 'world');
      const info = yield* cli('info');
      assert.match(Buffer.from(info.stdout).toString(), /redis_version/);
    });
  });

  test('our client library talks to our server', function* () {
    yield* withServer(function* (port) {
      const c = yield* Client.connect({ host: '127.0.0.1', port });
      const s = yield* Client.connect({ host: '127.0.0.1', port });
      try {
        yield* c.set('a', 'b');
        assert.equal(yield* c.get('a'), 'b');
        const sub = yield* s.subscribe(['ch']);
        assert.equal(yield* c.publish('ch', 'hi'), 1);
        assert.deepEqual(yield* sub.nextMessage(), { channel: 'ch', content: 'hi' });
      } finally {
        c.close();
        s.close();
      }
    });
  });

  test('malformed RESP gets a protocol error and a close for that client only', function* () {
    yield* withServer(function* (port) {
      const good = redis(port);
      try {
        for (const bad of ['*1\r\n$abc\r\n', `*1\r\n$${512 * 1024 * 1024}\r\n`, '*zz\r\n']) {
          const c = raw(port);
          c.sock.write(bad);
          yield* call(c.closed);
          assert.match(c.data(), /^-ERR Protocol error/);
          assert.equal(yield* call(good.ping()), 'PONG');
        }
        // A frame split at every byte still works.
        const slow = raw(port);
        const frame = '*3\r\n$3\r\nSET\r\n$4\r\nslow\r\n$2\r\nok\r\n';
        for (const ch of frame) {
          slow.sock.write(ch);
          yield* call(new Promise<void>((r) => setImmediate(r)));
        }
        yield* until(() => slow.data() === '+OK\r\n', 'the reply to a byte-by-byte frame');
        slow.sock.destroy();
        // A client that disconnects mid-frame.
        const gone = raw(port);
        gone.sock.write('*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$100\r\nabc');
        gone.sock.destroy();
        assert.equal(yield* call(good.get('slow')), 'ok');
      } finally {
        good.disconnect();
      }
    });
  });
});
