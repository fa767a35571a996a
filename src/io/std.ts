/** `stdin()`, `stdout()`, `stderr()`: the process's standard streams as pull-based streams. */
import type { Future } from '../future/future.js';
import { PullReader } from '../runtime/io/pull-reader.js';
import { PushWriter } from '../runtime/io/push-writer.js';
import { ReadBase, WriteBase } from './bases.js';
import { checkBuf } from './check.js';
import { flushPending, readReady } from './probe.js';

let stdinReader: PullReader | null = null;
let stdoutWriter: PushWriter | null = null;
let stderrWriter: PushWriter | null = null;

/**
 * The process's standard input. Every `stdin()` shares one underlying reader.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { stdin } from 'tokio-ts/io';
 *
 * main(function* () {
 *   // Reads what is piped in (nothing when run without input: 0 = end).
 *   const n = yield* stdin().read(new Uint8Array(64));
 *   console.log(n >= 0); // true
 * });
 * ```
 */
export class Stdin extends ReadBase {
  readonly #r: PullReader;

  /** @internal */
  constructor(r: PullReader) {
    super();
    this.#r = r;
  }

  /**
   * Reads what is available (waits for input); 0 at end of input. Reading
   * starts at the first call, so a program that never reads stdin does not
   * consume it.
   *
   * ## Cancel safety
   * Cancel safe: a cancelled read took no bytes.
   */
  read(buf: Uint8Array): Future<number> {
    if (!(buf instanceof Uint8Array))
      throw new TypeError('Stdin.read(buf): buf must be a Uint8Array');
    return this.#r.read(buf);
  }

  /** @internal */
  [readReady](): boolean {
    return this.#r.isReady();
  }
}

/**
 * The process's standard output or error.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { stdout } from 'tokio-ts/io';
 *
 * main(function* () {
 *   yield* stdout().writeAll(new TextEncoder().encode('written through StdWrite\n'));
 * });
 * ```
 */
export class StdWrite extends WriteBase {
  readonly #w: PushWriter;

  /** @internal */
  constructor(w: PushWriter) {
    super();
    this.#w = w;
  }

  /**
   * Writes `buf` (copied; reuse it at once); waits while Node's buffer for the
   * stream is full.
   *
   * ## Cancel safety
   * Cancel safe: a cancelled write wrote nothing.
   */
  write(buf: Uint8Array): Future<number> {
    checkBuf(buf, 'write(buf)');
    return this.#w.write(buf);
  }

  /** Waits until Node has handed everything written to the OS. */
  flush(): Future<void> {
    return this.#w.flush();
  }

  /** Flushes; the process's standard streams are never closed. */
  shutdown(): Future<void> {
    return this.#w.flush();
  }

  /** @internal */
  [flushPending](): boolean {
    return false;
  }
}

/**
 * The process's standard input as an `AsyncRead`.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { BufReader, stdin } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const line = yield* new BufReader(stdin()).readLine();
 *   console.log(`you said: ${line}`);
 * });
 * ```
 */
export function stdin(): Stdin {
  stdinReader ??= new PullReader(process.stdin, 'stdin');
  return new Stdin(stdinReader);
}

/**
 * The process's standard output as an `AsyncWrite`.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { stdout } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const out = stdout();
 *   yield* out.writeAll(new TextEncoder().encode('hello from stdout\n'));
 *   yield* out.flush();
 * });
 * ```
 */
export function stdout(): StdWrite {
  stdoutWriter ??= new PushWriter(process.stdout, 'stdout');
  return new StdWrite(stdoutWriter);
}

/**
 * The process's standard error as an `AsyncWrite`.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { stderr } from 'tokio-ts/io';
 *
 * main(function* () {
 *   yield* stderr().writeAll(new TextEncoder().encode('to stderr\n'));
 * });
 * ```
 */
export function stderr(): StdWrite {
  stderrWriter ??= new PushWriter(process.stderr, 'stderr');
  return new StdWrite(stderrWriter);
}
