/** Ports of tokio/tests/io_buf_reader.rs seek cases. */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { Future } from 'tokio-ts';
import { select, yieldNow } from 'tokio-ts';
import { type AsyncSeek, BufReader, duplex, IoError, ReadBase, type SeekFrom } from 'tokio-ts/io';
import { test } from 'tokio-ts/test';
import { sleep } from 'tokio-ts/time';
import { errorOf } from './helpers.js';

/** std's `Cursor<&[u8]>`: an in-memory seekable reader; `slowSeek` makes seeks wait 1 ms. */
class Cursor extends ReadBase implements AsyncSeek {
  pos = 0;
  constructor(
    readonly data: Uint8Array,
    readonly slowSeek = false,
  ) {
    super();
  }
  *read(buf: Uint8Array): Future<number> {
    const n = Math.max(0, Math.min(buf.length, this.data.length - this.pos));
    buf.set(this.data.subarray(this.pos, this.pos + n));
    this.pos += n;
    return n;
  }
  *seek(pos: SeekFrom): Future<number> {
    if (this.slowSeek) yield* sleep(1);
    const to =
      'start' in pos
        ? pos.start
        : 'end' in pos
          ? this.data.length + pos.end
          : this.pos + pos.current;
    if (to < 0) throw new IoError('invalid-input', 'seek before the start');
    this.pos = to;
    return to;
  }
}

const inner = () => Uint8Array.from([5, 6, 7, 0, 1, 2, 3, 4]);

describe('BufReader seek', () => {
  for (const slow of [false, true]) {
    test(`${slow ? 'maybe_pending_seek' : 'test_buffered_reader_seek'}: seeks count from the caller's position and discard the buffer`, function* () {
      const reader = new BufReader(new Cursor(inner(), slow), 2);
      assert.equal(yield* reader.seek({ start: 3 }), 3);
      assert.deepEqual(yield* reader.fillBuf(), Uint8Array.from([0, 1]));
      const e = yield* errorOf(reader.seek({ current: Number.MIN_SAFE_INTEGER }));
      assert.ok(e instanceof IoError && e.kind === 'invalid-input');
      assert.deepEqual(
        yield* reader.fillBuf(),
        Uint8Array.from([0, 1]),
        'a failed seek keeps the buffer',
      );
      assert.equal(yield* reader.seek({ current: 1 }), 4);
      assert.deepEqual(yield* reader.fillBuf(), Uint8Array.from([1, 2]));
      reader.consume(1);
      assert.equal(yield* reader.seek({ current: -2 }), 3);
    });
  }

  test('seek { end } and reads after it', function* () {
    const reader = new BufReader(new Cursor(inner()), 4);
    assert.equal(yield* reader.readExact(new Uint8Array(1)), 1);
    assert.equal(yield* reader.seek({ end: -2 }), 6);
    assert.equal((yield* reader.readToEnd()).join(), '3,4');
  });

  test('seeking a reader that cannot seek is a TypeError', function* () {
    const [, b] = duplex(8);
    assert.throws(() => new BufReader(b).seek({ start: 0 }), TypeError);
    assert.throws(() => new BufReader(new Cursor(inner())).seek(null as never), TypeError);
  });

  test('cancel safety: a seek cancelled before the inner seek completed keeps the buffer and position', function* () {
    const cursor = new Cursor(inner(), true);
    const reader = new BufReader(cursor, 2);
    assert.deepEqual(yield* reader.fillBuf(), Uint8Array.from([5, 6]));
    const r = yield* select({ seek: reader.seek({ start: 5 }), now: yieldNow() }, { biased: true });
    assert.equal(r.key, 'now');
    assert.equal(cursor.pos, 2);
    assert.deepEqual(yield* reader.fillBuf(), Uint8Array.from([5, 6]));
  });
});
