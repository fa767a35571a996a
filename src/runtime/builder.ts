/**
 * `Builder`: configures and builds a {@link Runtime}, with Tokio's option names.
 */
import type { ResourceLimits } from 'node:worker_threads';
import type { ConsoleOptions } from '../console/console.js';
import type { BlockingDef } from '../worker/task-def.js';
import { enableDebugFutures } from './debug.js';
import { Runtime } from './runtime.js';
import type { UnhandledErrorPolicy } from './scheduler.js';

/** Options of a runtime, as one object (for `main(fn, opts)` and `new Builder(opts)`). */
export interface BuilderOptions {
  /** `'current'` (default) or `'multi'` (worker threads; see the worker module). */
  flavor?: 'current' | 'multi';
  /** Worker threads of a multi-thread runtime (default: the number of cores). */
  workerThreads?: number;
  /** Most threads of the blocking pool (default 512). */
  maxBlockingThreads?: number;
  /** How long an idle blocking thread lives, in ms (default 10,000). */
  threadKeepAlive?: number;
  /** See {@link Builder.workerResourceLimits}. */
  workerResourceLimits?: ResourceLimits;
  /**
   * Polls per batch before Node's I/O and timers may get a turn (default 61,
   * Tokio's `event_interval`); see {@link Builder.eventInterval} for how
   * tokio-ts differs from Tokio here.
   */
  eventInterval?: number;
  /** Start with the clock paused (tests); see the time module. */
  startPaused?: boolean;
  /** What to do with a task failure nobody waits for (default `'log'`). */
  unhandledError?: UnhandledErrorPolicy;
  /** Name prefix of worker threads. */
  threadName?: string;
  /** See {@link Builder.onThreadStart}. */
  onThreadStart?: ThreadHook;
  /** See {@link Builder.onThreadStop}. */
  onThreadStop?: ThreadHook;
  /**
   * Shuffle the run queue with this seed (tests): each poll takes a random
   * queued task, reproducibly, to explore interleavings. Off by default (FIFO).
   */
  scheduleSeed?: number;
  /** Record where each task was spawned, for `dump()` (costs a stack trace per spawn). */
  captureSpawnLocation?: boolean;
  /** Report futures created and never driven (see {@link Builder.debug}). */
  debug?: boolean;
  /**
   * Start the console (`tokio-ts/console`) for this runtime: its web UI on
   * loopback, snapshots, a recording. `TOKIO_TS_CONSOLE=host:port` does the
   * same for the first runtime of the process.
   */
  console?: ConsoleOptions;
}

/**
 * Builds a runtime.
 *
 * @example
 * ```ts
 * import { Runtime } from 'tokio-ts/runtime';
 *
 * const rt = Runtime.builder().currentThread().eventInterval(61).build();
 * console.log(await rt.blockOn(function* () { return 'hi'; })); // hi
 * ```
 */
export class Builder {
  /** @internal */
  readonly opts: BuilderOptions;

  constructor(opts: BuilderOptions = {}) {
    this.opts = { ...opts };
  }

  /** A single-threaded runtime on Node's event loop (the default). */
  currentThread(): this {
    this.opts.flavor = 'current';
    return this;
  }

  /** A work-stealing runtime over worker threads. */
  multiThread(): this {
    this.opts.flavor = 'multi';
    return this;
  }

  workerThreads(n: number): this {
    positiveInt('workerThreads', n);
    this.opts.workerThreads = n;
    return this;
  }

  maxBlockingThreads(n: number): this {
    positiveInt('maxBlockingThreads', n);
    this.opts.maxBlockingThreads = n;
    return this;
  }

  threadKeepAlive(ms: number): this {
    if (!(ms >= 0)) throw new RangeError(`threadKeepAlive must be >= 0 ms, got ${ms}`);
    this.opts.threadKeepAlive = ms;
    return this;
  }

  /**
   * Heap and stack caps for the threads a multi-thread runtime starts: its
   * worker threads and its blocking pool's threads (`spawnBlocking` from the
   * runtime's main-thread tasks; Node's
   * `Worker` option `resourceLimits`: `maxOldGenerationSizeMb`,
   * `maxYoungGenerationSizeMb`, `codeRangeSizeMb`, `stackSizeMb`). A thread
   * that runs out of memory is replaced, and the tasks it was running join
   * with a `WorkerError` of kind `'out-of-memory'`; the runtime keeps working.
   *
   * @example
   * ```ts
   * import { Runtime } from 'tokio-ts/runtime';
   * import 'tokio-ts/worker'; // installs the multi-thread runtime
   *
   * const rt = Runtime.builder()
   *   .multiThread()
   *   .workerThreads(1)
   *   .workerResourceLimits({ maxOldGenerationSizeMb: 256 })
   *   .build();
   * console.log(rt.metrics().numWorkers); // 1
   * await rt.shutdown();
   * ```
   *
   * ## Errors
   * `TypeError` if `limits` is not an object of those keys; `RangeError` if a
   * value is not a positive number.
   */
  workerResourceLimits(limits: ResourceLimits): this {
    this.opts.workerResourceLimits = checkResourceLimits(limits);
    return this;
  }

