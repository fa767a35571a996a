/** `Command`: builds and starts child processes, as Tokio's `process::Command`. */
import { spawn as nodeSpawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Future, Suspend } from '../future/future.js';
import { IoError } from '../io/error.js';
import { Child } from './child.js';
import type { ExitStatus, Output } from './exit-status.js';
import { Stdio, type StdioMode } from './stdio.js';

/**
 * A builder for a child process: program, arguments, environment, working
 * directory and stdio; then `spawn()`, `output()` or `status()`. A `Command`
 * can be spawned many times.
 *
 * The program is looked up on `PATH` like a shell would (no shell runs: pass
 * arguments with `arg`/`args`, they are not split or expanded).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { Command } from 'tokio-ts/process';
 *
 * main(function* () {
 *   const out = yield* new Command(process.execPath)
 *     .args(['-e', 'console.log(process.env.GREETING)'])
 *     .env('GREETING', 'hello')
 *     .output();
 *   console.log(new TextDecoder().decode(out.stdout).trim()); // hello
 * });
 * ```
 */
export class Command {
  readonly #program: string;
  readonly #args: string[] = [];
  #envClear = false;
  /** Changes to the environment, in order; undefined removes the variable. */
  readonly #env = new Map<string, string | undefined>();
  #cwd: string | undefined = undefined;
  #stdin: Stdio | undefined = undefined;
  #stdout: Stdio | undefined = undefined;
  #stderr: Stdio | undefined = undefined;
  #killOnDrop = false;

  /** A command running `program` (a path, or a name looked up on `PATH`). */
  constructor(program: string) {
    if (typeof program !== 'string' || program.length === 0)
      throw new TypeError('new Command(program): program must be a non-empty string');
    this.#program = program;
  }

  /** Adds one argument. */
  arg(arg: string): this {
    this.#args.push(str(arg, 'arg'));
    return this;
  }

  /** Adds arguments. */
  args(args: Iterable<string>): this {
    if (args === null || typeof args !== 'object' || !(Symbol.iterator in args))
      throw new TypeError('Command.args(args): args must be an iterable of strings');
    for (const a of args) this.#args.push(str(a, 'args'));
    return this;
  }

  /** Sets an environment variable of the child. */
  env(key: string, value: string): this {
    this.#env.set(envKey(key), str(value, 'env value'));
    return this;
  }

  /** Sets several environment variables (a record or `[key, value]` pairs). */
  envs(vars: Record<string, string> | Iterable<readonly [string, string]>): this {
    if (vars === null || typeof vars !== 'object')
      throw new TypeError('Command.envs(vars): vars must be a record or an iterable of pairs');
    const entries = Symbol.iterator in vars ? vars : Object.entries(vars);
    for (const [k, v] of entries as Iterable<readonly [string, string]>) this.env(k, v);
    return this;
  }

  /** Removes an environment variable (inherited or set earlier). */
  envRemove(key: string): this {
    this.#env.set(envKey(key), undefined);
    return this;
  }

  /** Starts from an empty environment: nothing is inherited, earlier `env` calls are dropped. */
  envClear(): this {
    this.#envClear = true;
    this.#env.clear();
    return this;
  }

  /** The child's working directory (a path or a `file:` URL). */
  currentDir(dir: string | URL): this {
    if (dir instanceof URL) this.#cwd = fileURLToPath(dir);
    else this.#cwd = str(dir, 'currentDir');
    return this;
  }

  /** What the child's stdin is connected to. */
  stdin(cfg: Stdio): this {
    this.#stdin = stdio(cfg, 'stdin');
    return this;
  }

  /** What the child's stdout is connected to. */
  stdout(cfg: Stdio): this {
    this.#stdout = stdio(cfg, 'stdout');
    return this;
  }

  /** What the child's stderr is connected to. */
  stderr(cfg: Stdio): this {
    this.#stderr = stdio(cfg, 'stderr');
    return this;
  }

  /**
   * Ties each spawned child to the task that spawns it: when that task ends
   * — cancelled, failed or returned — while the child still runs, the child
   * gets SIGKILL and the task's handle settles only after the child has exited
   * (so its pid is gone). Cancelling an `output()`/`status()` future kills its
   * child at once. Outside a task (no current task), there is no owner and
   * this has no effect. Default false: a child outlives everything, as in Tokio.
   */
  killOnDrop(kill: boolean): this {
    if (typeof kill !== 'boolean') throw new TypeError('Command.killOnDrop(kill): a boolean');
    this.#killOnDrop = kill;
    return this;
  }

