/** Vectored writes: io_mem_stream.rs zero-length cases, BufWriter and the default. */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { type Future, select, yieldNow } from 'tokio-ts';
import {
  BufWriter,
  duplex,
  IoError,
  isWriteVectored,
  sink,
  split,
  WriteBase,
  writeVectored,
} from 'tokio-ts/io';
import { test } from 'tokio-ts/test';
import { errorOf } from './helpers.js';

const enc = (s: string) => new TextEncoder().encode(s);

/** A writer with only `write`: records each call. */
class Recorder extends WriteBase {
  calls: string[] = [];
  *write(buf: Uint8Array): Future<number> {
    this.calls.push(new TextDecoder().decode(buf));
    return buf.length;
  }
  *flush(): Future<void> {}
  *shutdown(): Future<void> {}
}

/** io_buf_writer.rs's `MockWriter`: takes at most `maxWrite` bytes a call, vectored or not. */
class MockWriter extends WriteBase {
  data: number[] = [];
  constructor(
    readonly maxWrite: number,
    readonly vectored = false,
  ) {
    super();
  }
  *write(buf: Uint8Array): Future<number> {
    const n = Math.min(buf.length, this.maxWrite);
    for (const b of buf.subarray(0, n)) this.data.push(b);
    return n;
  }
  override writeVectored(bufs: Uint8Array[]): Future<number> {
    if (!this.vectored) return super.writeVectored(bufs);
    return this.#writeAll(bufs);
  }
  *#writeAll(bufs: Uint8Array[]): Future<number> {
    let n = 0;
    for (const b of bufs)
      for (const x of b) {
        if (n === this.maxWrite) return n;
        this.data.push(x);
        n++;
      }
    return n;
  }
  override isWriteVectored(): boolean {
    return this.vectored;
  }
  *flush(): Future<void> {}
  *shutdown(): Future<void> {}
}

/** Drops the first `n` bytes of `bufs` (Tokio's `IoBufs::advance`). */
function advance(bufs: Uint8Array[], n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const b of bufs) {
    if (n >= b.length) n -= b.length;
    else {
      out.push(b.subarray(n));
      n = 0;
    }
  }
  return out;
}

const msg = enc('foo bar baz');
const str = (b: Uint8Array | number[]) => new TextDecoder().decode(Uint8Array.from(b));

describe('BufWriter.writeVectored (io_buf_writer.rs)', () => {
  for (const vectored of [false, true]) {
    const on = vectored ? 'on_vectored' : 'on_non_vectored';

    test(`write_vectored_empty_${on}`, function* () {
      const w = new BufWriter(new MockWriter(4, vectored));
      assert.equal(yield* w.writeVectored([]), 0);
      assert.equal(yield* w.writeVectored([enc(''), enc(''), enc('')]), 0);
      yield* w.flush();
      assert.deepEqual(w.inner.data, []);
    });

    test(`write_vectored_basic_${on}`, function* () {
      const w = new BufWriter(new MockWriter(4, vectored));
      const bufs = [msg.subarray(0, 4), msg.subarray(4, 8), msg.subarray(8)];
      assert.equal(yield* w.writeVectored(bufs), msg.length);
      assert.equal(str(w.buffer()), 'foo bar baz');
      yield* w.flush();
      assert.equal(str(w.inner.data), 'foo bar baz');
    });

    for (const [name, bufs] of [
      ['odd', [msg.subarray(0, 4), enc(''), msg.subarray(4, 9), msg.subarray(9)]],
      ['large_slice', [enc(''), msg.subarray(0, 9), msg.subarray(9)]],
    ] as const) {
      test(`write_vectored_${name}_${on}`, function* () {
        const w = new BufWriter(new MockWriter(4, vectored), 8);
        let rest: Uint8Array[] = [...bufs];
        let total = 0;
        while (rest.some((b) => b.length > 0)) {
          const n = yield* w.writeVectored(rest);
          assert.ok(n > 0);
          assert.ok(w.buffer().length <= 8);
          total += n;
          rest = advance(rest, n);
        }
        assert.equal(total, msg.length);
        yield* w.flush();
        assert.equal(str(w.inner.data), 'foo bar baz');
      });
    }
  }

  test('write_vectored_large_total_on_non_vectored', function* () {
    const w = new BufWriter(new MockWriter(4), 8);
    const bufs = [msg.subarray(0, 4), msg.subarray(4, 8), msg.subarray(8)];
    assert.equal(yield* w.writeVectored(bufs), 8);
    assert.equal(str(w.buffer()), 'foo bar ');
    assert.equal(yield* w.writeVectored(advance(bufs, 8)), 3);
    assert.equal(str(w.inner.data), 'foo bar ');
    assert.equal(str(w.buffer()), 'baz');
  });

  test('write_vectored_large_total_on_vectored', function* () {
    const w = new BufWriter(new MockWriter(10, true), 8);
    const bufs = [msg.subarray(0, 4), msg.subarray(4, 8), msg.subarray(8)];
    assert.equal(yield* w.writeVectored(bufs), 10);
    assert.equal(w.buffer().length, 0);
    assert.equal(yield* w.writeVectored(advance(bufs, 10)), 1);
    assert.equal(str(w.inner.data), 'foo bar ba');
    assert.equal(str(w.buffer()), 'z');
  });
});

