/** `SignalKind`: which Unix signal a `signal()` stream listens for. */
import { constants } from 'node:os';

/** Signals that cannot be caught (or must not be, as in Tokio). */
const FORBIDDEN = new Set(['SIGKILL', 'SIGSTOP', 'SIGILL', 'SIGFPE', 'SIGSEGV', 'SIGBUS']);

/**
 * A Unix signal that can be listened for with `signal(kind)`, as Tokio's
 * `unix::SignalKind`. `SIGKILL`, `SIGSTOP`, `SIGILL`, `SIGFPE`, `SIGSEGV` and
 * `SIGBUS` cannot be listened for.
 *
 * @example
 * ```ts
 * import { SignalKind } from 'tokio-ts/signal';
 *
 * console.log(SignalKind.terminate().name, SignalKind.interrupt().asRawValue()); // SIGTERM 2
 * console.log(SignalKind.fromRaw(10).name); // SIGUSR1 (on Linux)
 * ```
 */
export class SignalKind {
  /** Node's name of the signal (`'SIGINT'`, …). */
  readonly name: NodeJS.Signals;

  private constructor(name: NodeJS.Signals) {
    this.name = name;
  }

  /** SIGINT: Ctrl-C in a terminal. */
  static interrupt(): SignalKind {
    return new SignalKind('SIGINT');
  }

  /** SIGTERM: the polite request to stop (`kill`, service managers). */
  static terminate(): SignalKind {
    return new SignalKind('SIGTERM');
  }

  /** SIGHUP: the terminal went away; daemons reload their configuration. */
  static hangup(): SignalKind {
    return new SignalKind('SIGHUP');
  }

  /** SIGQUIT: Ctrl-\ in a terminal. */
  static quit(): SignalKind {
    return new SignalKind('SIGQUIT');
  }

  /** SIGUSR1. Note: Node uses it to start the inspector unless a listener is installed. */
  static userDefined1(): SignalKind {
    return new SignalKind('SIGUSR1');
  }

  /** SIGUSR2. */
  static userDefined2(): SignalKind {
    return new SignalKind('SIGUSR2');
  }

  /** SIGWINCH: the terminal was resized. */
  static windowChange(): SignalKind {
    return new SignalKind('SIGWINCH');
  }

  /** SIGALRM. */
  static alarm(): SignalKind {
    return new SignalKind('SIGALRM');
  }

  /** SIGCHLD: a child process changed state. */
  static child(): SignalKind {
    return new SignalKind('SIGCHLD');
  }

  /** SIGPIPE: a write to a closed pipe (Node ignores it by default). */
  static pipe(): SignalKind {
    return new SignalKind('SIGPIPE');
  }

  /** SIGIO. */
  static io(): SignalKind {
    return new SignalKind('SIGIO');
  }

  /**
   * The signal with this number on this platform.
   *
   * ## Errors
   * `RangeError` for an unknown number or a signal that cannot be listened for.
   */
  static fromRaw(signum: number): SignalKind {
    if (!Number.isInteger(signum)) throw new RangeError('SignalKind.fromRaw: an integer');
    for (const [name, n] of Object.entries(constants.signals)) {
      if (n === signum) {
        if (FORBIDDEN.has(name))
          throw new RangeError(`SignalKind.fromRaw: ${name} cannot be listened for`);
        return new SignalKind(name as NodeJS.Signals);
      }
    }
    throw new RangeError(`SignalKind.fromRaw: no signal ${signum} on this platform`);
  }

  /** The signal's number on this platform. */
  asRawValue(): number {
    return constants.signals[this.name];
  }

  /** The signal's name. */
  toString(): string {
    return this.name;
  }
}
