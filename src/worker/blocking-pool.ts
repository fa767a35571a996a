/**
 * The blocking pool: threads that run synchronous functions (`defineBlocking`)
 * so the async workers and the main thread are never blocked.
 *
 * How and why: a blocking job is long by definition (milliseconds), so one
 * `postMessage` each way is cheap next to it; the queue is a ring buffer on
 * the owning thread. Threads are started on demand up to `maxBlockingThreads`
 * (a cold start costs 20–26 ms, research B.5, so an idle thread is kept for
 * `threadKeepAlive` ms before it exits). An idle thread is unref'd, so it never
 * keeps the process alive; a busy one is ref'd.
 *
 * Unlike Tokio's, the pool does not start a thread for every job that finds
 * none idle: up to one thread per core it does, beyond that only when no job
 * has finished for {@link GROW_MS} (its threads are blocked, not busy). In
 * Node, real I/O is asynchronous, so what goes to the blocking pool is mostly
 * CPU work: more threads than cores add no throughput, and each costs 20–100 ms
 * of start-up (again once idle threads retire) and its own heap. A CPU
 * pipeline with 10 batches in flight started 10 threads on 2 cores and ran
 * at 1.1x the time of a plain 2-thread pool.
 * @internal
 */
import { availableParallelism } from 'node:os';
import { type ResourceLimits, Worker } from 'node:worker_threads';
import { refuseOnRuntimeThread } from '../runtime/context.js';
import { RingBuffer } from '../runtime/ring-buffer.js';
import type { Scheduler } from '../runtime/scheduler.js';
import { handleOf, type JoinHandle } from '../task/join-handle.js';
import { isOutOfMemory, RemoteError, threadLost, WorkerError } from './error.js';
import { proxyTask } from './origin.js';
import {
  P_CANCELLED,
  P_ERR,
  P_OK,
  P_PENDING,
  RemoteJoin,
  type RemoteOwner,
} from './remote-join.js';
import { type BlockingDef, defKey } from './task-def.js';
import { toWire } from './wire.js';

const ENTRY = new URL('./blocking-main.js', import.meta.url);
/** With a thread per core busy, how long without a finished job before one more thread starts (ms). */
const GROW_MS = 100;
const CORES = availableParallelism();

class Job extends RemoteJoin {
  key = '';
  name = '';
}

class PoolThread {
  readonly worker: Worker;
  job: Job | null = null;
  timer: NodeJS.Timeout | null = null;
  constructor(worker: Worker) {
    this.worker = worker;
  }
}

/** @internal */
export class BlockingPool implements RemoteOwner {
  readonly #max: number;
  readonly #keepAlive: number;
  readonly #name: string;
  readonly #threads = new Set<PoolThread>();
  readonly #idle: PoolThread[] = [];
  readonly #queue = new RingBuffer<Job>(16);
  #nextId = 1;
  #closed = false;
  /** when a job last finished (or the pool last grew), for {@link GROW_MS} */
  #progress = 0;
  #growTimer: NodeJS.Timeout | null = null;

  readonly #limits: ResourceLimits | undefined;

  constructor(
    max = 512,
    keepAliveMs = 10_000,
    name = 'tokio-ts-blocking',
    limits: ResourceLimits | undefined = undefined,
  ) {
    // its threads would import the same task modules, and start pools of their own
    refuseOnRuntimeThread('a blocking pool was started (spawnBlocking)', 'blocking');
    this.#limits = limits;
    this.#max = max;
    this.#keepAlive = keepAliveMs;
    this.#name = name;
  }

