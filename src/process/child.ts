/** `Child`: a running child process, from `Command.spawn()`. */
import type { ChildProcess } from 'node:child_process';
import { join } from '../future/combinators.js';
import type { Future, Suspend } from '../future/future.js';
import { suspend, type Waker } from '../future/suspend.js';
import { IoError } from '../io/error.js';
import { ctx } from '../runtime/context.js';
import { inspect, instrument, type ResourceInfo } from '../runtime/instrument.js';
import { PullReader } from '../runtime/io/pull-reader.js';
import { PushWriter } from '../runtime/io/push-writer.js';
import type { Task } from '../runtime/task.js';
import { ChildStdin } from './child-stdin.js';
import { ChildStderr, ChildStdout } from './child-stdout.js';
import { ExitStatus, type Output } from './exit-status.js';

/**
 * A spawned child process. `stdin`, `stdout` and `stderr` are set for the
 * streams configured with `Stdio.piped()` and undefined otherwise; take one
 * with `const out = child.stdout!; child.stdout = undefined;` if something
 * else should own it (Tokio's `child.stdout.take()`): `wait()` closes the
 * `stdin` still held here, and `waitWithOutput()` reads the `stdout`/`stderr`
 * still held here.
 *
 * A child keeps running when nothing waits for it (as in Tokio), unless
 * `Command.killOnDrop(true)` tied it to the task that spawned it.
 *
 * ## Errors
 * If the program cannot be started (missing program or directory, no
 * permission), Node reports it asynchronously, so `spawn()` still returns a
 * `Child`: its `id` is undefined and `wait()`, `waitWithOutput()`, `kill()`
 * throw an `IoError` with Node's code (`ENOENT` → kind `not-found`) and the
 * program as `path`. `Command.output()`/`status()` throw it.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { Command } from 'tokio-ts/process';
 *
 * main(function* () {
 *   const child = new Command(process.execPath).args(['-e', 'process.exit(2)']).spawn();
 *   console.log(typeof child.id); // number
 *   const status = yield* child.wait();
 *   console.log(status.code(), child.id); // 2 undefined
 * });
 * ```
 */
export class Child {
  /** The child's standard input, when piped and not taken. */
  stdin: ChildStdin | undefined;
  /** The child's standard output, when piped and not taken. */
  stdout: ChildStdout | undefined;
  /** The child's standard error, when piped and not taken. */
  stderr: ChildStderr | undefined;
  readonly #proc: ChildProcess;
  readonly #program: string;
  #status: ExitStatus | null = null;
  #error: IoError | null = null;
  /** wakers of the tasks in `wait()`, with the task (for the console) */
  readonly #waiters = new Map<Waker<ExitStatus>, Task | null>();
  /** The kill-on-drop set of the task this child is tied to. */
  #owner: Set<Child> | null = null;

  /** @internal */
  constructor(proc: ChildProcess, program: string) {
    this.#proc = proc;
    this.#program = program;
    proc.on('exit', this.#onExit);
    proc.on('error', this.#onError);
    this.stdin =
      proc.stdin === null ? undefined : new ChildStdin(new PushWriter(proc.stdin, 'child stdin'));
    this.stdout =
      proc.stdout === null
        ? undefined
        : new ChildStdout(new PullReader(proc.stdout, 'child stdout'), proc.stdout);
    this.stderr =
      proc.stderr === null
        ? undefined
        : new ChildStderr(new PullReader(proc.stderr, 'child stderr'), proc.stderr);
    if (instrument !== null) instrument.resource(this);
  }

  /** @internal what the console shows: pid, command line, state, tasks in `wait()` */
  [inspect](): ResourceInfo {
    const waiters: Task[] = [];
    for (const t of this.#waiters.values()) if (t !== null) waiters.push(t);
    const st = this.#status;
    return {
      kind: 'child process',
      waiters,
      fields: {
        pid: this.#proc.pid,
        command: this.#proc.spawnargs.length > 0 ? this.#proc.spawnargs.join(' ') : this.#program,
        state:
          st !== null
            ? `exited (${st.toString()})`
            : this.#error !== null
              ? `failed (${this.#error.message})`
              : 'running',
      },
    };
  }

  /** The OS process id; undefined if the child could not be started or has been reaped. */
  get id(): number | undefined {
    return this.#status === null && this.#error === null ? this.#proc.pid : undefined;
  }

  /**
   * Waits for the child to exit and returns its status. Closes the `stdin`
   * still held by this `Child` first (as Tokio), so a child reading to end of
   * input does not wait forever. Repeat calls return the same status.
   *
   * ## Errors
   * The spawn error, if the program could not be started.
   *
   * ## Cancel safety
   * Cancel safe: the status is kept, and a later `wait()` returns it.
   */
  wait(): Future<ExitStatus> {
    return this.#wait();
  }

  *#wait(): Generator<Suspend, ExitStatus, unknown> {
    this.#closeStdin();
    return yield* this.exited();
  }

  /**
   * Closes stdin, reads the piped `stdout` and `stderr` still held by this
   * `Child` to the end while waiting for the exit, and returns all three.
   * Streams that are not held here read as empty.
   *
   * ## Cancel safety
   * Not cancel safe: output read so far is lost (the child keeps running).
   */
  waitWithOutput(): Future<Output> {
    return this.#waitWithOutput();
  }

  *#waitWithOutput(): Generator<Suspend, Output, unknown> {
    this.#closeStdin();
    const out = this.stdout;
    const err = this.stderr;
    this.stdout = undefined;
    this.stderr = undefined;
    const [stdout, stderr, status] = yield* join(
      out === undefined ? EMPTY_READ : out.readToEnd(),
      err === undefined ? EMPTY_READ : err.readToEnd(),
      this.exited(),
    );
    return { status, stdout, stderr };
  }

  /**
   * Sends SIGKILL and waits for the child to exit (Tokio's `kill`, unlike
   * `std`'s, waits).
   *
   * Killing a child that has already exited (and been waited for) does
   * nothing and succeeds, as in Tokio.
   *
   * ## Errors
   * The spawn error.
   *
   * ## Cancel safety
   * The signal is sent at the first poll; cancelling only stops the wait.
   */
  kill(): Future<void> {
    return this.#kill();
  }

  *#kill(): Generator<Suspend, void, unknown> {
    this.startKill();
    yield* this.exited();
  }

