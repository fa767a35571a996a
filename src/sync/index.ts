/**
 * Synchronisation: channels and locks.
 *
 * Which channel when:
 * - `mpsc` — many producers, one consumer, with backpressure (bounded) or
 *   without (unbounded): work queues, actor mailboxes.
 * - oneshot, broadcast and watch are not in this release yet.
 *
 * Locks: `Mutex` and `RwLock` (fair, FIFO), `Semaphore` (limit concurrency),
 * `Notify` (wake-ups), `Barrier`, `OnceCell`, `CancellationToken`.
 */

export { SendError } from './error.js';
export * from './locks.js';
export * as mpsc from './mpsc/index.js';
