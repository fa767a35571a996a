/**
 * The whole-file and path functions of `tokio-ts/fs`, over `node:fs/promises`.
 * Each is a Future: nothing happens until it is polled, and a task cancelled
 * while one is in flight waits for it to settle (closing what it opened), so
 * no descriptor outlives the cancelled task.
 */
import * as fsp from 'node:fs/promises';
import type { Future, Suspend } from '../future/future.js';
import { decodeUtf8 } from '../io/util.js';
import type { Metadata } from './file.js';
import { checkPath, type NodePath, type PathLike, pathStr, promiseOp } from './op.js';

function arg(p: unknown, what: string): [NodePath, string] {
  const c = checkPath(p, what);
  return [c, pathStr(c)];
}

/**
 * Reads a whole file.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { read, write, removeFile } from 'tokio-ts/fs';
 *
 * main(function* () {
 *   const p = `/tmp/tokio-ts-read-${process.pid}`;
 *   yield* write(p, new Uint8Array([1, 2, 3]));
 *   console.log(yield* read(p)); // Uint8Array(3) [ 1, 2, 3 ]
 *   yield* removeFile(p);
 * });
 * ```
 *
 * ## Cancel safety
 * Cancelling aborts the read (Node's `signal`) and waits until Node has
 * closed the file.
 *
 * ## Errors
 * `IoError` with Node's `code` and the path (`not-found`, `is-a-directory`, …).
 */
export function read(path: PathLike): Future<Uint8Array> {
  const [p, s] = arg(path, 'read');
  return promiseOp((signal) => fsp.readFile(p, { signal: signal! }), s, `read ${s}`, true);
}

/**
 * Reads a whole file as UTF-8.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { readToString } from 'tokio-ts/fs';
 *
 * main(function* () {
 *   console.log((yield* readToString('/etc/hostname')).length > 0); // true
 * });
 * ```
 *
 * ## Cancel safety
 * As {@link read}.
 *
 * ## Errors
 * As {@link read}; `invalid-data` if the file is not valid UTF-8.
 */
export function* readToString(path: PathLike): Generator<Suspend, string, unknown> {
  return decodeUtf8(yield* read(path));
}

/**
 * Writes a whole file, creating or truncating it.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { write, readToString, removeFile } from 'tokio-ts/fs';
 *
 * main(function* () {
 *   const p = `/tmp/tokio-ts-write-${process.pid}`;
 *   yield* write(p, 'hello');
 *   console.log(yield* readToString(p)); // hello
 *   yield* removeFile(p);
 * });
 * ```
 *
 * ## Cancel safety
 * Cancelling aborts the write (Node's `signal`) and waits until the file is
 * closed; the file may be partly written.
 */
export function write(path: PathLike, contents: Uint8Array | string): Future<void> {
  const [p, s] = arg(path, 'write');
  if (typeof contents !== 'string' && !(contents instanceof Uint8Array))
    throw new TypeError('write(path, contents): contents must be a Uint8Array or a string');
  return promiseOp(
    (signal) => fsp.writeFile(p, contents, { signal: signal! }),
    s,
    `write ${s}`,
    true,
  );
}

/**
 * Copies a file's contents and permissions to `to` (overwriting it); returns
 * the number of bytes copied.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { copy, write, removeFile } from 'tokio-ts/fs';
 *
 * main(function* () {
 *   const a = `/tmp/tokio-ts-copy-a-${process.pid}`;
 *   const b = `/tmp/tokio-ts-copy-b-${process.pid}`;
 *   yield* write(a, 'abc');
 *   console.log(yield* copy(a, b)); // 3
 *   yield* removeFile(a);
 *   yield* removeFile(b);
 * });
 * ```
 *
 * ## Cancel safety
 * The copy runs to the end (Node cannot stop it); cancelling waits for it.
 */
export function copy(from: PathLike, to: PathLike): Future<number> {
  const [a, s] = arg(from, 'copy');
  const [b] = arg(to, 'copy');
  return promiseOp(
    async () => {
      await fsp.copyFile(a, b);
      return (await fsp.stat(b)).size;
    },
    s,
    `copy ${s}`,
  );
}

/**
 * Renames (moves) a file or directory, replacing `to` if it is a file.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { rename, write, tryExists, removeFile } from 'tokio-ts/fs';
 *
 * main(function* () {
 *   const a = `/tmp/tokio-ts-rename-a-${process.pid}`;
 *   const b = `/tmp/tokio-ts-rename-b-${process.pid}`;
 *   yield* write(a, 'x');
 *   yield* rename(a, b);
 *   console.log(yield* tryExists(a), yield* tryExists(b)); // false true
 *   yield* removeFile(b);
 * });
 * ```
 *
 * ## Cancel safety
 * Runs to the end; cancelling waits for it.
 */