describe('writeVectored', () => {
  test('a duplex takes from every buffer that fits, in order', function* () {
    const [a, b] = duplex(5);
    assert.ok(a.isWriteVectored());
    assert.equal(yield* a.writeVectored([enc('abc'), enc(''), enc('defg')]), 5);
    a.close();
    assert.equal(yield* b.readToString(), 'abcde');
  });

  test('zero_length_operations: an all-empty vectored write completes with 0 at once, even when full', function* () {
    const [a, _b] = duplex(1);
    yield* a.writeAll(enc('x'));
    assert.equal(yield* a.writeVectored([new Uint8Array(0), new Uint8Array(0)]), 0);
  });

  test('zero_length_writes_to_closed_stream: an empty vectored write to a dropped peer is broken-pipe', function* () {
    const [a, b] = duplex(1);
    b.close();
    const e = yield* errorOf(a.writeVectored([new Uint8Array(0), new Uint8Array(0)]));
    assert.ok(e instanceof IoError && e.kind === 'broken-pipe');
  });

  test('a vectored write to a full duplex waits; cancel safety: a cancelled one wrote nothing', function* () {
    const [a, b] = duplex(2);
    yield* a.writeAll(enc('xy'));
    const r = yield* select({ w: a.writeVectored([enc('z')]), now: yieldNow() }, { biased: true });
    assert.equal(r.key, 'now');
    yield* b.readExact(new Uint8Array(2));
    a.close();
    assert.equal(yield* b.readToString(), '');
  });

  test('the default (a writer with only write) writes the first non-empty buffer', function* () {
    const w = new Recorder();
    assert.equal(w.isWriteVectored(), false);
    assert.equal(isWriteVectored(w), false);
    assert.equal(yield* w.writeVectored([enc(''), enc('ab'), enc('cd')]), 2);
    assert.equal(yield* writeVectored(w, [enc('ef'), enc('gh')]), 2);
    assert.deepEqual(w.calls, ['ab', 'ef']);
    const plain = { write: w.write.bind(w), flush: w.flush.bind(w), shutdown: w.shutdown.bind(w) };
    assert.equal(yield* writeVectored(plain, [enc('ij'), enc('k')]), 2);
    assert.equal(isWriteVectored(plain), false);
    assert.throws(() => writeVectored(w, 'x' as never), TypeError);
  });

  test('BufWriter over a non-vectored writer buffers the buffers that fit', function* () {
    const inner = new Recorder();
    const w = new BufWriter(inner, 8);
    assert.ok(w.isWriteVectored());
    assert.equal(yield* w.writeVectored([enc('ab'), enc('cd')]), 4);
    assert.equal(yield* w.writeVectored([enc('efgh'), enc('ijklmn')]), 4);
    assert.deepEqual(inner.calls, []);
    assert.equal(
      yield* w.writeVectored([enc('ijklmnop')]),
      8,
      'a buffer as large as the buffer goes through',
    );
    assert.deepEqual(inner.calls, ['abcdefgh', 'ijklmnop']);
    assert.equal(isWriteVectored(sink()), false);
  });

  test('a split write half forwards to the stream', function* () {
    const [a, b] = duplex(16);
    const [, wr] = split(a);
    assert.ok(wr.isWriteVectored());
    assert.equal(yield* wr.writeVectored([enc('12'), enc('34')]), 4);
    a.close();
    assert.equal(yield* b.readToString(), '1234');
  });
});
