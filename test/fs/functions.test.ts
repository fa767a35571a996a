import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { after, describe } from 'node:test';
import { JoinError, select, spawn, yieldNow } from 'tokio-ts';
import {
  canonicalize,
  copy,
  createDir,
  createDirAll,
  hardLink,
  metadata,
  read,
  readDir,
  readLink,
  readToString,
  removeDir,
  removeDirAll,
  removeFile,
  rename,
  setPermissions,
  symlink,
  symlinkMetadata,
  tryExists,
  write,
} from 'tokio-ts/fs';
import { ready } from 'tokio-ts/future';
import { IoError } from 'tokio-ts/io';
import { test } from 'tokio-ts/test';
import { openFds, tempDir } from './helpers.js';

const tmp = tempDir('fsfn');
after(() => tmp.remove());

function* ioErr(fut: Iterable<any>): Generator<any, IoError, unknown> {
  try {
    yield* fut as any;
  } catch (e) {
    assert.ok(e instanceof IoError, `expected IoError, got ${e}`);
    return e;
  }
  assert.fail('expected an IoError');
}

function* expectCancelled(h: Iterable<any>) {
  try {
    yield* h as any;
    assert.fail('expected the task to be cancelled');
  } catch (e) {
    assert.ok(e instanceof JoinError && e.isCancelled(), `expected cancellation, got ${e}`);
  }
}

