/**
 * `File`: an open file, read and written with the task's `yield*`, with a
 * cursor you can `seek`.
 */
import {
  fdatasync,
  fstat,
  fsync,
  ftruncate,
  read as readFd,
  type Stats,
  write as writeFd,
  writev as writevFd,
} from 'node:fs';
import { ready } from '../future/basic.js';
import type { Future, Suspend } from '../future/future.js';
import { checkBufs } from '../io/check.js';
import { IoError } from '../io/error.js';
import type { AsyncRead, AsyncSeek, AsyncWrite, SeekFrom } from '../io/traits.js';
import { readExact, readToEnd, readToString, writeAll } from '../io/util.js';
import { closeQuietly } from './close.js';
import { NodeOp, type PathLike } from './op.js';
import { OpenOptions } from './open-options.js';

/** A file's metadata: Node's `fs.Stats` (`size`, `isFile()`, `isDirectory()`, `mode`, `mtime`, …). */
export type Metadata = Stats;

/**
 * An open file: `AsyncRead + AsyncWrite + AsyncSeek`. Reads and writes run on
 * Node's thread pool at the file's cursor, which `seek` moves. A write returns
 * when the bytes are in the OS (there is no hidden background write, unlike
 * Tokio's File, so `flush()` has nothing to do and errors show up on the write
 * that caused them).
 *
 * **A File holds a file descriptor until you close it**: call `close()` (or
 * use `using f = ...`, which calls `[Symbol.dispose]`), typically in a
 * `finally` block. Closing is synchronous, so it works in a `finally` that
 * runs during cancellation. A File that is never closed leaks its descriptor.
 * Use one File from one task at a time.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { File, removeFile } from 'tokio-ts/fs';
 *
 * main(function* () {
 *   const path = `/tmp/tokio-ts-file-example-${process.pid}.txt`;
 *   const out = yield* File.create(path);
 *   try {
 *     yield* out.writeAll(new TextEncoder().encode('hello, file'));
 *   } finally {
 *     out.close();
 *   }
 *   const f = yield* File.open(path);
 *   try {
 *     yield* f.seek({ start: 7 });
 *     console.log(yield* f.readToString()); // file
 *   } finally {
 *     f.close();
 *   }
 *   yield* removeFile(path);
 * });
 * ```
 */
export class File implements AsyncRead, AsyncWrite, AsyncSeek {
  /** The path the file was opened with. */
  readonly path: string;
  #fd: number;
  #pos = 0;
  /** opened with append: writes go to the end, so the cursor is only known after a stat */
  readonly #append: boolean;
  #posKnown = true;

  /** @internal use File.open / File.create / OpenOptions */
  private constructor(fd: number, path: string, append: boolean) {
    this.#fd = fd;
    this.path = path;
    this.#append = append;
  }

  /** @internal */
  static fromFd(fd: number, path: string, append: boolean): File {
    return new File(fd, path, append);
  }

  /**
   * Opens an existing file for reading.
   *
   * ## Cancel safety
   * Cancel safe: a descriptor opened after cancellation is closed.
   *
   * ## Errors
   * `IoError` `not-found` (`ENOENT`), `permission-denied`, … with the path.
   */
  static open(path: PathLike): Future<File> {
    return new OpenOptions().read(true).open(path);
  }

  /**
   * Opens a file for writing, creating it or truncating it to 0 bytes.
   *
   * ## Cancel safety
   * Cancel safe: a descriptor opened after cancellation is closed (the file
   * may have been created or truncated).
   */
  static create(path: PathLike): Future<File> {
    return new OpenOptions().write(true).create(true).truncate(true).open(path);
  }

  /**
   * Creates a new file for reading and writing; fails with `already-exists`
   * (`EEXIST`) if it exists.
   *
   * ## Cancel safety
   * Cancel safe, as {@link File.create}.
   */
  static createNew(path: PathLike): Future<File> {
    return new OpenOptions().read(true).write(true).createNew(true).open(path);
  }

  /** A fresh {@link OpenOptions}. */
  static options(): OpenOptions {
    return new OpenOptions();
  }