  /**
   * Polls per batch before Node's event loop (I/O callbacks, Node timers) may
   * get a turn (default 61, Tokio's `event_interval`).
   *
   * ## Difference from Tokio
   * Tokio polls its I/O driver every `event_interval` polls. tokio-ts hands
   * over to Node's event loop (one `setImmediate`) only once a batch has run
   * `n` polls *and* at least 0.1 ms: a hand-over costs ~2.7 µs, so handing
   * over after every 61 trivial polls (~5 µs) doubled their cost, while with
   * the 0.1 ms floor it costs < 3 % and an I/O callback or a Node timer waits
   * at most ~0.1 ms plus one poll. The coop budget (128 ready operations per
   * task poll, as Tokio's) is separate: it makes one task yield to the other
   * tasks, not to Node.
   *
   * @example
   * ```ts
   * import { Runtime } from 'tokio-ts/runtime';
   *
   * const rt = Runtime.builder().eventInterval(31).build();
   * console.log(await rt.blockOn(function* () { return 'ok'; })); // ok
   * ```
   */
  eventInterval(n: number): this {
    positiveInt('eventInterval', n);
    this.opts.eventInterval = n;
    return this;
  }

  startPaused(paused: boolean): this {
    this.opts.startPaused = paused;
    return this;
  }

  unhandledError(policy: UnhandledErrorPolicy): this {
    if (policy !== 'log' && policy !== 'ignore' && policy !== 'shutdown') {
      throw new TypeError(
        `unhandledError must be 'log', 'ignore' or 'shutdown', got ${String(policy)}`,
      );
    }
    this.opts.unhandledError = policy;
    return this;
  }

  threadName(name: string): this {
    this.opts.threadName = name;
    return this;
  }

  /**
   * Runs a hook each time a worker thread of a multi-thread runtime starts
   * (also for a worker that replaces a crashed one), before it runs tasks.
   *
   * Two forms:
   * - a blocking definition, `defineBlocking(import.meta.url, function name() {...})`
   *   from `tokio-ts/worker`: runs **on the worker thread itself**, as Tokio's
   *   `on_thread_start` (set up thread-local state there). The worker imports
   *   the definition's module first; the hook takes no arguments and its
   *   return value is ignored; if it throws, the error is printed to stderr
   *   and the worker starts anyway.
   * - a plain closure: closures cannot cross threads, so it runs **on the main
   *   thread** (the one that built the runtime) once the worker is ready — a
   *   notification, not a way to touch the worker's state.
   *
   * Blocking-pool threads do not run it.
   *
   * @example
   * ```ts
   * import { isMainThread, threadId } from 'node:worker_threads';
   * import { Runtime, spawn } from 'tokio-ts';
   * import { defineBlocking, defineTask } from 'tokio-ts/worker';
   *
   * let startedHere = false;
   * export const markStarted = defineBlocking(import.meta.url, function markStarted() {
   *   startedHere = true; // module state of the worker thread
   * });
   * export const started = defineTask(import.meta.url, function* started() {
   *   return { startedHere, onMain: threadId === 0 };
   * });
   *
   * if (isMainThread) {
   *   const rt = Runtime.builder()
   *     .multiThread()
   *     .workerThreads(1)
   *     .onThreadStart(markStarted) // a definition: runs on the worker
   *     .onThreadStop(() => console.log('a worker stopped')) // a closure: runs here
   *     .build();
   *   console.log(await rt.blockOn(function* () { return yield* spawn(started); }));
   *   // { startedHere: true, onMain: false }
   *   await rt.shutdown(); // prints: a worker stopped
   * }
   * ```
   */
  onThreadStart(hook: ThreadHook): this {
    this.opts.onThreadStart = threadHook('onThreadStart', hook);
    return this;
  }

  /**
   * Runs a hook each time a worker thread of a multi-thread runtime stops:
   * at `shutdown()` for every started worker, and (closure form only) when a
   * worker exits unexpectedly.
   *
   * The same two forms as {@link Builder.onThreadStart}: a blocking definition
   * runs **on the worker thread** during `shutdown()`, after its tasks were
   * cancelled and before the thread is terminated (a worker stuck in a busy
   * loop is terminated after the shutdown timeout without running it, and a
   * crashed worker cannot run it); a plain closure runs **on the main thread**
   * after the worker has exited.
   *
   * @example
   * ```ts
   * import { BroadcastChannel, isMainThread, threadId } from 'node:worker_threads';
   * import { Runtime, spawn } from 'tokio-ts';
   * import { defineBlocking, defineTask } from 'tokio-ts/worker';
   *
   * export const sayBye = defineBlocking(import.meta.url, function sayBye() {
   *   const ch = new BroadcastChannel('bye');
   *   ch.postMessage(`worker ${threadId} stops`);
   *   ch.close();
   * });
   * export const nothing = defineTask(import.meta.url, function* nothing() {});
   *
   * if (isMainThread) {
   *   const ch = new BroadcastChannel('bye');
   *   ch.onmessage = (e) => {
   *     console.log((e as MessageEvent).data); // worker 1 stops
   *     ch.close();
   *   };
   *   const rt = Runtime.builder().multiThread().workerThreads(1).onThreadStop(sayBye).build();
   *   await rt.blockOn(function* () { yield* spawn(nothing); });
   *   await rt.shutdown();
   * }
   * ```
   */
  onThreadStop(hook: ThreadHook): this {
    this.opts.onThreadStop = threadHook('onThreadStop', hook);
    return this;
  }

