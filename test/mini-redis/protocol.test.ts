// mini-redis without sockets: the RESP codec on partial and malformed input,
// and the commands and key expiry on the paused clock.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spawn, yieldNow } from 'tokio-ts';
import { BytesMut } from 'tokio-ts/codec';
import { test } from 'tokio-ts/test';
import { advance } from 'tokio-ts/time';
import { apply } from '../../examples/mini-redis/commands.js';
import { Db } from '../../examples/mini-redis/db.js';
import { array, bulk, type Frame, RespCodec, RespError } from '../../examples/mini-redis/resp.js';

const codec = new RespCodec();

function encode(f: Frame): Uint8Array {
  const b = new BytesMut();
  codec.encode(f, b);
  return b.split();
}

function cmd(db: Db, ...args: string[]): Frame {
  return apply(
    db,
    args.map((a) => Buffer.from(a)),
  );
}

describe('RESP codec', () => {
  it('decodes a pipeline split at every byte', () => {
    const frames: Frame[] = [
      array([bulk('SET'), bulk('key'), bulk('va\r\nlue')]),
      { t: 'simple', v: 'OK' },
      { t: 'error', v: 'ERR nope' },
      { t: 'int', v: -42 },
      { t: 'null' },
      array([array([bulk('')]), { t: 'int', v: 7 }]),
    ];
    const wire = Buffer.concat(frames.map(encode));
    for (let split = 1; split <= wire.length; split++) {
      const c = new RespCodec();
      const buf = new BytesMut(16);
      const got: Frame[] = [];
      for (let off = 0; off < wire.length; off += split) {
        buf.extend(wire.subarray(off, off + split));
        for (let f = c.decode(buf); f !== undefined; f = c.decode(buf)) got.push(f);
      }
      assert.deepEqual(
        got.map((f) =>
          JSON.stringify(f, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString() : v)),
        ),
        frames.map((f) =>
          JSON.stringify(f, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString() : v)),
        ),
        `split ${split}`,
      );
      assert.equal(buf.length, 0);
    }
  });

  it('parses inline commands', () => {
    const buf = new BytesMut();
    buf.extend(Buffer.from('PING\r\nSET a  b\r\n'));
    const c = new RespCodec();
    assert.equal((c.decode(buf) as { v: Frame[] }).v.length, 1);
    assert.equal((c.decode(buf) as { v: Frame[] }).v.length, 3);
  });

  it('refuses malformed input with a RespError', () => {
    for (const bad of [
      '$abc\r\n',
      `$${512 * 1024 * 1024}\r\n`,
      '*x\r\n',
      '*-5\r\n',
      '$3\r\nabcXY',
      ':12a\r\n',
      '+no cr\n',
      `${'*1\r\n'.repeat(20)}$1\r\na\r\n`,
    ]) {
      const buf = new BytesMut();
      buf.extend(Buffer.from(bad));
      assert.throws(() => new RespCodec().decode(buf), RespError, JSON.stringify(bad));
    }
    // A huge bulk length within the limit only waits; it allocates nothing up front.
    const buf = new BytesMut();
    buf.extend(Buffer.from('$60000000\r\nabc'));
    assert.equal(new RespCodec().decode(buf), undefined);
    assert.ok(buf.capacity < 1024 * 1024);
  });
});

