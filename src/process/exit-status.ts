/** `ExitStatus` and `Output`: how a child ended, and what it printed. */

/**
 * How a child process ended: with an exit code, or killed by a signal.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { Command } from 'tokio-ts/process';
 *
 * main(function* () {
 *   const status = yield* new Command(process.execPath).args(['-e', 'process.exit(3)']).status();
 *   console.log(status.success(), status.code(), status.signal()); // false 3 undefined
 *   console.log(`${status}`); // exit status: 3
 * });
 * ```
 */
export class ExitStatus {
  readonly #code: number | null;
  readonly #signal: string | null;

  /** @internal */
  constructor(code: number | null, signal: string | null) {
    this.#code = code;
    this.#signal = signal;
  }

  /** True if the child exited with code 0. */
  success(): boolean {
    return this.#code === 0;
  }

  /** The exit code, or undefined if the child was killed by a signal. */
  code(): number | undefined {
    return this.#code ?? undefined;
  }

  /** The name of the signal that killed the child (`'SIGKILL'`, …), or undefined. */
  signal(): string | undefined {
    return this.#signal ?? undefined;
  }

  /** `exit status: N` or `signal: SIGNAME`, as Tokio's `Display`. */
  toString(): string {
    return this.#signal !== null ? `signal: ${this.#signal}` : `exit status: ${this.#code}`;
  }
}

/**
 * What `Command.output()` and `Child.waitWithOutput()` return: the exit
 * status and everything the child wrote to its piped stdout and stderr (empty
 * when a stream was not piped).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { Command, type Output } from 'tokio-ts/process';
 *
 * main(function* () {
 *   const out: Output = yield* new Command(process.execPath)
 *     .args(['-e', 'process.stdout.write("a"); process.stderr.write("b")'])
 *     .output();
 *   console.log(out.status.success(), out.stdout.length, out.stderr.length); // true 1 1
 * });
 * ```
 */
export interface Output {
  /** How the child ended. */
  readonly status: ExitStatus;
  /** Everything written to stdout (if piped). */
  readonly stdout: Uint8Array;
  /** Everything written to stderr (if piped). */
  readonly stderr: Uint8Array;
}