export function rename(from: PathLike, to: PathLike): Future<void> {
  const [a, s] = arg(from, 'rename');
  const [b] = arg(to, 'rename');
  return promiseOp(() => fsp.rename(a, b), s, `rename ${s}`);
}

/**
 * Removes a file (not a directory).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { removeFile, write } from 'tokio-ts/fs';
 *
 * main(function* () {
 *   const p = `/tmp/tokio-ts-rm-${process.pid}`;
 *   yield* write(p, '');
 *   yield* removeFile(p);
 * });
 * ```
 *
 * ## Cancel safety
 * Runs to the end; cancelling waits for it.
 */
export function removeFile(path: PathLike): Future<void> {
  const [p, s] = arg(path, 'removeFile');
  return promiseOp(() => fsp.unlink(p), s, `removeFile ${s}`);
}

/**
 * Creates a directory; its parent must exist.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { createDir, removeDir } from 'tokio-ts/fs';
 *
 * main(function* () {
 *   const d = `/tmp/tokio-ts-mkdir-${process.pid}`;
 *   yield* createDir(d);
 *   yield* removeDir(d);
 * });
 * ```
 *
 * ## Cancel safety
 * Runs to the end; cancelling waits for it.
 *
 * ## Errors
 * `already-exists` (`EEXIST`), `not-found` (parent missing), … with the path.
 */
export function createDir(path: PathLike): Future<void> {
  const [p, s] = arg(path, 'createDir');
  return promiseOp(() => fsp.mkdir(p).then(() => undefined), s, `createDir ${s}`);
}

/**
 * Creates a directory and its missing parents; succeeds if it exists.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { createDirAll, removeDirAll } from 'tokio-ts/fs';
 *
 * main(function* () {
 *   const d = `/tmp/tokio-ts-mkdirp-${process.pid}`;
 *   yield* createDirAll(`${d}/a/b/c`);
 *   yield* removeDirAll(d);
 * });
 * ```
 *
 * ## Cancel safety
 * Runs to the end; cancelling waits for it.
 */
export function createDirAll(path: PathLike): Future<void> {
  const [p, s] = arg(path, 'createDirAll');
  return promiseOp(
    () => fsp.mkdir(p, { recursive: true }).then(() => undefined),
    s,
    `createDirAll ${s}`,
  );
}

/**
 * Removes an empty directory.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { createDir, removeDir } from 'tokio-ts/fs';
 *
 * main(function* () {
 *   const d = `/tmp/tokio-ts-rmdir-${process.pid}`;
 *   yield* createDir(d);
 *   yield* removeDir(d);
 * });
 * ```
 *
 * ## Cancel safety
 * Runs to the end; cancelling waits for it.
 *
 * ## Errors
 * `directory-not-empty` (`ENOTEMPTY`), `not-a-directory`, `not-found`, … with the path.
 */
export function removeDir(path: PathLike): Future<void> {
  const [p, s] = arg(path, 'removeDir');
  return promiseOp(() => fsp.rmdir(p), s, `removeDir ${s}`);
}

/**
 * Removes a directory and everything in it (symlinks are removed, not followed).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { createDirAll, removeDirAll, write } from 'tokio-ts/fs';
 *
 * main(function* () {
 *   const d = `/tmp/tokio-ts-rmrf-${process.pid}`;
 *   yield* createDirAll(`${d}/sub`);
 *   yield* write(`${d}/sub/f`, 'x');
 *   yield* removeDirAll(d);
 * });
 * ```
 *
 * ## Cancel safety
 * Runs to the end; cancelling waits for it.
 *
 * ## Errors
 * `not-found` if it does not exist, `not-a-directory` (`ENOTDIR`) if it is a file.
 */
export function removeDirAll(path: PathLike): Future<void> {
  const [p, s] = arg(path, 'removeDirAll');
  return promiseOp(
    async () => {
      const st = await fsp.lstat(p);
      if (!st.isDirectory())
        throw Object.assign(new Error(`ENOTDIR: not a directory, removeDirAll '${s}'`), {
          code: 'ENOTDIR',
        });
      await fsp.rm(p, { recursive: true });
    },
    s,
    `removeDirAll ${s}`,
  );
}

/**
 * The metadata of a path, following symlinks (`stat`).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { metadata } from 'tokio-ts/fs';
 *
 * main(function* () {
 *   console.log((yield* metadata('/')).isDirectory()); // true
 * });
 * ```
 *
 * ## Cancel safety
 * Cancel safe.
 */
export function metadata(path: PathLike): Future<Metadata> {
  const [p, s] = arg(path, 'metadata');
  return promiseOp(() => fsp.stat(p), s, `metadata ${s}`);
}

/**
 * The metadata of a path without following a final symlink (`lstat`).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { symlinkMetadata } from 'tokio-ts/fs';
 *
 * main(function* () {
 *   console.log((yield* symlinkMetadata('/')).isSymbolicLink()); // false
 * });
 * ```
 *
 * ## Cancel safety
 * Cancel safe.
 */
