/** The locks and synchronisation primitives (merged into `tokio-ts/sync` by its index). */

export { Barrier, type BarrierWaitResult } from './barrier.js';
export { CancellationToken } from './cancellation-token.js';
export { AcquireError, GuardReleasedError, SetError } from './lock-error.js';
export { Mutex, type MutexGuard } from './mutex.js';
export { Notified, Notify } from './notify.js';
export { OnceCell } from './once-cell.js';
export {
  RwLock,
  type RwLockOptions,
  type RwLockReadGuard,
  type RwLockWriteGuard,
} from './rw-lock.js';
export { Semaphore, type SemaphorePermit } from './semaphore.js';