  /** Whether {@link killOnDrop} is set. */
  getKillOnDrop(): boolean {
    return this.#killOnDrop;
  }

  /** The program. */
  getProgram(): string {
    return this.#program;
  }

  /** The arguments so far. */
  getArgs(): readonly string[] {
    return [...this.#args];
  }

  /**
   * Starts the child. Unset stdio is inherited from this process.
   *
   * ## Errors
   * If the OS cannot start the program (`ENOENT`, `EACCES`, a missing
   * `currentDir`), Node reports it asynchronously: `spawn()` returns a `Child`
   * whose `id` is undefined and whose `wait()` throws the `IoError`.
   */
  spawn(): Child {
    return this.#spawn('inherit', 'inherit', 'inherit');
  }

  /**
   * Runs the child to the end, capturing stdout and stderr (unless configured
   * otherwise; stdin defaults to `Stdio.null()`).
   *
   * ## Errors
   * An `IoError` if the program could not be started (`not-found` for `ENOENT`).
   *
   * ## Cancel safety
   * Not cancel safe: the output is lost; the child keeps running unless
   * `killOnDrop(true)` (then it is killed).
   */
  output(): Future<Output> {
    return this.#output();
  }

  *#output(): Generator<Suspend, Output, unknown> {
    const child = this.#spawn('ignore', 'pipe', 'pipe');
    let done = false;
    try {
      const out = yield* child.waitWithOutput();
      done = true;
      return out;
    } finally {
      if (!done) this.#dropped(child);
    }
  }

  /**
   * Runs the child to the end with inherited stdio and returns its status.
   *
   * ## Errors
   * An `IoError` if the program could not be started (`not-found` for `ENOENT`).
   *
   * ## Cancel safety
   * Cancel safe in the sense that nothing is lost but the status; the child
   * keeps running unless `killOnDrop(true)` (then it is killed).
   */
  status(): Future<ExitStatus> {
    return this.#status();
  }

  *#status(): Generator<Suspend, ExitStatus, unknown> {
    const child = this.#spawn('inherit', 'inherit', 'inherit');
    // As Tokio: piped streams nobody can reach are closed.
    child.stdout?.close();
    child.stderr?.close();
    child.stdout = undefined;
    child.stderr = undefined;
    let done = false;
    try {
      const status = yield* child.wait();
      done = true;
      return status;
    } finally {
      if (!done) this.#dropped(child);
    }
  }

  /** `program arg1 arg2 …`. */
  toString(): string {
    return [this.#program, ...this.#args].map((a) => JSON.stringify(a)).join(' ');
  }

  #dropped(child: Child): void {
    if (this.#killOnDrop && child.running) {
      try {
        child.startKill();
      } catch {
        // already gone
      }
    }
  }

  #spawn(dIn: StdioMode, dOut: StdioMode, dErr: StdioMode): Child {
    let env: NodeJS.ProcessEnv | undefined;
    if (this.#envClear || this.#env.size > 0) {
      env = this.#envClear ? {} : { ...process.env };
      for (const [k, v] of this.#env) {
        if (v === undefined) delete env[k];
        else env[k] = v;
      }
    }
    let proc: ReturnType<typeof nodeSpawn>;
    try {
      proc = nodeSpawn(this.#program, this.#args, {
        cwd: this.#cwd,
        env,
        stdio: [this.#stdin?.mode ?? dIn, this.#stdout?.mode ?? dOut, this.#stderr?.mode ?? dErr],
      });
    } catch (err) {
      if (err instanceof TypeError) throw err;
      throw IoError.from(err, { path: this.#program });
    }
    const child = new Child(proc, this.#program);
    if (this.#killOnDrop) child.tieToCurrentTask();
    return child;
  }
}

function str(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new TypeError(`Command: ${what} must be a string`);
  if (v.includes('\0')) throw new TypeError(`Command: ${what} must not contain NUL bytes`);
  return v;
}

function envKey(k: unknown): string {
  const s = str(k, 'env key');
  if (s.length === 0 || s.includes('='))
    throw new TypeError(`Command: bad env key ${JSON.stringify(s)}`);
  return s;
}

function stdio(cfg: unknown, which: string): Stdio {
  if (!(cfg instanceof Stdio))
    throw new TypeError(
      `Command.${which}(cfg): use Stdio.piped(), Stdio.inherit() or Stdio.null()`,
    );
  return cfg;
}
