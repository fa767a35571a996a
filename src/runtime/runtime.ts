/**
 * `Runtime`: owns a scheduler, its time driver and its metrics.
 */
import { isMainThread } from 'node:worker_threads';
import { type ConsoleOptions, startConsole } from '../console/console.js';
import type { FutureLike } from '../future/future.js';
import { JoinError } from '../task/error.js';
import { handleOf, type JoinHandle, taskPromise } from '../task/join-handle.js';
import { Builder, type BuilderOptions } from './builder.js';
import { ctx } from './context.js';
import { RuntimeMetrics, type TaskDump } from './metrics.js';
import { Scheduler } from './scheduler.js';
import { Phase, State, type Task } from './task.js';

/** Options of a spawned task. */
export interface SpawnOptions {
  /** Shown in dumps and error reports. */
  name?: string;
}

/**
 * The task name from a `spawn`'s options. Anything but an options object (or
 * nothing) is a `TypeError`: `JoinSet.spawn(fn, 1)` or `spawn(fn, 1)` with a
 * `function*` that declares no parameters would otherwise start `fn()` and
 * drop the argument. @internal
 */
export function spawnName(opts: unknown, what: string): string | undefined {
  if (opts === undefined) return undefined;
  if (typeof opts === 'object' && opts !== null) {
    const name = (opts as SpawnOptions).name;
    if (name === undefined || typeof name === 'string') return name;
    throw new TypeError(`${what}: options.name must be a string, got ${typeof name}`);
  }
  throw spawnArgsError(
    what,
    `options must be an object like { name }, got ${opts === null ? 'null' : typeof opts}`,
  );
}

/** The TypeError of a `spawn` given arguments it does not take. @internal */
export function spawnArgsError(what: string, problem: string): TypeError {
  return new TypeError(
    `${what}(future, options?): ${problem}. To pass arguments, spawn the future they make ` +
      '(spawn(work(1, 2))) or a defineTask definition (spawn(def, 1, 2)).',
  );
}

/**
 * A tokio-ts runtime. Most programs never build one: `main` does, and the free
 * functions (`spawn`, `sleep`, …) use the runtime of the current task. Outside
 * any task (a Node callback) they use the runtime `main` runs while it runs,
 * else the thread's default runtime, built on first use (Tokio would panic
 * with "no reactor running"; a Node program has callbacks outside any task
 * everywhere, so tokio-ts gives them a runtime instead).
 *
 * @example
 * ```ts
 * import { Runtime } from 'tokio-ts/runtime';
 * import { sleep } from 'tokio-ts/time';
 *
 * const rt = Runtime.builder().startPaused(true).build();
 * const v = await rt.blockOn(function* () {
 *   yield* sleep(1000);
 *   return 7;
 * });
 * console.log(v); // 7
 * await rt.shutdown();
 * ```
 */
export class Runtime {
  /** @internal */
  readonly sched: Scheduler;
  /** @internal */
  readonly options: Readonly<BuilderOptions>;
  #shutdown = false;

  /** Prefer {@link Runtime.builder}. */
  constructor(opts: BuilderOptions = {}) {
    this.options = Object.freeze({ ...opts });
    this.sched = new Scheduler(opts.eventInterval ?? 61, opts.unhandledError ?? 'log');
    this.sched.owner = this;
    this.sched.captureSpawnLocation = opts.captureSpawnLocation ?? false;
    if (opts.scheduleSeed !== undefined) this.sched.seed(opts.scheduleSeed);
    // unhandledError: 'shutdown' — an unobserved failure shuts the runtime down
    this.sched.onFatal = () => {
      void this.shutdown();
    };
    for (const hook of runtimeHooks) hook(this);
    const consoleOpts = opts.console ?? consoleFromEnv();
    if (consoleOpts !== undefined) startConsoleNow(this, consoleOpts, opts.console !== undefined);
  }

  /** A builder for a new runtime. */
  static builder(): Builder {
    return new Builder();
  }

  /**
   * The current task's runtime; outside any task, the runtime `main` (or a
   * `tokio-ts/test` test) is running, else this thread's default runtime.
   */
  static current(): Runtime {
    return currentScheduler().owner as Runtime;
  }

