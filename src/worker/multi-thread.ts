/**
 * The multi-thread runtime: the main thread's scheduler (where `blockOn` runs)
 * plus N worker threads, each running the ordinary current-thread scheduler
 * fed from shared-memory queues (see `shared.ts` and `executor.ts`).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FutureLike } from '../future/future.js';
import type { BuilderOptions } from '../runtime/builder.js';
import { refuseOnRuntimeThread } from '../runtime/context.js';
import { RuntimeMetrics } from '../runtime/metrics.js';
import { Runtime, type SpawnOptions } from '../runtime/runtime.js';
import type { JoinHandle } from '../task/join-handle.js';
import { BlockingPool } from './blocking-pool.js';
import { isOutOfMemory } from './error.js';
import { CRASHED_OOM, Origin } from './origin.js';
import {
  createBuffers,
  M_BUSY,
  M_PARKS,
  M_POLLS,
  M_RUN,
  M_STEALS,
  RES_CRASHED,
  Shared,
  SLOT_WORDS,
  ST_DONE,
  ST_RUNNER,
  waitAsync,
} from './shared.js';
import { DEF_MARK, defKey, isDef, type TaskDef, taskModuleUrls } from './task-def.js';

const ENTRY = new URL('./worker-boot.js', import.meta.url);

interface Msg {
  t: string;
  to: number;
  g: number;
  ok?: boolean;
  v?: unknown;
}

/**
 * A runtime whose tasks run on worker threads with work stealing. Build it with
 * `Runtime.builder().multiThread().workerThreads(n).build()` (import
 * `tokio-ts/worker` first, which installs it). `blockOn` runs its future on the
 * main thread; `spawn(def, ...args)` of a task definition runs on a worker.
 *
 * @example
 * ```ts
 * import { isMainThread } from 'node:worker_threads';
 * import { Runtime, spawn } from 'tokio-ts';
 * import { defineTask } from 'tokio-ts/worker';
 *
 * export const square = defineTask(import.meta.url, function* square(x: number) {
 *   return x * x;
 * });
 *
 * // workers import this module to find `square`: run the program only on the main thread
 * if (isMainThread) {
 *   const rt = Runtime.builder().multiThread().workerThreads(2).build();
 *   const v = await rt.blockOn(function* () {
 *     return (yield* spawn(square, 3)) + (yield* spawn(square, 4));
 *   });
 *   console.log(v); // 25
 *   await rt.shutdown();
 * }
 * ```
 */
export class MultiThreadRuntime extends Runtime {
  readonly #sh: Shared;
  /** @internal */
  readonly origin: Origin;
  readonly #workers: (Worker | null)[];
  readonly #keep: NodeJS.Timeout;
  #waiting = false;
  #closed = false;
  #pool: BlockingPool | null = null;
  #replaced = 0;
  /** modules defining the tasks known at build(): workers import them while starting */
  readonly #preload = taskModuleUrls();
  /** resolved when each worker reported ready (or exited) */
  readonly #ready: Promise<void>[] = [];
  /** resolves when worker `i` ran its onThreadStop definition (or exited) */
  readonly #stopped: (() => void)[] = [];

  constructor(opts: BuilderOptions = {}) {
    // its workers would import the same task modules, and start theirs
    refuseOnRuntimeThread('a multi-thread runtime was built');
    super(opts);
    const n = opts.workerThreads ?? availableParallelism();
    this.#sh = new Shared(createBuffers(n));
    this.origin = new Origin(this.#sh, 0, {
      postTask: (w, g, args) => this.#workers[w]!.postMessage({ t: 'task', to: w, g, args }),
    });
    this.origin.onOutstanding = () => {
      if (!this.#waiting) this.#pump();
    };
    this.#keep = setInterval(noop, 1 << 30);
    this.#keep.unref();
    this.#workers = new Array<Worker | null>(n + 1).fill(null);
    for (let i = 1; i <= n; i++) this.#startWorker(i);
  }

  /**
   * Spawns a task definition on a worker (`spawn(def, ...args)`), or a Future on
   * the main thread's scheduler (`spawn(fut, opts)`, as the current-thread runtime).
   */
  override spawn<T>(fut: FutureLike<T>, opts?: SpawnOptions): JoinHandle<T>;
  override spawn<A extends unknown[], R>(def: TaskDef<A, R>, ...args: A): JoinHandle<R>;
  override spawn(fut: unknown, ...rest: unknown[]): JoinHandle<unknown> {
    if (isDef(fut)) return this.spawnDef(fut as TaskDef<unknown[], unknown>, rest);
    return super.spawn(fut as FutureLike<unknown>, rest[0] as SpawnOptions | undefined);
  }

