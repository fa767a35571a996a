/**
 * The read-readiness probe behind `copy`'s flush-before-waiting (Tokio's
 * `need_flush`).
 *
 * How and why: Tokio's `copy` polls the reader, and when the read is pending
 * it flushes the writer before returning `Pending`, so a buffering writer
 * whose bytes the reader is waiting for cannot deadlock the copy. A generator
 * read cannot be polled without parking the task, so readers that know
 * whether a read would wait say so synchronously through this symbol
 * (streams over the I/O driver, pipes, and the wrappers over them). `copy`
 * asks before each read; for a reader without the probe it races the read
 * against the flush instead (slower, same outcome for cancel-safe readers).
 * @internal
 */

/** @internal Method key: `true` when a read would complete without waiting. */
export const readReady: unique symbol = Symbol('tokio-ts.readReady');

/**
 * @internal Method key: `true` when the writer holds written bytes back
 * until `flush()` (a `BufWriter` with a non-empty buffer); `false` when every
 * accepted byte moves on by itself (sockets, pipes), so `copy` need not flush
 * before it waits.
 */
export const flushPending: unique symbol = Symbol('tokio-ts.flushPending');

/** @internal */
export interface ReadProbe {
  [readReady](): boolean | undefined;
}

/** @internal */
export interface FlushProbe {
  [flushPending](): boolean | undefined;
}

/**
 * Whether a read of `r` would complete without waiting: `undefined` when `r`
 * cannot tell. @internal
 */
export function probeRead(r: unknown): boolean | undefined {
  const p = (r as Partial<ReadProbe>)[readReady];
  return typeof p === 'function' ? p.call(r) : undefined;
}

/**
 * Whether `w` holds bytes back until it is flushed: `undefined` when `w`
 * cannot tell. @internal
 */
export function probeFlush(w: unknown): boolean | undefined {
  const p = (w as Partial<FlushProbe>)[flushPending];
  return typeof p === 'function' ? p.call(w) : undefined;
}