  /**
   * Runs `fut` as a task and resolves with its value. Rejects with what the
   * future threw, or with a cancelled {@link JoinError} if it was cancelled.
   */
  blockOn<T>(fut: FutureLike<T>): Promise<T> {
    const task = this.#spawnTask(fut, 'blockOn');
    return (taskPromise(task) as Promise<T>).catch((e: unknown) => {
      throw e instanceof JoinError && e.isFailed() ? e.cause : e;
    });
  }

  /** Spawns `fut` on this runtime; see `spawn` in the task module. */
  spawn<T>(fut: FutureLike<T>, opts?: SpawnOptions): JoinHandle<T> {
    return handleOf<T>(this.#spawnTask(fut, spawnName(opts, 'Runtime.spawn')));
  }

  /** A handle that spawns onto this runtime. */
  handle(): Handle {
    return new Handle(this);
  }

  /** Live counters of this runtime. */
  metrics(): RuntimeMetrics {
    return new RuntimeMetrics(this.sched);
  }

  /** Every live task: id, name, state and what it waits on. */
  dump(): TaskDump[] {
    const out: TaskDump[] = [];
    for (const t of this.sched.aliveTasks()) out.push(dumpTask(t));
    return out;
  }

  /**
   * Cancels every task and waits for their cleanup (`finally` blocks and
   * deferred futures). With `timeoutMs`, stops waiting after that long.
   * A task spawned (or a `blockOn`) on the runtime from then on, even by a
   * task's cleanup, is never polled: its handle reports it cancelled, as in
   * Tokio.
   */
  async shutdown(timeoutMs?: number): Promise<void> {
    this.#shutdown = true;
    this.sched.closed = true;
    const deadline = timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + timeoutMs;
    while (this.sched.aliveCount > 0) {
      const waits: Promise<unknown>[] = [];
      for (const t of this.sched.aliveTasks()) {
        this.sched.cancel(t);
        waits.push(taskPromise(t).catch(() => undefined));
      }
      const left = deadline - Date.now();
      if (left <= 0) return;
      if (left === Number.POSITIVE_INFINITY) {
        await Promise.all(waits);
      } else {
        let timer: NodeJS.Timeout | undefined;
        const expired = await Promise.race([
          Promise.all(waits).then(() => false),
          new Promise<boolean>((r) => {
            timer = setTimeout(r, left, true);
          }),
        ]);
        clearTimeout(timer);
        if (expired) return;
      }
    }
  }

  /** True once `shutdown` was called. */
  isShutdown(): boolean {
    return this.#shutdown;
  }

  #spawnTask(fut: unknown, name: string | undefined): Task {
    return this.sched.spawn(fut, name);
  }
}

/**
 * A cheap reference to a runtime, for spawning onto it from elsewhere.
 *
 * @example
 * ```ts
 * import { Handle } from 'tokio-ts/runtime';
 *
 * const h = Handle.current();
 * await h.spawn(function* () { return 1; });
 * ```
 */
export class Handle {
  readonly #rt: Runtime;

  /** @internal */
  constructor(rt: Runtime) {
    this.#rt = rt;
  }

  /** The current task's runtime handle, else the default runtime's. */
  static current(): Handle {
    return new Handle(Runtime.current());
  }

  get runtime(): Runtime {
    return this.#rt;
  }

  spawn<T>(fut: FutureLike<T>, opts?: SpawnOptions): JoinHandle<T> {
    return this.#rt.spawn(fut, opts);
  }

  blockOn<T>(fut: FutureLike<T>): Promise<T> {
    return this.#rt.blockOn(fut);
  }

  metrics(): RuntimeMetrics {
    return this.#rt.metrics();
  }
}

let defaultRt: Runtime | null = null;

/** The thread's default runtime, built on first use. @internal */
export function defaultRuntime(): Runtime {
  if (defaultRt === null) defaultRt = new Runtime({});
  return defaultRt;
}

/**
 * The runtimes that `main` (and `test`/`runTest`) made this thread's runtime
 * while they run, the last entered on top. Code outside any task — a Node
 * callback (an `http` handler, a timer, an EventEmitter listener) — spawns
 * onto the top one, so its tasks are cancelled with main's and see a test's
 * paused clock, instead of landing on a second, default runtime.
 */
