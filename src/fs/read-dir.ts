/**
 * `readDir`: a directory's entries, one at a time.
 */
import type { Dir, Dirent } from 'node:fs';
import { lstat, opendir } from 'node:fs/promises';
import { join } from 'node:path';
import { ready } from '../future/basic.js';
import type { Future, Suspend } from '../future/future.js';
import type { Metadata } from './file.js';
import { checkPath, type PathLike, pathStr, promiseOp } from './op.js';

/** What kind of file an entry is (from the directory listing, no extra syscall). */
export interface FileType {
  isFile(): boolean;
  isDir(): boolean;
  isSymlink(): boolean;
}

/**
 * One entry of a {@link ReadDir}.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { readDir } from 'tokio-ts/fs';
 *
 * main(function* () {
 *   const rd = yield* readDir('/');
 *   try {
 *     const e = yield* rd.nextEntry();
 *     if (e !== undefined) console.log(e.path().startsWith('/')); // true
 *   } finally {
 *     rd.close();
 *   }
 * });
 * ```
 */
export class DirEntry implements FileType {
  readonly #dir: string;
  readonly #dirent: Dirent;

  /** @internal */
  constructor(dir: string, dirent: Dirent) {
    this.#dir = dir;
    this.#dirent = dirent;
  }

  /** The entry's full path (the directory's path joined with the name). */
  path(): string {
    return join(this.#dir, this.#dirent.name);
  }

  /** The entry's name inside its directory. */
  fileName(): string {
    return this.#dirent.name;
  }

  /**
   * The entry's kind; it does not follow symlinks.
   *
   * ## Cancel safety
   * Cancel safe (it completes at once: the listing carries the kind).
   */
  fileType(): Future<FileType> {
    return ready<FileType>(this);
  }

  isFile(): boolean {
    return this.#dirent.isFile();
  }
  isDir(): boolean {
    return this.#dirent.isDirectory();
  }
  isSymlink(): boolean {
    return this.#dirent.isSymbolicLink();
  }

  /**
   * The entry's metadata; it does not follow symlinks (`lstat`), as Tokio.
   *
   * ## Cancel safety
   * Cancel safe.
   */
  metadata(): Future<Metadata> {
    const p = this.path();
    return promiseOp(() => lstat(p), p, `lstat ${p}`);
  }
}

/**
 * The entries of a directory, read on demand with `nextEntry()` (Node reads
 * them in batches of 32). `.` and `..` are not listed. Holds a directory
 * descriptor: it is closed when `nextEntry()` reaches the end or fails, or by
 * `close()` (synchronous, safe in a `finally` during cancellation).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { readDir } from 'tokio-ts/fs';
 *
 * main(function* () {
 *   const rd = yield* readDir('/');
 *   let n = 0;
 *   try {
 *     while ((yield* rd.nextEntry()) !== undefined) n++;
 *   } finally {
 *     rd.close();
 *   }
 *   console.log(n > 0); // true
 * });
 * ```
 */
export class ReadDir {
  /** The directory's path. */
  readonly path: string;
  #dir: Dir | null;
  /** an entry read by a cancelled `nextEntry`, handed to the next call */
  #stash: Dirent | null = null;

  /** @internal */
  constructor(path: string, dir: Dir) {
    this.path = path;
    this.#dir = dir;
  }

  /**
   * The next entry, or `undefined` at the end (the directory is then closed).
   *
   * ## Cancel safety
   * Cancel safe: an entry read while the task was being cancelled is kept and
   * returned by the next call.
   *
   * ## Errors
   * `IoError` with the directory's path.
   */
  nextEntry(): Future<DirEntry | undefined> {
    return this.#next();
  }

  *#next(): Generator<Suspend, DirEntry | undefined, unknown> {
    const stashed = this.#stash;
    if (stashed !== null) {
      this.#stash = null;
      return new DirEntry(this.path, stashed);
    }
    const dir = this.#dir;
    if (dir === null) return undefined;
    const op = promiseOp(() => dir.read(), this.path, `readDir ${this.path}`);
    op.onLate = (d) => {
      if (d !== null) this.#stash = d;
      else this.close();
    };
    let d: Dirent | null;
    try {
      d = yield* op;
    } catch (e) {
      this.close();
      throw e;
    }
    if (d === null) {
      this.close();
      return undefined;
    }
    return new DirEntry(this.path, d);
  }

  /** Closes the directory descriptor; later `nextEntry()` calls return `undefined`. */
  close(): void {
    const dir = this.#dir;
    if (dir === null) return;
    this.#dir = null;
    try {
      dir.closeSync();
    } catch {
      // already closed by Node: nothing to release
    }
  }

  /** Closes the directory (for `using`). */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Opens a directory for listing with {@link ReadDir.nextEntry}.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { readDir } from 'tokio-ts/fs';
 *
 * main(function* () {
 *   const rd = yield* readDir('.');
 *   try {
 *     for (let e = yield* rd.nextEntry(); e !== undefined; e = yield* rd.nextEntry())
 *       console.log(e.fileName());
 *   } finally {
 *     rd.close();
 *   }
 * });
 * ```
 *
 * ## Cancel safety
 * Cancel safe: a directory opened after the task was cancelled is closed.
 *
 * ## Errors
 * `IoError` `not-found` (`ENOENT`), `not-a-directory` (`ENOTDIR`), … with the path.
 */
export function readDir(path: PathLike): Future<ReadDir> {
  const p = checkPath(path, 'readDir');
  const ps = pathStr(p);
  const op = promiseOp(() => opendir(p), ps, `opendir ${ps}`);
  op.onLate = (dir) => {
    try {
      dir.closeSync();
    } catch {
      // nothing to release
    }
  };
  return wrapDir(op, ps);
}

function* wrapDir(op: Future<Dir>, path: string): Generator<Suspend, ReadDir, unknown> {
  return new ReadDir(path, yield* op);
}
