import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { Future } from 'tokio-ts';
import { select, yieldNow } from 'tokio-ts';
import { duplex, IoError, ReadBase, Take } from 'tokio-ts/io';
import { test } from 'tokio-ts/test';
import { errorOf } from './helpers.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('take', () => {
  test('take: a read stops at the limit', function* () {
    const [a, b] = duplex(64);
    yield* a.writeAll(enc('hello world'));
    const rd = b.take(4);
    const buf = new Uint8Array(6);
    assert.equal(yield* rd.read(buf), 4);
    assert.deepEqual(buf, Uint8Array.from([...enc('hell'), 0, 0]));
    assert.equal(rd.limit, 0);
    assert.equal(yield* rd.read(buf), 0, 'end of stream at the limit');
  });

  test('issue_4435: a read into the middle of a buffer fills only up to the limit', function* () {
    const [a, b] = duplex(64);
    yield* a.writeAll(enc('hello world'));
    const buf = new Uint8Array(8);
    buf.set(enc('AB'));
    assert.equal(yield* b.take(4).read(buf.subarray(2)), 4);
    assert.deepEqual(buf, Uint8Array.from([...enc('ABhell'), 0, 0]));
  });

  test('the bytes after the limit stay in the inner reader; setLimit reads on', function* () {
    const [a, b] = duplex(64);
    yield* a.writeAll(enc('headerbody'));
    a.close();
    const t = new Take(b, 6);
    assert.equal(yield* t.readToString(), 'header');
    t.setLimit(2);
    assert.equal(yield* t.readToString(), 'bo');
    assert.equal(t.inner, b);
    assert.equal(yield* b.readToString(), 'dy');
  });

  test('bad_reader_fails: an inner reader that claims more bytes than asked is an invalid-data error', function* () {
    class Bad extends ReadBase {
      *read(_buf: Uint8Array): Future<number> {
        return 10;
      }
    }
    const e = yield* errorOf(new Bad().take(10).read(new Uint8Array(4)));
    assert.ok(e instanceof IoError);
    assert.equal(e.kind, 'invalid-data');
  });

  test('a bad limit is a RangeError', function* () {
    const [, b] = duplex(8);
    assert.throws(() => b.take(-1), RangeError);
    assert.throws(() => b.take(1.5), RangeError);
    assert.throws(() => new Take(b, 1).setLimit(Number.NaN), RangeError);
  });

  test('cancel safety: a cancelled read leaves the limit and the bytes alone', function* () {
    const [a, b] = duplex(64);
    const t = b.take(5);
    const r = yield* select({ read: t.read(new Uint8Array(8)), now: yieldNow() });
    assert.equal(r.key, 'now');
    assert.equal(t.limit, 5);
    yield* a.writeAll(enc('abcdefg'));
    assert.equal(yield* t.readToString(), 'abcde');
  });
});
