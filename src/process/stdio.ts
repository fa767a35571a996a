/** `Stdio`: what a child's standard stream is connected to. */

/** @internal */
export type StdioMode = 'pipe' | 'inherit' | 'ignore';

/**
 * What a child's stdin, stdout or stderr is connected to: a new pipe the
 * parent reads or writes (`Stdio.piped()`), the parent's own stream
 * (`Stdio.inherit()`), or nothing (`Stdio.null()`, `/dev/null`).
 *
 * Defaults, as Tokio: `spawn()` and `status()` inherit all three; `output()`
 * pipes stdout and stderr and connects stdin to nothing.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { Command, Stdio } from 'tokio-ts/process';
 *
 * main(function* () {
 *   const child = new Command(process.execPath)
 *     .args(['-e', 'console.log("hi")'])
 *     .stdout(Stdio.piped())
 *     .spawn();
 *   console.log((yield* child.stdout!.readToString()).trim()); // hi
 *   yield* child.wait();
 * });
 * ```
 */
export class Stdio {
  /** @internal */
  readonly mode: StdioMode;

  static readonly #piped = new Stdio('pipe');
  static readonly #inherit = new Stdio('inherit');
  static readonly #null = new Stdio('ignore');

  private constructor(mode: StdioMode) {
    this.mode = mode;
  }

  /** A new pipe: the `Child` gets a `ChildStdin`/`ChildStdout`/`ChildStderr` for it. */
  static piped(): Stdio {
    return Stdio.#piped;
  }

  /** The parent's own stream. */
  static inherit(): Stdio {
    return Stdio.#inherit;
  }

  /** Nothing: reads see end of input, writes are discarded (`/dev/null`). */
  static null(): Stdio {
    return Stdio.#null;
  }

  /** `'piped'`, `'inherit'` or `'null'`. */
  toString(): string {
    return this.mode === 'pipe' ? 'piped' : this.mode === 'inherit' ? 'inherit' : 'null';
  }
}