  /**
   * Reads into `buf` at the cursor and advances it; returns the number of
   * bytes read, 0 at the end of the file.
   *
   * ## Cancel safety
   * Cancel safe: a read cancelled in flight is waited for, and the cursor does
   * not move, so the next read returns the same bytes.
   */
  read(buf: Uint8Array): Future<number> {
    const fd = this.#liveFd();
    if (!(buf instanceof Uint8Array))
      throw new TypeError('File.read(buf): buf must be a Uint8Array');
    if (buf.length === 0) return ready(0);
    if (!this.#posKnown) return this.#afterPos(() => this.read(buf));
    const pos = this.#pos;
    const op = new NodeOp<number>(
      (o) => readFd(fd, buf, 0, buf.length, pos, o.done),
      this.path,
      false,
      `file read ${this.path}`,
    );
    op.onSettled = (n, cancelled) => {
      if (!cancelled) this.#pos = pos + n;
    };
    return op;
  }

  /**
   * Writes `buf` at the cursor (at the end in append mode) and advances it;
   * returns how many bytes were written. The caller may reuse `buf` as soon as
   * it returns.
   *
   * ## Cancel safety
   * A write cancelled in flight is waited for; the bytes it wrote stay in the
   * file and the cursor moves past them, as in Tokio (nothing is lost, part
   * may be written).
   */
  write(buf: Uint8Array): Future<number> {
    const fd = this.#liveFd();
    if (!(buf instanceof Uint8Array))
      throw new TypeError('File.write(buf): buf must be a Uint8Array');
    if (buf.length === 0) return ready(0);
    return this.#writeAt((pos, done) => writeFd(fd, buf, 0, buf.length, pos, done));
  }

  /** True: {@link File.writeVectored} writes every buffer (Tokio's `is_write_vectored`). */
  isWriteVectored(): boolean {
    return true;
  }

  /** A write at the cursor (or the end in append mode) that moves the cursor past what it wrote. */
  #writeAt(
    start: (pos: number | null, done: (err: unknown, n?: number) => void) => void,
  ): Future<number> {
    const append = this.#append;
    const pos = append ? null : this.#pos;
    const op = new NodeOp<number>(
      (o) => start(pos, o.done),
      this.path,
      false,
      `file write ${this.path}`,
    );
    op.onSettled = (n) => {
      if (append) this.#posKnown = false;
      else this.#pos = (pos as number) + n;
    };
    return op;
  }

  /**
   * Writes the buffers in order as one write (`writev`) at the cursor and
   * advances it past them; returns how many bytes were written. As Tokio's
   * `File`, which takes every slice, not only the first.
   *
   * @example
   * ```ts
   * import { readFileSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { main } from 'tokio-ts';
   * import { File } from 'tokio-ts/fs';
   *
   * const path = join(tmpdir(), `write-vectored-${process.pid}.txt`);
   * main(function* () {
   *   const f = yield* File.create(path);
   *   const enc = new TextEncoder();
   *   console.log(yield* f.writeVectored([enc.encode('hello, '), enc.encode('world')])); // 12
   *   f.close();
   *   console.log(readFileSync(path, 'utf8')); // hello, world
   * });
   * ```
   *
   * ## Cancel safety
   * As {@link File.write}: a write cancelled in flight is waited for, and
   * the cursor moves past what it wrote.
   */
  writeVectored(bufs: Uint8Array[]): Future<number> {
    const fd = this.#liveFd();
    checkBufs(bufs, 'File.writeVectored(bufs)');
    let total = 0;
    for (const b of bufs) total += b.length;
    if (total === 0) return ready(0);
    return this.#writeAt((pos, done) => writevFd(fd, bufs, pos, done));
  }

  /**
   * Does nothing: writes are complete when they return.
   *
   * ## Cancel safety
   * Cancel safe.
   */
  flush(): Future<void> {
    this.#liveFd();
    return ready(undefined);
  }

  /**
   * Flushes (a no-op, see {@link File.flush}); the file stays open, call
   * `close()` to release it.
   *
   * ## Cancel safety
   * Cancel safe.
   */
  shutdown(): Future<void> {
    return this.flush();
  }