  spawn<R>(sched: Scheduler, def: BlockingDef<any, R>, args: unknown[]): JoinHandle<R> {
    if (this.#closed)
      throw new WorkerError('shutdown', 'tokio-ts: the blocking pool was shut down');
    const job = new Job(this, args, undefined, true);
    job.key = defKey(def);
    job.name = def.name;
    this.#queue.push(job);
    this.#dispatch();
    return handleOf<R>(proxyTask(sched, job));
  }

  get threads(): number {
    return this.#threads.size;
  }
  get idleThreads(): number {
    return this.#idle.length;
  }
  get queueDepth(): number {
    return this.#queue.length;
  }

  nameOf(leaf: RemoteJoin): string {
    return (leaf as Job).name;
  }

  /** A queued job is dropped; a running one cannot be interrupted (as Tokio's). */
  abortRemote(leaf: RemoteJoin): void {
    if (leaf.g === -1) leaf.finish(P_CANCELLED, undefined);
  }

  #dispatch(): void {
    const q = this.#queue;
    while (q.length > 0) {
      const job = q.peek()!;
      if (job.state !== P_PENDING) {
        q.shift();
        continue;
      }
      let t = this.#idle.pop();
      if (t === undefined) {
        if (this.#threads.size >= this.#max) return;
        if (this.#threads.size >= CORES && !this.#stalled()) return;
        this.#progress = performance.now();
        t = this.#startThread();
      }
      q.shift();
      this.#run(t, job);
    }
  }

  /**
   * True when no job finished for {@link GROW_MS}: the busy threads are
   * blocked (or their jobs are long), so one more thread helps. Otherwise arms
   * a timer to look again.
   */
  #stalled(): boolean {
    const waited = performance.now() - this.#progress;
    if (waited >= GROW_MS) return true;
    if (this.#growTimer === null) {
      this.#growTimer = setTimeout(() => {
        this.#growTimer = null;
        if (!this.#closed) this.#dispatch();
      }, GROW_MS - waited);
      // the busy threads keep the process alive while jobs wait
      this.#growTimer.unref();
    }
    return false;
  }

  #run(t: PoolThread, job: Job): void {
    if (t.timer !== null) {
      clearTimeout(t.timer);
      t.timer = null;
    }
    job.g = this.#nextId++;
    try {
      t.worker.postMessage({ id: job.g, key: job.key, args: toWire(job.argList()) });
    } catch (e) {
      job.finish(
        P_ERR,
        new WorkerError(
          'uncloneable',
          `tokio-ts: an argument of ${job.what} cannot be cloned: ${(e as Error).message}`,
          {
            cause: e,
          },
        ),
      );
      this.#setIdle(t);
      return;
    }
    t.job = job;
    t.worker.ref();
  }

  #startThread(): PoolThread {
    const w = new Worker(ENTRY, { name: this.#name, resourceLimits: this.#limits });
    const t = new PoolThread(w);
    this.#threads.add(t);
    w.on('message', (m: { id: number; ok: boolean; v: unknown; running?: true }) => {
      if (m.running === true) {
        this.#progress = performance.now();
        return;
      }
      const job = t.job;
      t.job = null;
      this.#progress = performance.now();
      if (job !== null && job.g === m.id) {
        job.finish(m.ok ? P_OK : P_ERR, m.ok ? m.v : new RemoteError(m.v as { message: string }));
      }
      this.#setIdle(t);
      this.#dispatch();
    });
    let oom = false;
    w.on('error', (e) => {
      if (isOutOfMemory(e)) oom = true;
    });
    // start-up is not a stall: count from when the thread runs
    w.on('online', () => {
      this.#progress = performance.now();
    });
    w.on('exit', (code) => {
      this.#threads.delete(t);
      const i = this.#idle.indexOf(t);
      if (i >= 0) this.#idle.splice(i, 1);
      const job = t.job;
      t.job = null;
      if (job !== null) job.finish(P_ERR, threadLost(oom, job.what, code));
      if (!this.#closed) this.#dispatch();
    });
    return t;
  }

  #setIdle(t: PoolThread): void {
    if (this.#closed) return;
    t.worker.unref();
    this.#idle.push(t);
    t.timer = setTimeout(() => this.#retire(t), this.#keepAlive);
    t.timer.unref();
  }

  #retire(t: PoolThread): void {
    const i = this.#idle.indexOf(t);
    if (i < 0) return;
    this.#idle.splice(i, 1);
    this.#threads.delete(t);
    void t.worker.terminate();
  }

  /** Terminates every thread; queued and running jobs fail with a `'shutdown'` WorkerError. */
  async shutdown(): Promise<void> {
    this.#closed = true;
    if (this.#growTimer !== null) clearTimeout(this.#growTimer);
    const err = new WorkerError('shutdown', 'tokio-ts: the blocking pool was shut down');
    for (let j = this.#queue.shift(); j !== undefined; j = this.#queue.shift())
      j.finish(P_ERR, err);
    const all = [...this.#threads];
    this.#threads.clear();
    this.#idle.length = 0;
    for (const t of all) {
      if (t.timer !== null) clearTimeout(t.timer);
      if (t.job !== null) t.job.finish(P_ERR, err);
    }
    await Promise.all(all.map((t) => t.worker.terminate()));
  }
}
