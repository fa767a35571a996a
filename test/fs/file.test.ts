import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { after, describe } from 'node:test';
import { JoinError, select, spawn, yieldNow } from 'tokio-ts';
import { File, OpenOptions } from 'tokio-ts/fs';
import { ready } from 'tokio-ts/future';
import { IoError, isWriteVectored, UnexpectedEof, writeVectored } from 'tokio-ts/io';
import { test } from 'tokio-ts/test';
import { openFds, SHORT, tempDir } from './helpers.js';

const tmp = tempDir('file');
after(() => tmp.remove());

const enc = new TextEncoder();

function fillChunk(chunk: Uint8Array, i: number): void {
  for (let j = 0; j < chunk.length; j += 4096) chunk[j] = (i * 31 + j / 4096) & 0xff;
  chunk[chunk.length - 1] = i & 0xff;
  chunk[chunk.length - 2] = (i >> 8) & 0xff;
}

function* expectIoError(fut: () => Generator<any, unknown, unknown> | Iterable<any>, code: string) {
  try {
    yield* fut() as Generator<any, unknown, unknown>;
  } catch (e) {
    assert.ok(e instanceof IoError, `expected IoError, got ${e}`);
    assert.equal(e.code, code);
    return e;
  }
  assert.fail(`expected an IoError ${code}`);
}

