/**
 * `Builder`: configures and builds a {@link Runtime}, with Tokio's option names.
 */
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
  /** Polls per batch before Node's I/O and timers get a turn (default 61, as Tokio). */
  eventInterval?: number;
  /** Start with the clock paused (tests); see the time module. */
  startPaused?: boolean;
  /** What to do with a task failure nobody waits for (default `'log'`). */
  unhandledError?: UnhandledErrorPolicy;
  /** Name prefix of worker threads. */
  threadName?: string;
  onThreadStart?: () => void;
  onThreadStop?: () => void;
  /**
   * Shuffle the run queue with this seed (tests): each poll takes a random
   * queued task, reproducibly, to explore interleavings. Off by default (FIFO).
   */
  scheduleSeed?: number;
  /** Record where each task was spawned, for `dump()` (costs a stack trace per spawn). */
  captureSpawnLocation?: boolean;
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

  onThreadStart(fn: () => void): this {
    this.opts.onThreadStart = fn;
    return this;
  }

  onThreadStop(fn: () => void): this {
    this.opts.onThreadStop = fn;
    return this;
  }

  /** See {@link BuilderOptions.scheduleSeed}. */
  scheduleSeed(seed: number): this {
    if (!Number.isInteger(seed))
      throw new RangeError(`scheduleSeed must be an integer, got ${seed}`);
    this.opts.scheduleSeed = seed;
    return this;
  }

  captureSpawnLocation(on: boolean): this {
    this.opts.captureSpawnLocation = on;
    return this;
  }

  /** Builds the runtime. */
  build(): Runtime {
    if (this.opts.flavor === 'multi' && multiThreadFactory === null) {
      throw new Error('tokio-ts: the multi-thread runtime is not available yet');
    }
    if (this.opts.flavor === 'multi') return multiThreadFactory!(this.opts);
    return new Runtime(this.opts);
  }
}

let multiThreadFactory: ((opts: BuilderOptions) => Runtime) | null = null;

/** Installed by the worker module. @internal */
export function setMultiThreadFactory(f: (opts: BuilderOptions) => Runtime): void {
  multiThreadFactory = f;
}

function positiveInt(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`${name} must be a positive integer, got ${n}`);
}