describe('commands and expiry', () => {
  test('a key set with PX 100 is gone at +100 ms; TTL and PTTL are right before', {
    startPaused: true,
  }, function* () {
    const db = new Db();
    const purge = spawn(db.purgeTask());
    assert.deepEqual(cmd(db, 'SET', 'k', 'v', 'PX', '100'), { t: 'simple', v: 'OK' });
    assert.deepEqual(cmd(db, 'PTTL', 'k'), { t: 'int', v: 100 });
    assert.deepEqual(cmd(db, 'TTL', 'k'), { t: 'int', v: 0 });
    yield* advance(99);
    assert.deepEqual(cmd(db, 'PTTL', 'k'), { t: 'int', v: 1 });
    assert.equal(db.size, 1);
    yield* advance(1);
    yield* yieldNow();
    assert.equal(db.size, 0, 'the purge task removed the key at its deadline');
    assert.deepEqual(cmd(db, 'GET', 'k'), { t: 'null' });
    assert.deepEqual(cmd(db, 'TTL', 'k'), { t: 'int', v: -2 });
    // EXPIRE in seconds, overwritten by a later SET (no expiry: TTL -1).
    cmd(db, 'SET', 'a', '1', 'EX', '10');
    assert.deepEqual(cmd(db, 'TTL', 'a'), { t: 'int', v: 10 });
    cmd(db, 'SET', 'a', '2');
    assert.deepEqual(cmd(db, 'TTL', 'a'), { t: 'int', v: -1 });
    assert.deepEqual(cmd(db, 'EXPIRE', 'a', '5'), { t: 'int', v: 1 });
    yield* advance(5000);
    yield* yieldNow();
    assert.deepEqual(cmd(db, 'EXISTS', 'a'), { t: 'int', v: 0 });
    db.close();
    yield* purge;
  });

  test('SET NX/XX, INCR/DECR, DEL, EXISTS, errors for bad input and unknown commands', function* () {
    const db = new Db();
    assert.deepEqual(cmd(db, 'SET', 'x', '1', 'XX'), { t: 'null' });
    assert.deepEqual(cmd(db, 'SET', 'x', '1', 'NX'), { t: 'simple', v: 'OK' });
    assert.deepEqual(cmd(db, 'SET', 'x', '2', 'NX'), { t: 'null' });
    assert.deepEqual(cmd(db, 'INCR', 'x'), { t: 'int', v: 2 });
    assert.deepEqual(cmd(db, 'DECR', 'y'), { t: 'int', v: -1 });
    cmd(db, 'SET', 's', 'abc');
    assert.equal((cmd(db, 'INCR', 's') as { t: string }).t, 'error');
    assert.equal((cmd(db, 'SET', 'x', '1', 'PX', 'soon') as { t: string }).t, 'error');
    assert.equal((cmd(db, 'SET', 'x') as { t: string }).t, 'error');
    assert.deepEqual(cmd(db, 'EXISTS', 'x', 'y', 'nope'), { t: 'int', v: 2 });
    assert.deepEqual(cmd(db, 'DEL', 'x', 'y', 'nope'), { t: 'int', v: 2 });
    assert.deepEqual(cmd(db, 'ECHO', 'hi'), bulk('hi'));
    assert.deepEqual(cmd(db, 'FOO'), {
      t: 'error',
      v: "ERR unknown command 'FOO', with args beginning with: ",
    });
    db.close();
  });

  test('EXPIRE and SET EX/PX take 64-bit integers whose deadline does not overflow, with Redis errors; a TTL of 34.7 days counts down exactly', {
    startPaused: true,
  }, function* () {
    const db = new Db();
    const purge = spawn(db.purgeTask());
    const bad = (c: string) => ({ t: 'error', v: `ERR invalid expire time in '${c}' command` });
    const notInt = { t: 'error', v: 'ERR value is not an integer or out of range' };
    cmd(db, 'SET', 'k', 'v');
    assert.deepEqual(cmd(db, 'EXPIRE', 'k', '9999999999999999'), bad('expire'));
    assert.deepEqual(cmd(db, 'EXPIRE', 'k', '9223372036854775'), bad('expire'));
    assert.deepEqual(cmd(db, 'EXPIRE', 'k', '-9223372036854775808'), bad('expire'));
    assert.deepEqual(cmd(db, 'PEXPIRE', 'k', '9223372036854775807'), bad('pexpire'));
    assert.deepEqual(cmd(db, 'EXPIRE', 'k', '99999999999999999999'), notInt);
    assert.deepEqual(cmd(db, 'EXPIRE', 'k', '007'), notInt);
    assert.deepEqual(cmd(db, 'SET', 'x', 'v', 'EX', '9999999999999999'), bad('set'));
    assert.deepEqual(cmd(db, 'SET', 'x', 'v', 'PX', '9223372036854775807'), bad('set'));
    assert.deepEqual(cmd(db, 'SET', 'x', 'v', 'EX', '0'), bad('set'));
    assert.deepEqual(cmd(db, 'TTL', 'k'), { t: 'int', v: -1 }, 'a refused EXPIRE changes nothing');
    // Past 2^31-1 ms (24.8 days), where Node's timers stop.
    assert.deepEqual(cmd(db, 'EXPIRE', 'k', '3000000'), { t: 'int', v: 1 });
    assert.deepEqual(cmd(db, 'TTL', 'k'), { t: 'int', v: 3_000_000 });
    yield* advance(3_000_000_000 - 1);
    assert.deepEqual(cmd(db, 'PTTL', 'k'), { t: 'int', v: 1 });
    assert.equal(db.size, 1);
    yield* advance(1);
    yield* yieldNow();
    assert.equal(db.size, 0, 'the purge task removed the key at its deadline');
    db.close();
    yield* purge;
  });
});