describe('File', () => {
  test('100 MiB written in 64 KiB chunks reads back identical', function* () {
    const total = (SHORT ? 8 : 100) * 1024 * 1024;
    const chunkSize = 64 * 1024;
    const path = tmp.path('big.bin');
    const chunk = new Uint8Array(chunkSize);
    const f = yield* File.create(path);
    try {
      for (let i = 0; i < total / chunkSize; i++) {
        fillChunk(chunk, i);
        yield* f.writeAll(chunk);
      }
      yield* f.syncData();
    } finally {
      f.close();
    }
    assert.equal(statSync(path).size, total);
    const r = yield* File.open(path);
    const expected = new Uint8Array(chunkSize);
    const got = new Uint8Array(chunkSize);
    try {
      for (let i = 0; i < total / chunkSize; i++) {
        fillChunk(expected, i);
        yield* r.readExact(got);
        assert.ok(Buffer.from(got).equals(expected), `chunk ${i} differs`);
      }
      assert.equal(yield* r.read(got), 0, 'end of file after the last chunk');
    } finally {
      r.close();
    }
  });

  test('a task cancelled in the middle of reading a File leaves no descriptor open', function* () {
    const path = tmp.path('cancel-read.bin');
    writeFileSync(path, Buffer.alloc(4 * 1024 * 1024, 7));
    const before = openFds();
    let reads = 0;
    const h = spawn(function* () {
      const f = yield* File.open(path);
      try {
        const buf = new Uint8Array(16 * 1024);
        for (;;) {
          if ((yield* f.read(buf)) === 0) break;
          reads++;
        }
      } finally {
        f.close();
      }
    });
    for (let i = 0; i < 100_000 && reads < 3; i++) yield* yieldNow();
    assert.ok(reads >= 3, 'the reader made progress');
    h.abort();
    yield* expectCancelled(h);
    assert.equal(openFds(), before);
  });

  test('a task cancelled while File.open is in flight leaves no descriptor open', function* () {
    const path = tmp.path('cancel-open.bin');
    writeFileSync(path, 'x');
    const before = openFds();
    for (let round = 0; round < 20; round++) {
      const h = spawn(function* () {
        const f = yield* File.open(path);
        f.close();
        assert.fail('the task was cancelled before open returned');
      });
      yield* yieldNow(); // h starts the open and parks on it
      h.abort();
      yield* expectCancelled(h);
    }
    assert.equal(openFds(), before);
  });

  test('cancel safety: a read cancelled in flight does not move the cursor', function* () {
    const path = tmp.path('cancel-safe-read.txt');
    writeFileSync(path, 'abcdefgh');
    const f = yield* File.open(path);
    try {
      const buf = new Uint8Array(4);
      const r = yield* select({ read: f.read(buf), other: ready('now') }, { biased: true });
      assert.equal(r.key, 'other');
      const n = yield* f.read(buf);
      assert.equal(Buffer.from(buf.subarray(0, n)).toString(), 'abcd');
    } finally {
      f.close();
    }
  });

  test('seeking past the end reads 0 bytes and a write there leaves a zero-filled gap', function* () {
    const path = tmp.path('seek.bin');
    writeFileSync(path, 'hello');
    const f = yield* new OpenOptions().read(true).write(true).open(path);
    try {
      assert.equal(yield* f.seek({ start: 10 }), 10);
      assert.equal(yield* f.read(new Uint8Array(8)), 0);
      yield* f.writeAll(enc.encode('!'));
      assert.equal(yield* f.seek({ current: 0 }), 11);
      assert.equal(yield* f.seek({ end: -6 }), 5);
      const rest = new Uint8Array(6);
      yield* f.readExact(rest);
      assert.deepEqual([...rest], [0, 0, 0, 0, 0, 33]);
      assert.equal(yield* f.seek({ current: -11 }), 0);
      const e = yield* expectIoError(() => f.seek({ current: -1 }) as any, 'EINVAL');
      assert.equal(e.kind, 'invalid-input');
      assert.equal(yield* f.seek({ current: 0 }), 0, 'a failed seek leaves the cursor');
      assert.throws(() => f.seek({ start: 1.5 }), TypeError);
    } finally {
      f.close();
    }
    assert.equal(readFileSync(path).length, 11);
  });

  test('write_vectored (fs_file.rs): every buffer is written, in order, at the cursor', function* () {
    const path = tmp.path('vectored');
    const f = yield* File.create(path);
    const hello = enc.encode('hello');
    assert.equal(isWriteVectored(f), true);
    assert.equal(yield* writeVectored(f, [hello, new Uint8Array(0), hello]), 10);
    assert.equal(yield* f.writeVectored([enc.encode('!')]), 1);
    assert.equal(yield* f.seek({ current: 0 }), 11);
    yield* f.shutdown(); // write_vectored_and_shutdown
    f.close();
    assert.equal(readFileSync(path, 'utf8'), 'hellohello!');
  });

  test('cancel safety: a writeVectored cancelled in flight is waited for; its bytes stay and the cursor moves past them', function* () {
    const path = tmp.path('cancel-safe-writev.txt');
    const f = yield* File.create(path);
    try {
      const r = yield* select(
        { write: f.writeVectored([enc.encode('ab'), enc.encode('cd')]), other: ready('now') },
        { biased: true },
      );
      assert.equal(r.key, 'other');
      assert.equal(yield* f.seek({ current: 0 }), 4);
      yield* f.writeAll(enc.encode('!'));
    } finally {
      f.close();
    }
    assert.equal(readFileSync(path, 'utf8'), 'abcd!');
  });

  test('empty_read and rewind_seek_position (fs_file.rs)', function* () {
    const path = tmp.path('empty');
    writeFileSync(path, '');
    const f = yield* File.open(path);
    assert.equal(yield* f.read(new Uint8Array(16)), 0);
    assert.equal(yield* f.seek({ current: 10_000 }), 10_000);
    assert.equal(yield* f.seek({ start: 0 }), 0); // rewind
    assert.equal(yield* f.seek({ current: 0 }), 0);
    f.close();
  });

  test('append mode writes at the end and the cursor follows', function* () {
    const path = tmp.path('append.txt');
    writeFileSync(path, 'one\n');
    const f = yield* new OpenOptions().append(true).open(path);
    try {
      yield* f.writeAll(enc.encode('two\n'));
      assert.equal(yield* f.seek({ current: 0 }), 8);
      yield* f.seek({ start: 0 });
      yield* f.writeAll(enc.encode('three\n'));
    } finally {
      f.close();
    }
    assert.equal(readFileSync(path, 'utf8'), 'one\ntwo\nthree\n');
  });

  test('setLen, metadata and sync work on an open file', function* () {
    const path = tmp.path('len.bin');
    const f = yield* File.createNew(path);
    try {
      yield* f.writeAll(enc.encode('0123456789'));
      yield* f.setLen(4);
      assert.equal((yield* f.metadata()).size, 4);
      yield* f.setLen(6);
      yield* f.syncAll();
      yield* f.seek({ start: 0 });
      const all = yield* f.readToEnd();
      assert.deepEqual([...all], [48, 49, 50, 51, 0, 0]);
      assert.throws(() => f.setLen(-1), RangeError);
    } finally {
      f.close();
    }
  });

  test('readExact past the end throws UnexpectedEof; readToString rejects bad UTF-8', function* () {
    const path = tmp.path('short.bin');
    writeFileSync(path, Buffer.from([0xff, 0xfe, 0x41]));
    const f = yield* File.open(path);
    try {
      try {
        yield* f.readExact(new Uint8Array(10));
        assert.fail('expected UnexpectedEof');
      } catch (e) {
        assert.ok(e instanceof UnexpectedEof);
        assert.equal(e.kind, 'unexpected-eof');
      }
      yield* f.seek({ start: 0 });
      const e = yield* expectInvalidData(() => f.readToString());
      assert.equal(e.kind, 'invalid-data');
    } finally {
      f.close();
    }
  });

  test('opening a missing file is a typed not-found error with the path', function* () {
    const path = tmp.path('missing/nope.txt');
    const e = yield* expectIoError(() => File.open(path) as any, 'ENOENT');
    assert.equal(e.kind, 'not-found');
    assert.equal(e.path, path);
  });

  test('createNew on an existing file is already-exists (EEXIST)', function* () {
    const path = tmp.path('exists.txt');
    writeFileSync(path, '');
    const e = yield* expectIoError(() => File.createNew(path) as any, 'EEXIST');
    assert.equal(e.kind, 'already-exists');
  });

  test('opening a directory for writing is is-a-directory (EISDIR)', function* () {
    const e = yield* expectIoError(() => File.create(tmp.dir) as any, 'EISDIR');
    assert.equal(e.kind, 'is-a-directory');
  });

  test('invalid paths and option combinations are refused before any I/O', function* () {
    assert.throws(() => File.open('a\0b'), TypeError);
    assert.throws(() => File.open(42 as unknown as string), TypeError);
    assert.throws(
      () => new OpenOptions().open(tmp.path('x')),
      (e: unknown) => e instanceof IoError && e.kind === 'invalid-input',
    );
    assert.throws(
      () => new OpenOptions().append(true).truncate(true).open(tmp.path('x')),
      (e: unknown) => e instanceof IoError && e.kind === 'invalid-input',
    );
    assert.throws(
      () => new OpenOptions().read(true).create(true).open(tmp.path('x')),
      (e: unknown) => e instanceof IoError && e.kind === 'invalid-input',
    );
    yield* yieldNow();
  });

  test('a closed file refuses every operation with EBADF', function* () {
    const f = yield* File.create(tmp.path('closed.txt'));
    f.close();
    f.close();
    assert.equal(f.isOpen(), false);
    assert.throws(
      () => f.read(new Uint8Array(1)),
      (e: unknown) => e instanceof IoError && e.code === 'EBADF',
    );
    assert.throws(
      () => f.write(new Uint8Array(1)),
      (e: unknown) => e instanceof IoError && e.code === 'EBADF',
    );
  });

  test('using closes the file at the end of the block', function* () {
    const before = openFds();
    {
      using f = yield* File.create(tmp.path('using.txt'));
      yield* f.writeAll(enc.encode('x'));
      assert.equal(openFds(), before + 1);
    }
    assert.equal(openFds(), before);
  });
});

function* expectCancelled(h: { [Symbol.iterator](): Iterator<any, unknown, unknown> }) {
  try {
    yield* h as any;
    assert.fail('expected the task to be cancelled');
  } catch (e) {
    assert.ok(e instanceof JoinError, `expected JoinError, got ${e}`);
    assert.equal(e.isCancelled(), true);
  }
}

function* expectInvalidData(fut: () => Iterable<any>) {
  try {
    yield* fut() as any;
  } catch (e) {
    assert.ok(e instanceof IoError);
    return e;
  }
  assert.fail('expected invalid-data');
}
