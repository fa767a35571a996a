/**
 * `spawnBlocking`: runs a synchronous function on the blocking pool.
 */
import { ctx } from '../runtime/context.js';
import { currentScheduler } from '../runtime/runtime.js';
import type { JoinHandle } from '../task/join-handle.js';
import { BlockingPool } from './blocking-pool.js';
import { currentWorkerRuntime } from './context.js';
import { MultiThreadRuntime } from './multi-thread.js';
import { type BlockingDef, DEF_MARK } from './task-def.js';

let threadPool: BlockingPool | null = null;

/**
 * Runs `def(...args)` on a thread of the blocking pool and returns a
 * `JoinHandle` for its result (structured-cloned back). Works on every
 * runtime: a multi-thread runtime uses its own pool (sized by
 * `maxBlockingThreads`/`threadKeepAlive`); elsewhere a per-thread pool is
 * created on first use (512 threads at most, idle ones exit after 10 s and
 * never keep the process alive).
 *
 * @example
 * ```ts
 * import { isMainThread } from 'node:worker_threads';
 * import { main } from 'tokio-ts';
 * import { defineBlocking, spawnBlocking } from 'tokio-ts/worker';
 *
 * function fibSeq(n: number): number {
 *   return n < 2 ? n : fibSeq(n - 1) + fibSeq(n - 2);
 * }
 * export const fib = defineBlocking(import.meta.url, function fib(n: number) {
 *   return fibSeq(n);
 * });
 *
 * // the blocking thread imports this module to find `fib`: start only on the main thread
 * if (isMainThread) {
 *   main(function* () {
 *     console.log(yield* spawnBlocking(fib, 20)); // 6765
 *   });
 * }
 * ```
 *
 * ## Cancel safety
 * Aborting the handle drops a job that has not started; a running function
 * cannot be interrupted (as in Tokio): it runs to the end and its result is
 * discarded, and the aborted handle joins as cancelled once it has finished.
 *
 * ## Errors
 * Joining throws `JoinError` whose `cause` is a `RemoteError` (the function
 * threw; the remote stack is kept) or a `WorkerError` (`'uncloneable'`
 * argument or result, `'crashed'` thread, `'shutdown'`).
 */
export function spawnBlocking<A extends unknown[], R>(
  def: BlockingDef<A, R>,
  ...args: A
): JoinHandle<R> {
  if (typeof def !== 'object' || def === null || def[DEF_MARK] !== 'blocking')
    throw new TypeError(
      'spawnBlocking expects a definition made by defineBlocking(import.meta.url, fn)',
    );
  const t = ctx.current;
  const owner = t !== null ? t.sched.owner : null;
  if (owner instanceof MultiThreadRuntime) return owner.blockingPool().spawn(t!.sched, def, args);
  if (threadPool === null) threadPool = new BlockingPool();
  const wr = currentWorkerRuntime();
  const sched = t !== null ? t.sched : wr !== null ? wr.sched : currentScheduler();
  return threadPool.spawn(sched, def, args);
}