  /** @internal */
  spawnDef(
    def: TaskDef<unknown[], unknown>,
    args: unknown[] | null,
    a0?: unknown,
  ): JoinHandle<unknown> {
    if (def[DEF_MARK] !== 'task')
      throw new TypeError(`tokio-ts: ${def.name} is a blocking definition: use spawnBlocking`);
    if (this.#closed) throw new Error('tokio-ts: the runtime was shut down');
    return this.origin.spawn(this.sched, def, args, a0);
  }

  /** The runtime's blocking pool (created on first use). @internal */
  blockingPool(): BlockingPool {
    if (this.#pool === null)
      this.#pool = new BlockingPool(
        this.options.maxBlockingThreads ?? 512,
        this.options.threadKeepAlive ?? 10_000,
        `${this.options.threadName ?? 'tokio-ts'}-blocking`,
        this.options.workerResourceLimits,
      );
    return this.#pool;
  }

  override metrics(): RuntimeMetrics {
    return new MultiThreadMetrics(this, this.#sh, this.#pool);
  }

  /** Worker threads replaced after they exited unexpectedly. */
  get replacedWorkers(): number {
    return this.#replaced;
  }

  /**
   * Cancels every task: remote tasks are aborted on their workers, where they
   * stop at their next `yield*` and run their `finally` blocks and `defer`
   * cleanup. With `graceMs`, that cleanup gets that long; then the worker
   * threads and the blocking pool are terminated, and the tasks whose cleanup
   * had not finished join as cancelled all the same. Without it, shutdown waits
   * for every cleanup. Resolves once every thread is gone.
   *
   * @example
   * ```ts
   * import { isMainThread } from 'node:worker_threads';
   * import { Runtime, spawn } from 'tokio-ts';
   * import { defer, pending } from 'tokio-ts/future';
   * import { defineTask } from 'tokio-ts/worker';
   *
   * export const serve = defineTask(import.meta.url, function* serve() {
   *   yield* defer(function* () {
   *     console.log('cleanup on the worker');
   *   });
   *   yield* pending();
   * });
   * export const ping = defineTask(import.meta.url, function* ping() {
   *   return 'pong';
   * });
   *
   * if (isMainThread) {
   *   const rt = Runtime.builder().multiThread().workerThreads(1).build();
   *   await rt.blockOn(function* () {
   *     spawn(serve);
   *     yield* spawn(ping); // one worker, started in order: serve is parked by now
   *   });
   *   await rt.shutdown(1000); // prints: cleanup on the worker
   * }
   * ```
   */
  override async shutdown(graceMs?: number): Promise<void> {
    const timeoutMs = graceMs;
    const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
    if (!this.#closed) await super.shutdown(timeoutMs);
    this.#closed = true;
    // keep the process alive until every thread is gone (they are unref'd)
    for (const w of this.#workers) w?.ref();
    // let threads that are still starting finish their start (and run
    // onThreadStart) so that every started thread also runs onThreadStop
    await Promise.all(this.#ready);
    this.#sh.setShutdown();
    clearInterval(this.#keep);
    if (isDef(this.options.onThreadStop))
      await this.#runStopHooks(deadline === undefined ? 1000 : Math.max(0, deadline - Date.now()));
    const ws = this.#workers.filter((w): w is Worker => w !== null);
    this.#workers.fill(null);
    await Promise.all(ws.map((w) => w.terminate()));
    // tasks whose cleanup outlasted the grace period: their threads are gone
    this.origin.cancelAll();
    if (this.#pool !== null) await this.#pool.shutdown();
  }

  /** Asks every worker to run the onThreadStop definition; waits for them (bounded). */
  async #runStopHooks(timeoutMs: number): Promise<void> {
    const done: Promise<void>[] = [];
    for (let i = 1; i < this.#workers.length; i++) {
      const w = this.#workers[i];
      if (w === null || w === undefined) continue;
      done.push(
        new Promise<void>((r) => {
          this.#stopped[i] = r;
        }),
      );
      w.postMessage({ t: 'stop', to: i, g: 0 });
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((r) => {
      timer = setTimeout(r, timeoutMs);
    });
    await Promise.race([Promise.all(done), late]);
    clearTimeout(timer);
  }

  #startWorker(i: number): void {
    const name = `${this.options.threadName ?? 'tokio-ts-worker'}-${i}`;
    const w = new Worker(ENTRY, {
      name,
      resourceLimits: this.options.workerResourceLimits,
      workerData: {
        buffers: this.#sh.buffers,
        index: i,
        eventInterval: this.options.eventInterval,
        onStart: hookKey(this.options.onThreadStart),
        onStop: hookKey(this.options.onThreadStop),
        preload: this.#preload,
      },
    });
    this.#workers[i] = w;
    let started = false;
    let markReady!: () => void;
    this.#ready[i] = new Promise<void>((r) => {
      markReady = r;
    });
    w.on('message', (m: Msg) => {
      if (m.t === 'ready') {
        started = true;
        markReady();
        const hook = this.options.onThreadStart;
        if (typeof hook === 'function') hook();
        return;
      }
      if (m.t === 'stopped') {
        this.#stopped[i]?.();
        return;
      }
      this.#onMessage(m);
    });
    let oom = false;
    w.on('error', (e) => {
      // reported through 'exit': the tasks it ran fail with a 'crashed' (or
      // 'out-of-memory') WorkerError
      if (isOutOfMemory(e)) oom = true;
    });
    w.on('exit', () => {
      markReady();
      this.#stopped[i]?.();
      const hook = this.options.onThreadStop;
      if (started && typeof hook === 'function') hook();
      if (this.#workers[i] !== w) return; // terminated by shutdown
      this.#workers[i] = null;
      if (!this.#closed) this.#crashed(i, oom);
    });
    // after the listeners: adding a 'message' listener refs the worker's port.
    // Idle workers never keep the process alive; the main thread holds its own
    // ref'd handle while it waits for remote results.
    w.unref();
  }

  #onMessage(m: Msg): void {
    if (m.to !== 0) {
      // relay between workers (pinned tasks and results that need structured clone)
      this.#workers[m.to]?.postMessage(m);
      return;
    }
    if (m.t === 'result') this.origin.completeMessage(m.g, m.ok!, m.v);
    else if (m.t === 'done') this.origin.complete(m.g);
    if (!this.#waiting) this.#pump();
  }

  /** Fails what the dead worker `i` ran, re-queues what it had not started, replaces it. */
  #crashed(i: number, oom: boolean): void {
    const sh = this.#sh;
    const li = sh.lifoIndex(i);
    const l = Atomics.exchange(sh.ctl, li, 0);
    if (l !== 0) sh.injectPushOne(l - 1);
    for (let g = sh.localPop(i); g >= 0; g = sh.localPop(i)) sh.injectPushOne(g);
    const total = sh.slots.length / SLOT_WORDS;
    for (let g = 0; g < total; g++) {
      const w = g * SLOT_WORDS;
      const s = Atomics.load(sh.slots, w);
      if (s === 0 || (s & ST_RUNNER) !== i || (s & ST_DONE) !== 0) continue;
      sh.slots[w + 3] = oom ? RES_CRASHED | CRASHED_OOM : RES_CRASHED;
      Atomics.or(sh.slots, w, ST_DONE);
      const origin = sh.originOf(g);
      if (origin === 0) this.origin.complete(g);
      else if (origin !== i) this.#workers[origin]?.postMessage({ t: 'done', to: origin, g });
    }
    Atomics.store(sh.ctl, sh.bellIndex(i), 0);
    Atomics.store(sh.ctl, sh.abortsIndex(i), 0);
    this.#replaced++;
    this.#startWorker(i);
    sh.ringOneWorker(0);
    if (!this.#waiting) this.#pump();
  }

  /** Collects completions on the main thread; sleeps on the bell while tasks are out. */
  readonly #pump = (): void => {
    this.#waiting = false;
    const sh = this.#sh;
    const o = this.origin;
    const bell = sh.bellIndex(0);
    for (;;) {
      Atomics.store(sh.ctl, bell, 0);
      o.drainRings();
      if (o.backlogLength > 0) o.flushBacklog();
      if (o.outstanding === 0 || this.#closed) {
        this.#keep.unref();
        return;
      }
      Atomics.store(sh.ctl, bell, 1);
      if (o.ringsNonEmpty()) continue;
      const r = waitAsync(sh.ctl, bell, 1);
      if (r.async) {
        this.#waiting = true;
        // a pending waitAsync does not keep the process alive (research B.1)
        this.#keep.ref();
        r.value.then(this.#pump);
        return;
      }
    }
  };
}

/** Metrics of a {@link MultiThreadRuntime}: per-worker counters from shared memory. */
class MultiThreadMetrics extends RuntimeMetrics {
  readonly #rt: MultiThreadRuntime;
  readonly #sh: Shared;
  readonly #pool: BlockingPool | null;

  constructor(rt: MultiThreadRuntime, sh: Shared, pool: BlockingPool | null) {
    super(rt.sched);
    this.#rt = rt;
    this.#sh = sh;
    this.#pool = pool;
  }
  override get numWorkers(): number {
    return this.#sh.n;
  }
  override get globalQueueDepth(): number {
    return this.#sh.injectLen() + this.#rt.origin.backlogLength;
  }
  override get blockingThreads(): number {
    return this.#pool?.threads ?? 0;
  }
  override get idleBlockingThreads(): number {
    return this.#pool?.idleThreads ?? 0;
  }
  override get blockingQueueDepth(): number {
    return this.#pool?.queueDepth ?? 0;
  }
  override workerPollCount(i: number): number {
    return this.#sh.metric(i + 1, M_POLLS);
  }
  override workerParkCount(i: number): number {
    return this.#sh.metric(i + 1, M_PARKS);
  }
  override workerStealCount(i: number): number {
    return this.#sh.metric(i + 1, M_STEALS);
  }
  override workerLocalQueueDepth(i: number): number {
    return this.#sh.localLen(i + 1);
  }
  override workerTotalBusyDuration(i: number): number {
    return this.#sh.metric(i + 1, M_BUSY);
  }
  /** Task definitions worker `i` has run to completion. */
  workerTaskCount(i: number): number {
    return this.#sh.metric(i + 1, M_RUN);
  }
}

function noop(): void {}

/** The registry key of a hook given as a blocking definition (run on the worker). */
function hookKey(hook: unknown): string | undefined {
  return isDef(hook) ? defKey(hook) : undefined;
}
