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

  test('BufWriter buffers every buffer that fits and passes large ones through', function* () {
    const inner = new Recorder();
    const w = new BufWriter(inner, 8);
    assert.ok(w.isWriteVectored());
    assert.equal(yield* w.writeVectored([enc('ab'), enc('cd')]), 4);
    assert.deepEqual(inner.calls, []);
    assert.equal(
      yield* w.writeVectored([enc('efgh'), enc('ijklmn')]),
      4,
      'the inner default takes the first',
    );
    assert.deepEqual(inner.calls, ['abcd', 'efgh']);
    yield* w.flush();
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