const threadRuntimes: Runtime[] = [];

/**
 * Makes `rt` the thread's runtime until the returned function is called
 * (`main`, `runTest`). @internal
 */
export function enterThreadRuntime(rt: Runtime): () => void {
  threadRuntimes.push(rt);
  return () => {
    const i = threadRuntimes.lastIndexOf(rt);
    if (i >= 0) threadRuntimes.splice(i, 1);
  };
}

/**
 * The scheduler of the current task; outside any task, of the runtime `main`
 * (or a test) runs, else of the thread's default runtime. @internal
 */
export function currentScheduler(): Scheduler {
  const e = ctx.entered;
  if (e !== null) return e;
  const t = ctx.current;
  if (t !== null) return t.sched;
  const n = threadRuntimes.length;
  return n > 0 ? threadRuntimes[n - 1]!.sched : defaultRuntime().sched;
}

const runtimeHooks: ((rt: Runtime) => void)[] = [];

/** Lets drivers (time) attach to each new runtime. @internal */
export function onRuntimeCreated(hook: (rt: Runtime) => void): void {
  runtimeHooks.push(hook);
  if (defaultRt !== null) hook(defaultRt);
}

/** @internal */
export function dumpTask(t: Task): TaskDump {
  const w = t.waitingOn;
  let state: TaskDump['state'];
  if (t.state === State.Done) state = 'done';
  else if (t.phase === Phase.Hook || (t.cancelRequested && t.phase === Phase.Main))
    state = 'cancelling';
  else if (t.phase === Phase.Cleanup) state = 'cleanup';
  else if (t.state === State.Running) state = 'running';
  else if (t.state === State.Scheduled) state = 'scheduled';
  else state = 'parked';
  const sub =
    w !== null && typeof (w as { subtasks?: () => Task[] }).subtasks === 'function'
      ? (w as unknown as { subtasks(): Task[] }).subtasks()
      : [];
  return {
    id: t.id,
    name: t.name,
    state,
    waitingOn: w !== null ? w.describe() : undefined,
    spawnedAt: t.spawnedAt,
    children: sub.filter((c) => c.state !== State.Done).map(dumpTask),
  };
}

/**
 * `TOKIO_TS_CONSOLE=host:port` (or `1`), `TOKIO_TS_CONSOLE_RECORD=path` and
 * `TOKIO_TS_CONSOLE_RECORD_MAX=bytes`: the console for the first runtime.
 */
function consoleFromEnv(): ConsoleOptions | undefined {
  const spec = process.env.TOKIO_TS_CONSOLE;
  if (spec === undefined || spec === '' || spec === '0' || consoleFromEnvTaken) return undefined;
  // the process's first runtime is on the main thread: the runtime of each
  // worker thread (which inherits the variable) would start a collector and a
  // server of its own
  if (!isMainThread) return undefined;
  consoleFromEnvTaken = true;
  const opts: ConsoleOptions = {};
  const m = /^(.*):(\d+)$/.exec(spec);
  if (m !== null) {
    if (m[1] !== '') opts.host = m[1]!.replace(/^\[|\]$/g, '');
    opts.port = Number(m[2]);
  }
  const record = process.env.TOKIO_TS_CONSOLE_RECORD;
  if (record !== undefined && record !== '') {
    opts.record = { path: record };
    // the recording's size cap in bytes (default 16 MiB)
    const max = Number(process.env.TOKIO_TS_CONSOLE_RECORD_MAX);
    if (Number.isInteger(max) && max > 0) opts.record.maxBytes = max;
  }
  return opts;
}
let consoleFromEnvTaken = false;

/**
 * Starts the console for `rt` now, before its first task runs, so that every
 * task and primitive is seen from the start.
 */
function startConsoleNow(rt: Runtime, opts: ConsoleOptions, explicit: boolean): void {
  try {
    const c = startConsole(rt, opts);
    c.ready.then(
      () => process.stderr.write(`tokio-ts console: ${c.url}\n`),
      (e: Error) => process.stderr.write(`tokio-ts console: cannot listen: ${e.message}\n`),
    );
  } catch (e) {
    if (explicit) process.stderr.write(`tokio-ts console: ${(e as Error).message}\n`);
  }
}