  /** See {@link BuilderOptions.scheduleSeed}. */
  scheduleSeed(seed: number): this {
    if (!Number.isInteger(seed))
      throw new RangeError(`scheduleSeed must be an integer, got ${seed}`);
    this.opts.scheduleSeed = seed;
    return this;
  }

  /**
   * See {@link BuilderOptions.console}: the console's web UI for this runtime
   * (default `http://127.0.0.1:6669/`).
   */
  console(opts: ConsoleOptions = {}): this {
    this.opts.console = opts;
    return this;
  }

  captureSpawnLocation(on: boolean): this {
    this.opts.captureSpawnLocation = on;
    return this;
  }

  /**
   * Debug mode (as `TOKIO_TS_DEBUG=1`): a `sleep` or mpsc `send` future that the
   * task which created it never drives (`tx.send(x);` without `yield*`) is
   * reported on stderr, with where it was created, when that task's poll ends.
   * It stays on for the whole process once a runtime is built with it. A
   * future created and awaited in a later poll is reported too: create it
   * where you await it. Off by default, and free when off.
   *
   * @example
   * ```ts
   * import { Runtime, sleep } from 'tokio-ts';
   *
   * const rt = Runtime.builder().debug(true).startPaused(true).build();
   * await rt.blockOn(function* () {
   *   sleep(100); // stderr: tokio-ts debug: the future of sleep(…) created at … was never driven …
   *   yield* sleep(100);
   * });
   * await rt.shutdown();
   * ```
   */
  debug(on: boolean): this {
    this.opts.debug = on;
    return this;
  }

  /** Builds the runtime. */
  build(): Runtime {
    if (this.opts.debug === true) enableDebugFutures();
    if (this.opts.flavor === 'multi' && multiThreadFactory === null) {
      throw new Error(
        "tokio-ts: Builder.multiThread() needs the multi-thread runtime, which lives in tokio-ts/worker: add `import 'tokio-ts/worker';` to the program (main(fn, { flavor: 'multi' }) imports it by itself)",
      );
    }
    if (this.opts.flavor === 'multi') return multiThreadFactory!(this.opts);
    return new Runtime(this.opts);
  }
}

/**
 * A thread start/stop hook: a blocking definition (runs on the worker thread)
 * or a closure (runs on the main thread). See {@link Builder.onThreadStart}.
 */
export type ThreadHook = (() => void) | BlockingDef<[], unknown>;

function threadHook(name: string, hook: ThreadHook): ThreadHook {
  if (typeof hook === 'function') return hook;
  if (
    typeof hook === 'object' &&
    hook !== null &&
    (hook as unknown as Record<symbol, unknown>)[Symbol.for('tokio-ts.taskDef')] === 'blocking'
  )
    return hook;
  throw new TypeError(
    `${name} expects a function or a definition made by defineBlocking(import.meta.url, fn), got ${String(hook)}`,
  );
}

let multiThreadFactory: ((opts: BuilderOptions) => Runtime) | null = null;

/** True once the worker module has installed the multi-thread runtime. @internal */
export function hasMultiThreadFactory(): boolean {
  return multiThreadFactory !== null;
}

/** Installed by the worker module. @internal */
export function setMultiThreadFactory(f: (opts: BuilderOptions) => Runtime): void {
  multiThreadFactory = f;
}

const LIMIT_KEYS = [
  'maxOldGenerationSizeMb',
  'maxYoungGenerationSizeMb',
  'codeRangeSizeMb',
  'stackSizeMb',
] as const;

/** A copy of `limits` with only Node's `resourceLimits` keys, each a positive number. */
function checkResourceLimits(limits: ResourceLimits): ResourceLimits {
  if (limits === null || typeof limits !== 'object')
    throw new TypeError('workerResourceLimits(limits): limits must be an object');
  const out: ResourceLimits = {};
  for (const [k, v] of Object.entries(limits)) {
    if (!(LIMIT_KEYS as readonly string[]).includes(k))
      throw new TypeError(
        `workerResourceLimits(limits): unknown key ${k} (expected one of ${LIMIT_KEYS.join(', ')})`,
      );
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v))
      throw new RangeError(
        `workerResourceLimits(limits): ${k} must be a positive number, got ${String(v)}`,
      );
    out[k as (typeof LIMIT_KEYS)[number]] = v;
  }
  return out;
}

function positiveInt(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`${name} must be a positive integer, got ${n}`);
}