describe('fs functions', () => {
  test('write, read and readToString round-trip bytes and text', function* () {
    const p = tmp.path('rt.txt');
    yield* write(p, 'héllo');
    assert.equal(yield* readToString(p), 'héllo');
    yield* write(p, new Uint8Array([1, 2, 3]));
    assert.deepEqual([...(yield* read(p))], [1, 2, 3]);
  });

  test('copy returns the byte count and rename moves the file', function* () {
    const a = tmp.path('a.txt');
    const b = tmp.path('b.txt');
    const c = tmp.path('c.txt');
    yield* write(a, 'abcdef');
    assert.equal(yield* copy(a, b), 6);
    yield* rename(b, c);
    assert.equal(yield* tryExists(b), false);
    assert.equal(yield* readToString(c), 'abcdef');
    yield* removeFile(c);
    assert.equal(yield* tryExists(c), false);
  });

  test('copy_permissions (fs_copy.rs) and rename over an existing file (fs_rename.rs)', function* () {
    const src = tmp.path('perm-src');
    const dst = tmp.path('perm-dst');
    yield* write(src, 'x');
    yield* setPermissions(src, 0o640);
    yield* copy(src, dst);
    assert.equal((yield* metadata(dst)).mode & 0o777, 0o640);
    yield* write(src, 'new');
    yield* rename(src, dst); // replaces dst, as std::fs::rename on Unix
    assert.equal(yield* readToString(dst), 'new');
    assert.equal(yield* tryExists(src), false);
    const gone = yield* ioErr(removeFile(src));
    assert.equal(gone.kind, 'not-found');
  });

  test('directories are created, listed and removed', function* () {
    const d = tmp.path('tree');
    yield* createDirAll(`${d}/x/y`);
    yield* createDirAll(`${d}/x/y`);
    yield* write(`${d}/x/f.txt`, '1');
    yield* createDir(`${d}/z`);
    const names: string[] = [];
    const rd = yield* readDir(`${d}/x`);
    try {
      for (let e = yield* rd.nextEntry(); e !== undefined; e = yield* rd.nextEntry()) {
        names.push(`${e.fileName()}:${e.isDir() ? 'dir' : 'file'}`);
        assert.equal(e.path(), `${d}/x/${e.fileName()}`);
        const ft = yield* e.fileType();
        assert.equal(ft.isFile(), (yield* e.metadata()).isFile());
      }
    } finally {
      rd.close();
    }
    assert.deepEqual(names.sort(), ['f.txt:file', 'y:dir']);
    const ne = yield* ioErr(removeDir(`${d}/x`));
    assert.equal(ne.code, 'ENOTEMPTY');
    assert.equal(ne.kind, 'directory-not-empty');
    yield* removeDir(`${d}/z`);
    yield* removeDirAll(d);
    assert.equal(yield* tryExists(d), false);
  });

  test('metadata, links, canonicalize and permissions', function* () {
    const f = tmp.path('meta.txt');
    const l = tmp.path('meta.link');
    const h = tmp.path('meta.hard');
    yield* write(f, '12345');
    assert.equal((yield* metadata(f)).size, 5);
    yield* symlink(f, l);
    assert.equal(yield* readLink(l), f);
    assert.equal((yield* symlinkMetadata(l)).isSymbolicLink(), true);
    assert.equal((yield* metadata(l)).isFile(), true);
    assert.equal(yield* canonicalize(l), yield* canonicalize(f));
    yield* hardLink(f, h);
    assert.equal((yield* metadata(f)).nlink, 2);
    yield* setPermissions(f, 0o600);
    assert.equal((yield* metadata(f)).mode & 0o777, 0o600);
    assert.throws(() => setPermissions(f, -1), RangeError);
    const e = yield* ioErr(readLink(f));
    assert.equal(e.code, 'EINVAL');
  });

  test('errors keep the code and the path', function* () {
    const missing = tmp.path('no/such/file');
    const e1 = yield* ioErr(read(missing));
    assert.equal(e1.code, 'ENOENT');
    assert.equal(e1.kind, 'not-found');
    assert.equal(e1.path, missing);
    const file = tmp.path('plain.txt');
    yield* write(file, 'x');
    const e2 = yield* ioErr(readDir(file));
    assert.equal(e2.code, 'ENOTDIR');
    assert.equal(e2.path, file);
    const e3 = yield* ioErr(removeDirAll(file));
    assert.equal(e3.code, 'ENOTDIR');
    const e4 = yield* ioErr(createDir(tmp.dir));
    assert.equal(e4.code, 'EEXIST');
    const e5 = yield* ioErr(readToString(tmp.dir));
    assert.equal(e5.code, 'EISDIR');
    assert.throws(() => read('bad\0path'), TypeError);
    assert.throws(() => write(file, 5 as unknown as string), TypeError);
  });

  test('a task cancelled in the middle of fs.read of a large file leaves no descriptor open', function* () {
    const p = tmp.path('large.bin');
    writeFileSync(p, Buffer.alloc(16 * 1024 * 1024, 1));
    const before = openFds();
    const h = spawn(function* () {
      yield* read(p);
      assert.fail('the read should have been cancelled');
    });
    // wait until the read has opened the file, so it is cancelled mid-read
    for (let i = 0; i < 100_000 && openFds() === before; i++) yield* yieldNow();
    assert.equal(openFds(), before + 1, 'the read is in flight');
    h.abort();
    yield* expectCancelled(h);
    assert.equal(openFds(), before);
  });

  test('a task cancelled in the middle of readDir leaves no descriptor open', function* () {
    const d = tmp.path('many');
    mkdirSync(d);
    for (let i = 0; i < 300; i++) writeFileSync(`${d}/f${i}`, '');
    const before = openFds();
    let seen = 0;
    const h = spawn(function* () {
      const rd = yield* readDir(d);
      try {
        while ((yield* rd.nextEntry()) !== undefined) seen++;
      } finally {
        rd.close();
      }
    });
    // No cap on the turns: on a loaded machine the thread pool may take a
    // long while per batch of entries (100 000 turns once saw only 37).
    while (seen < 40) yield* yieldNow();
    assert.ok(seen >= 40 && seen < 300, `cancelled mid-listing (seen ${seen})`);
    h.abort();
    yield* expectCancelled(h);
    assert.equal(openFds(), before);
    // cancelled while opendir itself is in flight
    for (let round = 0; round < 10; round++) {
      const h2 = spawn(function* () {
        yield* readDir(d);
        assert.fail('cancelled before opendir returned');
      });
      yield* yieldNow();
      h2.abort();
      yield* expectCancelled(h2);
    }
    assert.equal(openFds(), before);
  });

  test('cancel safety: nextEntry cancelled in flight loses no entry', function* () {
    const d = tmp.path('safe');
    mkdirSync(d);
    const want: string[] = [];
    for (let i = 0; i < 100; i++) {
      writeFileSync(`${d}/e${i}`, '');
      want.push(`e${i}`);
    }
    const got: string[] = [];
    const rd = yield* readDir(d);
    try {
      for (let i = 0; ; i++) {
        if (i % 2 === 0) {
          // nextEntry starts, the ready branch wins, nextEntry is cancelled
          const r = yield* select({ e: rd.nextEntry(), other: ready(0) }, { biased: true });
          if (r.key === 'e') {
            if (r.value === undefined) break;
            got.push(r.value.fileName());
          }
          continue;
        }
        const e = yield* rd.nextEntry();
        if (e === undefined) break;
        got.push(e.fileName());
      }
    } finally {
      rd.close();
    }
    assert.deepEqual(got.sort(), want.sort());
  });
});