export function symlinkMetadata(path: PathLike): Future<Metadata> {
  const [p, s] = arg(path, 'symlinkMetadata');
  return promiseOp(() => fsp.lstat(p), s, `symlinkMetadata ${s}`);
}

/**
 * The absolute path with every symlink, `.` and `..` resolved (`realpath`).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { canonicalize } from 'tokio-ts/fs';
 *
 * main(function* () {
 *   console.log(yield* canonicalize('/tmp/../tmp/.')); // /tmp
 * });
 * ```
 *
 * ## Cancel safety
 * Cancel safe.
 */
export function canonicalize(path: PathLike): Future<string> {
  const [p, s] = arg(path, 'canonicalize');
  return promiseOp(() => fsp.realpath(p), s, `canonicalize ${s}`);
}

/**
 * Creates a hard link `link` to `original`.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { hardLink, write, metadata, removeFile } from 'tokio-ts/fs';
 *
 * main(function* () {
 *   const a = `/tmp/tokio-ts-hl-a-${process.pid}`;
 *   const b = `/tmp/tokio-ts-hl-b-${process.pid}`;
 *   yield* write(a, 'x');
 *   yield* hardLink(a, b);
 *   console.log((yield* metadata(a)).nlink); // 2
 *   yield* removeFile(a);
 *   yield* removeFile(b);
 * });
 * ```
 *
 * ## Cancel safety
 * Runs to the end; cancelling waits for it.
 */
export function hardLink(original: PathLike, link: PathLike): Future<void> {
  const [a, s] = arg(original, 'hardLink');
  const [b] = arg(link, 'hardLink');
  return promiseOp(() => fsp.link(a, b), s, `hardLink ${s}`);
}

/**
 * Creates a symbolic link `link` pointing at `original` (Unix `symlink`).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { symlink, readLink, removeFile } from 'tokio-ts/fs';
 *
 * main(function* () {
 *   const l = `/tmp/tokio-ts-sl-${process.pid}`;
 *   yield* symlink('/tmp', l);
 *   console.log(yield* readLink(l)); // /tmp
 *   yield* removeFile(l);
 * });
 * ```
 *
 * ## Cancel safety
 * Runs to the end; cancelling waits for it.
 */
export function symlink(original: PathLike, link: PathLike): Future<void> {
  const [a] = arg(original, 'symlink');
  const [b, s] = arg(link, 'symlink');
  return promiseOp(() => fsp.symlink(a, b), s, `symlink ${s}`);
}

/**
 * The target of a symbolic link.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { readLink } from 'tokio-ts/fs';
 *
 * main(function* () {
 *   console.log(typeof (yield* readLink('/proc/self/exe'))); // string
 * });
 * ```
 *
 * ## Cancel safety
 * Cancel safe.
 *
 * ## Errors
 * `invalid-input` (`EINVAL`) if the path is not a symlink.
 */
export function readLink(path: PathLike): Future<string> {
  const [p, s] = arg(path, 'readLink');
  return promiseOp(() => fsp.readlink(p), s, `readLink ${s}`);
}

/**
 * Sets a path's permission bits (`chmod`), e.g. `0o644`.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { setPermissions, metadata, write, removeFile } from 'tokio-ts/fs';
 *
 * main(function* () {
 *   const p = `/tmp/tokio-ts-chmod-${process.pid}`;
 *   yield* write(p, '');
 *   yield* setPermissions(p, 0o600);
 *   console.log(((yield* metadata(p)).mode & 0o777).toString(8)); // 600
 *   yield* removeFile(p);
 * });
 * ```
 *
 * ## Cancel safety
 * Runs to the end; cancelling waits for it.
 */
export function setPermissions(path: PathLike, mode: number): Future<void> {
  const [p, s] = arg(path, 'setPermissions');
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777)
    throw new RangeError(`setPermissions: mode must be an integer in 0..0o7777, got ${mode}`);
  return promiseOp(() => fsp.chmod(p, mode), s, `setPermissions ${s}`);
}

/**
 * Whether a path exists: `false` only when it is definitely missing
 * (`ENOENT`); other errors (e.g. `permission-denied`) are thrown.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { tryExists } from 'tokio-ts/fs';
 *
 * main(function* () {
 *   console.log(yield* tryExists('/'), yield* tryExists('/no/such/path')); // true false
 * });
 * ```
 *
 * ## Cancel safety
 * Cancel safe.
 */
export function tryExists(path: PathLike): Future<boolean> {
  const [p, s] = arg(path, 'tryExists');
  return promiseOp(
    () =>
      fsp.stat(p).then(
        () => true,
        (e: unknown) => {
          if ((e as { code?: string }).code === 'ENOENT') return false;
          throw e;
        },
      ),
    s,
    `tryExists ${s}`,
  );
}
