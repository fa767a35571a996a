import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { Future } from 'tokio-ts';
import { select, spawn, yieldNow } from 'tokio-ts';
import {
  BufWriter,
  copy,
  copyBidirectional,
  type DuplexStream,
  duplex,
  ReadBase,
  repeat,
  sink,
  WriteBase,
} from 'tokio-ts/io';
import { io, test } from 'tokio-ts/test';

const enc = (s: string) => new TextEncoder().encode(s);

/** Tokio's `&[u8]` reader: always ready, never spends budget. */
class SliceReader extends ReadBase {
  #rest: Uint8Array;
  constructor(bytes: Uint8Array) {
    super();
    this.#rest = bytes;
  }
  *read(buf: Uint8Array): Future<number> {
    const n = Math.min(buf.length, this.#rest.length);
    buf.set(this.#rest.subarray(0, n));
    this.#rest = this.#rest.subarray(n);
    return n;
  }
}

/** Tokio's `Vec<u8>` writer: always ready, never spends budget. */
class VecWriter extends WriteBase {
  bytes: number[] = [];
  *write(buf: Uint8Array): Future<number> {
    for (const b of buf) this.bytes.push(b);
    return buf.length;
  }
  *flush(): Future<void> {}
  *shutdown(): Future<void> {}
}

/** Tokio's `BufferedWd` (io_copy.rs `proxy`): keeps every write until `flush()`. */
class BufferedWd extends WriteBase {
  readonly #held: Uint8Array[] = [];
  readonly #writer: DuplexStream;
  constructor(writer: DuplexStream) {
    super();
    this.#writer = writer;
  }
  *write(buf: Uint8Array): Future<number> {
    this.#held.push(buf.slice());
    return buf.length;
  }
  *flush(): Future<void> {
    for (let b = this.#held.shift(); b !== undefined; b = this.#held.shift())
      yield* this.#writer.writeAll(b);
    yield* this.#writer.flush();
  }
  *shutdown(): Future<void> {
    yield* this.#writer.shutdown();
  }
}

/** A reader that only has `read` (it cannot say whether a read would wait). */
class PlainReader extends ReadBase {
  readonly #inner: ReadBase;
  constructor(inner: ReadBase) {
    super();
    this.#inner = inner;
  }
  read(buf: Uint8Array): Future<number> {
    return this.#inner.read(buf);
  }
}

/** Fails instead of hanging when a loop never yields. */
function* spin(body: () => Future<unknown>): Future<never> {
  for (let i = 0; ; i++) {
    if (i === 100_000) throw new Error('the loop ran 100000 rounds without yielding');
    yield* body();
  }
}

describe('io.copy', () => {
  test('copy: a reader of one chunk is copied whole', function* () {
    const w = new VecWriter();
    assert.equal(yield* copy(new SliceReader(enc('hello world')), w), 11);
    assert.deepEqual(Uint8Array.from(w.bytes), enc('hello world'));
  });

  test('proxy: copy flushes a buffering writer whenever the reader would wait', function* () {
    const [rd, wd] = duplex(1024);
    const r = rd.take(1024);
    const w = new BufferedWd(wd);
    yield* w.writeAll(new Uint8Array(512).fill(0x42));
    yield* w.flush();
    // The reader waits for bytes that only a flush of the writer releases.
    assert.equal(yield* copy(r, w), 1024);
  });

  test('proxy: copy flushes a BufWriter before waiting on a reader that cannot tell whether it would wait', function* () {
    const [rd, wd] = duplex(4096);
    const w = new BufWriter(wd);
    yield* w.writeAll(new Uint8Array(100).fill(7));
    yield* w.flush();
    const r = new PlainReader(rd.take(1000));
    assert.equal(yield* copy(r, w), 1000);
  });

  test('copy flushes a BufWriter towards a peer that waits for the bytes before it sends more', function* () {
    // client -> [a|b] -copy-> BufWriter -> [c|d] -> echo back to client
    const [a, b] = duplex(64);
    const [c, d] = duplex(64);
    const proxy = spawn(copy(b, new BufWriter(c)));
    for (const word of ['one', 'two', 'three']) {
      yield* a.writeAll(enc(word));
      const got = new Uint8Array(word.length);
      yield* d.readExact(got);
      assert.equal(new TextDecoder().decode(got), word);
    }
    a.close();
    assert.equal(yield* proxy, 11);
  });

  test('copy_is_cooperative: copying between streams that never wait still yields', function* () {
    const r = yield* select(
      {
        loop: spin(() => copy(new SliceReader(enc('hello')), new VecWriter())),
        yielded: yieldNow(),
      },
      { biased: true },
    );
    assert.equal(r.key, 'yielded');
  });

  test('a single long copy between streams that never wait lets other tasks run', function* () {
    let ran = false;
    const other = spawn(function* () {
      ran = true;
    });
    let reads = 0;
    const inner = new SliceReader(new Uint8Array(1000));
    class OneByte extends ReadBase {
      read(buf: Uint8Array): Future<number> {
        reads++;
        assert.ok(ran || reads <= 129, 'the other task did not run within one budget');
        return inner.read(buf.subarray(0, 1));
      }
    }
    assert.equal(yield* copy(new OneByte(), new VecWriter()), 1000);
    assert.ok(ran);
    yield* other;
  });

  test('copy_bidirectional_is_cooperative: copying between mocks that never wait still yields', function* () {
    const r = yield* select(
      {
        loop: spin(() => {
          const payload = 'here, take this';
          const a = io.Builder().read(payload).write(payload).build();
          const b = io.Builder().read(payload).write(payload).build();
          return copyBidirectional(a, b);
        }),
        yielded: yieldNow(),
      },
      { biased: true },
    );
    assert.equal(r.key, 'yielded');
  });

  test('duplex_is_cooperative: a write/read loop on a duplex yields', function* () {
    const [tx, rx] = duplex(8 * 1024);
    const r = yield* select(
      {
        loop: spin(function* () {
          yield* tx.writeAll(new Uint8Array(4096).fill(3));
          yield* rx.read(new Uint8Array(4096));
        }),
        yielded: yieldNow(),
      },
      { biased: true },
    );
    assert.equal(r.key, 'yielded');
  });

  test('repeat_poll_read_is_cooperative and sink_poll_*_is_cooperative', function* () {
    for (const body of [
      () => repeat(0b101).readExact(new Uint8Array(4096)),
      () => sink().writeAll(new Uint8Array([1, 2, 3])),
      () => sink().flush(),
      () => sink().shutdown(),
    ]) {
      const r = yield* select({ loop: spin(body), yielded: yieldNow() }, { biased: true });
      assert.equal(r.key, 'yielded');
    }
  });
});
