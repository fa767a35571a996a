/**
 * Synchronisation: channels and locks.
 *
 * Which channel when:
 * - `mpsc` — many producers, one consumer, with backpressure (bounded) or
 *   without (unbounded): work queues, actor mailboxes.
 * - `oneshot` — exactly one value, e.g. a reply to a request sent over mpsc.
 * - `watch` — the latest value of something (config, state), with change notification.
 * - `broadcast` — every receiver sees every message (fan-out, pub/sub); slow receivers are told how much they lost.
 *
 * Locks: `Mutex` and `RwLock` (fair, FIFO), `Semaphore` (limit concurrency),
 * `Notify` (wake-ups), `Barrier`, `OnceCell`, `CancellationToken`.
 */

export * as broadcast from './broadcast.js';
export { RecvError, SendError, SendTimeoutError } from './error.js';
export * from './locks.js';
export * as mpsc from './mpsc/index.js';
export * as oneshot from './oneshot.js';
export * as watch from './watch.js';