  /**
   * The exit status if the child has exited, else undefined, without waiting
   * (and without closing stdin).
   *
   * ## Errors
   * The spawn error, once Node has reported it.
   */
  tryWait(): ExitStatus | undefined {
    if (this.#error !== null) throw this.#error;
    return this.#status ?? undefined;
  }

  /**
   * Sends SIGKILL without waiting; use `wait()` to see it exit. Once the
   * exit was seen it does nothing (Tokio's `start_kill` after `wait` is `Ok`:
   * the pid may already belong to another process).
   *
   * ## Errors
   * The spawn error.
   */
  startKill(): void {
    if (this.#error !== null) throw this.#error;
    if (this.#status !== null) return;
    this.#proc.kill('SIGKILL');
  }

  /** `Child(program, pid)`. */
  toString(): string {
    return `Child(${this.#program}, pid ${this.id ?? '-'})`;
  }

  /** Waits for the exit without touching stdin. @internal */
  exited(): Future<ExitStatus> {
    return suspend<ExitStatus>(
      (waker) => {
        if (this.#status !== null) waker.wake(this.#status);
        else if (this.#error !== null) waker.throw(this.#error);
        else {
          this.#waiters.set(waker, ctx.current);
          return () => {
            this.#waiters.delete(waker);
          };
        }
      },
      `child process ${this.#proc.pid ?? this.#program}`,
    );
  }

  /** True while the process may still run. @internal */
  get running(): boolean {
    return this.#status === null && this.#error === null;
  }

  /** Ties this child to the current task: it is killed when the task ends. @internal */
  tieToCurrentTask(): void {
    const task = ctx.current;
    if (task === null || !this.running) return;
    // keyed by the cleanup list, not the task: a timeout's inner future has
    // its own list, so its children are killed when it times out
    let list = task.deferred;
    if (list === null) {
      list = [];
      task.deferred = list;
    }
    let set = owned.get(list);
    if (set === undefined) {
      set = new Set();
      owned.set(list, set);
      list.push(killAll(set));
    }
    set.add(this);
    this.#owner = set;
  }

  #closeStdin(): void {
    const s = this.stdin;
    if (s !== undefined) {
      this.stdin = undefined;
      s.close();
    }
  }

  readonly #onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
    if (this.#status !== null || this.#error !== null) return;
    const status = new ExitStatus(code, signal);
    this.#status = status;
    this.#release();
    for (const w of this.#waiters.keys()) w.wake(status);
    this.#waiters.clear();
  };

  readonly #onError = (err: Error): void => {
    // Also emitted when a kill fails; only a failed spawn (no pid) ends the child.
    if (this.#proc.pid !== undefined || this.#status !== null || this.#error !== null) return;
    const e = IoError.from(err, { path: this.#program });
    this.#error = e;
    this.#release();
    for (const w of this.#waiters.keys()) w.throw(e);
    this.#waiters.clear();
  };

  #release(): void {
    if (this.#owner !== null) {
      this.#owner.delete(this);
      this.#owner = null;
    }
  }
}

const EMPTY_READ: Future<Uint8Array> = {
  [Symbol.iterator]: () => ({ next: () => ({ done: true, value: new Uint8Array(0) }) }),
} as Future<Uint8Array>;

/** The kill-on-drop children of each cleanup list (a task's, or a timeout's inner future's). */
const owned = new WeakMap<object, Set<Child>>();

/** A task's deferred cleanup: SIGKILL its kill-on-drop children still running, wait for them. */
function* killAll(set: Set<Child>): Generator<Suspend, void, unknown> {
  const victims = [...set];
  set.clear();
  for (const c of victims) {
    try {
      c.startKill();
    } catch {
      // exited meanwhile
    }
  }
  for (const c of victims) {
    try {
      yield* c.exited();
    } catch {
      // a spawn error: nothing runs
    }
  }
}
