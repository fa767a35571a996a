/** `ChildStdout` and `ChildStderr`: the read ends of a child's output pipes. */
import type { Readable } from 'node:stream';
import type { Future } from '../future/future.js';
import { ReadBase } from '../io/bases.js';
import { checkBuf } from '../io/check.js';
import type { PullReader } from '../runtime/io/pull-reader.js';

/** The shared reading surface of {@link ChildStdout} and {@link ChildStderr}. */
export abstract class ChildOutput extends ReadBase {
  readonly #r: PullReader;
  readonly #stream: Readable;

  /** @internal */
  constructor(r: PullReader, stream: Readable) {
    super();
    this.#r = r;
    this.#stream = stream;
  }

  /**
   * Reads what is available into `buf` (waits for output) and returns the
   * count; 0 at end of output. Bytes stay in the pipe until read: a child
   * that writes more than the reader takes blocks, and memory stays bounded.
   *
   * ## Cancel safety
   * Cancel safe: a cancelled read took no bytes.
   */
  read(buf: Uint8Array): Future<number> {
    checkBuf(buf, 'read(buf)');
    return this.#r.read(buf);
  }

  /**
   * The next chunk as the pipe delivered it (no copy), or undefined at end of output.
   *
   * ## Cancel safety
   * Cancel safe: a cancelled read took no bytes.
   */
  readChunk(): Future<Uint8Array | undefined> {
    return this.#r.readChunk();
  }

  /** Reads without waiting: a count (0 = end of output), or undefined when nothing is there yet. */
  tryRead(buf: Uint8Array): number | undefined {
    checkBuf(buf, 'tryRead(buf)');
    return this.#r.tryRead(buf);
  }

  /**
   * Closes the pipe (Tokio's drop): later reads fail with `not-connected`,
   * and a child still writing to it gets `EPIPE` instead of blocking forever.
   * Idempotent.
   */
  close(): void {
    this.#r.close();
    this.#stream.destroy();
  }

  /** Same as {@link close}, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * A child's standard output (`Stdio.piped()`), an `AsyncRead` with pull-based
 * reads: `read`, `readChunk`, `tryRead` and the helpers `readExact`,
 * `readToEnd`, `readToString`.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { Command, Stdio } from 'tokio-ts/process';
 *
 * main(function* () {
 *   const child = new Command(process.execPath)
 *     .args(['-e', 'console.log("out")'])
 *     .stdout(Stdio.piped())
 *     .spawn();
 *   const text = yield* child.stdout!.readToString();
 *   console.log(text.trim()); // out
 *   yield* child.wait();
 * });
 * ```
 */
export class ChildStdout extends ChildOutput {}

/**
 * A child's standard error (`Stdio.piped()`), an `AsyncRead` like
 * {@link ChildStdout}.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { Command, Stdio } from 'tokio-ts/process';
 *
 * main(function* () {
 *   const child = new Command(process.execPath)
 *     .args(['-e', 'console.error("err")'])
 *     .stderr(Stdio.piped())
 *     .spawn();
 *   console.log((yield* child.stderr!.readToString()).trim()); // err
 *   yield* child.wait();
 * });
 * ```
 */
export class ChildStderr extends ChildOutput {}
