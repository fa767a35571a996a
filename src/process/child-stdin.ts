/** `ChildStdin`: the write end of a child's standard input. */
import type { Future } from '../future/future.js';
import { WriteBase } from '../io/bases.js';
import type { PushWriter } from '../runtime/io/push-writer.js';

/**
 * A child's standard input (`Stdio.piped()`), an `AsyncWrite`. Writes copy
 * the bytes and wait while the pipe is full, so a child that reads slowly
 * slows the writer. `close()` (or `shutdown()`) sends end of input; the
 * child's `wait()` closes it too, as Tokio does, so a child that reads until
 * end of input can finish.
 *
 * Writing after the child exited fails with an `IoError` of kind
 * `broken-pipe` (on that write or a later one, once Node has seen `EPIPE`),
 * never with an uncaught `EPIPE`.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { Command, Stdio } from 'tokio-ts/process';
 *
 * main(function* () {
 *   const child = new Command(process.execPath)
 *     .args(['-e', 'process.stdin.pipe(process.stdout)'])
 *     .stdin(Stdio.piped())
 *     .stdout(Stdio.piped())
 *     .spawn();
 *   yield* child.stdin!.writeAll(new TextEncoder().encode('ping'));
 *   child.stdin!.close();
 *   console.log(yield* child.stdout!.readToString()); // ping
 *   yield* child.wait();
 * });
 * ```
 */
export class ChildStdin extends WriteBase {
  readonly #w: PushWriter;
  #closed = false;

  /** @internal */
  constructor(w: PushWriter) {
    super();
    this.#w = w;
  }

  /**
   * Writes up to 256 KiB of `buf` (copied: reuse it at once) and returns the
   * count; waits while the pipe and Node's buffer are full.
   *
   * ## Cancel safety
   * Cancel safe: a cancelled write wrote nothing.
   */
  write(buf: Uint8Array): Future<number> {
    if (!(buf instanceof Uint8Array))
      throw new TypeError('ChildStdin.write(buf): buf must be a Uint8Array');
    return this.#w.write(buf);
  }

  /**
   * Waits until every byte written was handed to the OS.
   *
   * ## Cancel safety
   * Cancel safe: the bytes stay queued.
   */
  flush(): Future<void> {
    return this.#w.flush();
  }

  /**
   * Sends end of input after the queued bytes and waits until they were
   * handed to the OS.
   *
   * ## Cancel safety
   * The end of input is sent anyway; only the wait is cancelled.
   */
  shutdown(): Future<void> {
    return this.#w.shutdown();
  }

  /** Writes what fits now without waiting: a count, or undefined when the pipe is full. */
  tryWrite(buf: Uint8Array): number | undefined {
    if (!(buf instanceof Uint8Array))
      throw new TypeError('ChildStdin.tryWrite(buf): buf must be a Uint8Array');
    return this.#w.tryWrite(buf);
  }

  /**
   * Closes the pipe (Tokio's drop): bytes already written are still
   * delivered, then the child sees end of input; later writes fail with
   * `not-connected`. Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#w.end();
    this.#w.close();
  }

  /** Same as {@link close}, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }
}