  /**
   * Moves the cursor and returns the new position from the start. Seeking
   * past the end is allowed: reads there return 0 and a write there extends
   * the file (the gap reads as zeros).
   *
   * ## Cancel safety
   * Cancel safe: the cursor moves only when the seek completes.
   *
   * ## Errors
   * `IoError` `invalid-input` (`EINVAL`) for a position before the start;
   * `TypeError` for a malformed `pos`.
   */
  seek(pos: SeekFrom): Future<number> {
    this.#liveFd();
    if (pos === null || typeof pos !== 'object')
      throw new TypeError('File.seek(pos): pos must be { start }, { current } or { end }');
    if ('start' in pos) return ready(this.#setPos(checkInt(pos.start, 'start'), 0));
    if ('current' in pos) {
      const d = checkInt(pos.current, 'current');
      if (this.#posKnown) return ready(this.#setPos(this.#pos, d));
      return this.#afterPos(() => ready(this.#setPos(this.#pos, d)));
    }
    if ('end' in pos) {
      const d = checkInt(pos.end, 'end');
      return mapped(this.metadata(), (st) => this.#setPos(st.size, d));
    }
    throw new TypeError('File.seek(pos): pos must be { start }, { current } or { end }');
  }

  /**
   * Waits until data and metadata are on the disk (`fsync`).
   *
   * ## Cancel safety
   * Cancel safe (the sync is waited for, its result dropped).
   */
  syncAll(): Future<void> {
    const fd = this.#liveFd();
    return new NodeOp<void>((o) => fsync(fd, o.done), this.path, false, `fsync ${this.path}`);
  }

  /**
   * Waits until the data is on the disk (`fdatasync`), skipping metadata.
   *
   * ## Cancel safety
   * Cancel safe (the sync is waited for, its result dropped).
   */
  syncData(): Future<void> {
    const fd = this.#liveFd();
    return new NodeOp<void>(
      (o) => fdatasync(fd, o.done),
      this.path,
      false,
      `fdatasync ${this.path}`,
    );
  }

  /**
   * Truncates or extends (with zeros) the file to `len` bytes. The cursor does
   * not move.
   *
   * ## Cancel safety
   * Cancel safe; the length may or may not have changed.
   *
   * ## Errors
   * `RangeError` for a negative or non-integer `len`; `IoError` if the file is
   * not open for writing (`EBADF`/`EINVAL`).
   */
  setLen(len: number): Future<void> {
    const fd = this.#liveFd();
    if (!Number.isSafeInteger(len) || len < 0)
      throw new RangeError(`File.setLen: len must be a non-negative integer, got ${len}`);
    return new NodeOp<void>(
      (o) => ftruncate(fd, len, o.done),
      this.path,
      false,
      `ftruncate ${this.path}`,
    );
  }

  /**
   * The file's metadata (`fstat`).
   *
   * ## Cancel safety
   * Cancel safe.
   */
  metadata(): Future<Metadata> {
    const fd = this.#liveFd();
    return new NodeOp<Metadata>((o) => fstat(fd, o.done), this.path, false, `fstat ${this.path}`);
  }

  /**
   * Reads exactly `buf.length` bytes.
   *
   * ## Cancel safety
   * Not cancel safe: bytes read before cancellation are lost to the caller
   * (the cursor is past them).
   *
   * ## Errors
   * `UnexpectedEof` if the file ends first.
   */
  readExact(buf: Uint8Array): Future<number> {
    return readExact(this, buf);
  }

  /**
   * Reads from the cursor to the end of the file.
   *
   * ## Cancel safety
   * Not cancel safe: what was read before cancellation is lost to the caller.
   */
  readToEnd(): Future<Uint8Array> {
    return readToEnd(this);
  }

  /**
   * Reads from the cursor to the end of the file as UTF-8.
   *
   * ## Cancel safety
   * Not cancel safe, as {@link File.readToEnd}.
   *
   * ## Errors
   * `IoError` `invalid-data` if the bytes are not valid UTF-8.
   */
  readToString(): Future<string> {
    return readToString(this);
  }

  /**
   * Writes all of `buf`.
   *
   * ## Cancel safety
   * Not cancel safe: part of `buf` may have been written.
   */
  writeAll(buf: Uint8Array): Future<void> {
    return writeAll(this, buf);
  }

  /** True until `close()`. */
  isOpen(): boolean {
    return this.#fd >= 0;
  }

  /**
   * Closes the file descriptor now (synchronously, so it may run in a
   * `finally` during cancellation). Closing twice does nothing; any other
   * method then throws `IoError` (`EBADF`).
   */
  close(): void {
    const fd = this.#fd;
    if (fd < 0) return;
    this.#fd = -1;
    closeQuietly(fd);
  }

  /** Closes the file (for `using`). */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Closes the file (for `await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  #liveFd(): number {
    const fd = this.#fd;
    if (fd < 0)
      throw new IoError('bad-descriptor', `the file ${this.path} is closed`, {
        code: 'EBADF',
        path: this.path,
      });
    return fd;
  }

  #setPos(base: number, delta: number): number {
    const p = base + delta;
    if (p < 0)
      throw new IoError('invalid-input', `seek to a negative position (${p}) in ${this.path}`, {
        code: 'EINVAL',
        path: this.path,
      });
    this.#pos = p;
    this.#posKnown = true;
    return p;
  }

  /** In append mode the cursor is the file's size after a write: learn it, then run `then`. */
  *#afterPos<T>(then: () => Future<T>): Generator<Suspend, T, unknown> {
    const st = yield* this.metadata();
    if (!this.#posKnown) {
      this.#pos = st.size;
      this.#posKnown = true;
    }
    return yield* then();
  }
}

function checkInt(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v))
    throw new TypeError(`File.seek: ${what} must be an integer, got ${String(v)}`);
  return v;
}

function* mapped<A, B>(fut: Future<A>, map: (a: A) => B): Generator<Suspend, B, unknown> {
  return map(yield* fut);
}
