/**
 * The multi-thread runtime (`tokio-ts/worker`): task definitions that cross
 * threads, work-stealing workers, and the blocking pool. Importing this module
 * makes `Builder.multiThread()` available and lets `spawn(def, ...args)` run a
 * definition on a worker.
 */
import './install.js';

export { RemoteError, WorkerError } from './error.js';
export { MultiThreadRuntime } from './multi-thread.js';
export { spawnBlocking } from './spawn-blocking.js';
export { type BlockingDef, defineBlocking, defineTask, type TaskDef } from './task-def.js';
