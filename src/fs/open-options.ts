/**
 * `OpenOptions`: how to open a file (read, write, append, truncate, create,
 * createNew), as Rust's `std::fs::OpenOptions`.
 */
import { constants, open as openFd } from 'node:fs';
import type { Future } from '../future/future.js';
import { IoError } from '../io/error.js';
import { closeQuietly } from './close.js';
import { File } from './file.js';
import { checkPath, NodeOp, type PathLike, pathStr } from './op.js';

/**
 * Options for opening a {@link File}. Every setter returns `this`; `open(path)`
 * opens. The combinations follow Rust: at least one of read/write/append;
 * `truncate`, `create` and `createNew` need write or append; `append` with
 * `truncate` is refused; `createNew` ignores `create` and `truncate` and fails
 * with `already-exists` if the file exists.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { OpenOptions, readToString, removeFile } from 'tokio-ts/fs';
 *
 * main(function* () {
 *   const path = `/tmp/tokio-ts-openoptions-${process.pid}.log`;
 *   const f = yield* new OpenOptions().append(true).create(true).open(path);
 *   yield* f.writeAll(new TextEncoder().encode('one line\n'));
 *   f.close();
 *   console.log(yield* readToString(path)); // one line
 *   yield* removeFile(path);
 * });
 * ```
 */
export class OpenOptions {
  #read = false;
  #write = false;
  #append = false;
  #truncate = false;
  #create = false;
  #createNew = false;
  #mode = 0o666;

  /** Open for reading. */
  read(on: boolean): this {
    this.#read = on;
    return this;
  }
  /** Open for writing (at the cursor, which starts at 0). */
  write(on: boolean): this {
    this.#write = on;
    return this;
  }
  /** Every write goes to the end of the file (implies write access). */
  append(on: boolean): this {
    this.#append = on;
    return this;
  }
  /** Truncate an existing file to length 0 (needs write). */
  truncate(on: boolean): this {
    this.#truncate = on;
    return this;
  }
  /** Create the file if it does not exist (needs write or append). */
  create(on: boolean): this {
    this.#create = on;
    return this;
  }
  /** Create the file, failing with `already-exists` (`EEXIST`) if it exists. */
  createNew(on: boolean): this {
    this.#createNew = on;
    return this;
  }
  /** Permission bits of a newly created file (default `0o666`, before the umask). */
  mode(mode: number): this {
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777)
      throw new RangeError(`mode must be an integer in 0..0o7777, got ${mode}`);
    this.#mode = mode;
    return this;
  }

  /**
   * Opens `path` with these options.
   *
   * ## Cancel safety
   * Cancel safe: if the task is cancelled while the open is in flight, the
   * descriptor it returns is closed before the task's `finally` blocks run.
   *
   * ## Errors
   * `IoError` with Node's `code` and the path: `not-found` (`ENOENT`),
   * `already-exists` (`EEXIST`), `permission-denied`, `is-a-directory`, …;
   * `invalid-input` for an impossible combination of options.
   */
  open(path: PathLike): Future<File> {
    const p = checkPath(path, 'OpenOptions.open');
    const ps = pathStr(p);
    const flags = this.#flags(ps);
    const append = this.#append;
    const mode = this.#mode;
    const op = new NodeOp<number>((o) => openFd(p, flags, mode, o.done), ps, false, `open ${ps}`);
    op.onLate = closeQuietly;
    return mapOp(op, (fd) => File.fromFd(fd, ps, append));
  }

  #flags(path: string): number {
    const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_APPEND } = constants;
    const w = this.#write || this.#append;
    let flags: number;
    if (this.#read && !w) flags = O_RDONLY;
    else if (!this.#read && w) flags = O_WRONLY;
    else if (this.#read && w) flags = O_RDWR;
    else throw invalid('open: set at least one of read, write or append', path);
    if (!w && (this.#truncate || this.#create || this.#createNew))
      throw invalid('open: truncate, create and createNew need write or append', path);
    if (this.#append && this.#truncate && !this.#createNew)
      throw invalid('open: append and truncate cannot be combined', path);
    if (this.#createNew) flags |= O_CREAT | O_EXCL;
    else {
      if (this.#create) flags |= O_CREAT;
      if (this.#truncate) flags |= O_TRUNC;
    }
    if (this.#append) flags |= O_APPEND;
    return flags;
  }
}

function invalid(msg: string, path: string): IoError {
  return new IoError('invalid-input', msg, { code: 'EINVAL', path });
}

/** `fut` then `map` of its value, as a small generator. */
function* mapOp<A, B>(fut: Future<A>, map: (a: A) => B): Generator<any, B, unknown> {
  return map(yield* fut);
}
