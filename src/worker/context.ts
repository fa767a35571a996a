/**
 * Which multi-thread origin `spawn(def, ...args)` uses on this thread.
 * @internal
 */
import type { Runtime } from '../runtime/runtime.js';
import type { Origin } from './origin.js';

let workerOrigin: Origin | null = null;
let workerRuntime: Runtime | null = null;

/** Called once by the worker entry script. @internal */
export function setWorkerOrigin(o: Origin, rt: Runtime): void {
  workerOrigin = o;
  workerRuntime = rt;
}

/** The origin of this worker thread, or null on the main thread. @internal */
export function currentWorkerOrigin(): Origin | null {
  return workerOrigin;
}

/** The runtime of this worker thread, or null on the main thread. @internal */
export function currentWorkerRuntime(): Runtime | null {
  return workerRuntime;
}
