/**
 * `RwLock<T>`: many readers or one writer, fair (one FIFO queue for both).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { RwLock } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const lock = new RwLock({ n: 1 });
 *   const r1 = yield* lock.read();
 *   const r2 = yield* lock.read(); // readers share
 *   console.log(r1.value.n + r2.value.n); // 2
 *   r1.release();
 *   r2.release();
 *   const w = yield* lock.write();
 *   w.value = { n: 5 };
 *   w.release();
 * });
 * ```
 */
import type { Future } from '../future/future.js';
import { Acquire, BatchSemaphore, HELD, RELEASED } from './batch-semaphore.js';
import { GuardReleasedError } from './lock-error.js';

/** The default and largest `maxReaders` (Tokio's `u32::MAX >> 3`). */
const MAX_READS = 536_870_911;

/** Options of {@link RwLock}. */
export interface RwLockOptions {
  /**
   * How many read guards may be live at once (default and maximum 536,870,911,
   * as Tokio). A writer takes all of them; a reader beyond the limit waits.
   */
  maxReaders?: number;
}

/**
 * Shared read access to an {@link RwLock}'s value. Releasing twice is a no-op.
 *
 * @example
 * ```ts
 * import { RwLock } from 'tokio-ts/sync';
 *
 * const lock = new RwLock('hello');
 * const r = lock.tryRead()!;
 * console.log(r.value); // hello
 * r.release();
 * ```
 */
export interface RwLockReadGuard<T> {
  /** The protected value (read only). Throws `GuardReleasedError` after `release()`. */
  readonly value: T;
  /** Gives the read access back. A second call does nothing. */
  release(): void;
  /** Same as `release()`, for `using`. */
  [Symbol.dispose](): void;
}

/**
 * Exclusive write access to an {@link RwLock}'s value. Releasing twice is a no-op.
 *
 * @example
 * ```ts
 * import { RwLock } from 'tokio-ts/sync';
 *
 * const lock = new RwLock(1);
 * const w = lock.tryWrite()!;
 * w.value = 2;
 * const r = w.downgrade(); // still locked: no writer can slip in
 * console.log(r.value); // 2
 * r.release();
 * ```
 */
export interface RwLockWriteGuard<T> {
  /** The protected value; assigning replaces it. Throws `GuardReleasedError` after `release()`. */
  value: T;
  /** Unlocks. A second call does nothing. */
  release(): void;
  /**
   * Turns this write access into read access atomically: queued readers may
   * join, but no queued writer gets in between. This guard is spent.
   */
  downgrade(): RwLockReadGuard<T>;
  /** Same as `release()`, for `using`. */
  [Symbol.dispose](): void;
}

/**
 * A readers-writer lock: any number of `read()` guards, or one `write()` guard.
 * Fair and write-preferring, as Tokio's: readers and writers share one FIFO
 * queue, so a reader that arrives after a queued writer waits behind it.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { RwLock } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const config = new RwLock(new Map([['mode', 'fast']]));
 *   const r = yield* config.read();
 *   console.log(r.value.get('mode')); // fast
 *   r.release();
 * });
 * ```
 *
 * ## Fairness
 * One FIFO queue: a queued writer blocks later readers (no writer starvation).
 */
export class RwLock<T> {
  readonly #s: RwState<T>;

  /**
   * Creates an unlocked RwLock holding `value`. Throws `RangeError` unless
   * `maxReaders` is an integer in `1..536870911`.
   */
  constructor(value: T, opts?: RwLockOptions) {
    const max = opts?.maxReaders ?? MAX_READS;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > MAX_READS)
      throw new RangeError(`RwLock: maxReaders must be an integer in 1..${MAX_READS}, got ${max}`);
    this.#s = new RwState(value, max);
  }

  /** The largest number of concurrent readers. */
  get maxReaders(): number {
    return this.#s.max;
  }

  /**
   * Waits for shared read access.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { RwLock } from 'tokio-ts/sync';
   *
   * main(function* () {
   *   const lock = new RwLock([1, 2, 3]);
   *   const r = yield* lock.read();
   *   console.log(r.value.length); // 3
   *   r.release();
   * });
   * ```
   *
   * ## Cancel safety
   * Nothing is lost: a cancelled waiter leaves the queue, and read access
   * granted to a task that was cancelled before it resumed is given back (to
   * the next waiters). Only the queue place is lost.
   */
  read(): Future<RwLockReadGuard<T>> {
    return new ReadGuard<T>(this.#s, 0);
  }

  /**
   * Waits for exclusive write access.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { RwLock } from 'tokio-ts/sync';
   *
   * main(function* () {
   *   const lock = new RwLock(0);
   *   const w = yield* lock.write();
   *   w.value++;
   *   w.release();
   *   console.log(lock.tryRead()?.value); // 1
   * });
   * ```
   *
   * ## Cancel safety
   * As {@link RwLock.read}: a queued writer that is cancelled gives back the
   * read slots already assigned to it, so readers behind it proceed.
   */
  write(): Future<RwLockWriteGuard<T>> {
    const s = this.#s;
    return new WriteGuard<T>(s, s.max, 0);
  }

  /**
   * Takes read access if it is free now and nobody is queued; else `undefined`.
   *
   * @example
   * ```ts
   * import { RwLock } from 'tokio-ts/sync';
   *
   * const lock = new RwLock(1);
   * const w = lock.tryWrite()!;
   * console.log(lock.tryRead()); // undefined
   * w.release();
   * console.log(lock.tryRead()?.value); // 1
   * ```
   */
  tryRead(): RwLockReadGuard<T> | undefined {
    const s = this.#s;
    return s.tryAcquire(1) ? new ReadGuard<T>(s, HELD) : undefined;
  }

  /**
   * Takes write access if the lock is entirely free and nobody is queued; else `undefined`.
   *
   * @example
   * ```ts
   * import { RwLock } from 'tokio-ts/sync';
   *
   * const lock = new RwLock(1);
   * const r = lock.tryRead()!;
   * console.log(lock.tryWrite()); // undefined
   * r.release();
   * console.log(lock.tryWrite() !== undefined); // true
   * ```
   */
  tryWrite(): RwLockWriteGuard<T> | undefined {
    const s = this.#s;
    return s.tryAcquire(s.max) ? new WriteGuard<T>(s, s.max, HELD) : undefined;
  }
}

/** The lock's fair queue (maxReaders permits) plus the value. */
class RwState<T> extends BatchSemaphore {
  value: T;
  readonly max: number;
  constructor(value: T, max: number) {
    super(max);
    this.value = value;
    this.max = max;
  }
}

class ReadGuard<T> extends Acquire<RwLockReadGuard<T>> implements RwLockReadGuard<T> {
  constructor(s: RwState<T>, st: number) {
    super(s, 1, st);
  }

  get value(): T {
    if (this.st !== HELD) throw new GuardReleasedError('RwLockReadGuard');
    return (this.sem as RwState<T>).value;
  }

  describe(): string {
    return 'rwlock read';
  }
}

class WriteGuard<T> extends Acquire<RwLockWriteGuard<T>> implements RwLockWriteGuard<T> {
  get value(): T {
    if (this.st !== HELD) throw new GuardReleasedError('RwLockWriteGuard');
    return (this.sem as RwState<T>).value;
  }

  set value(v: T) {
    if (this.st !== HELD) throw new GuardReleasedError('RwLockWriteGuard');
    (this.sem as RwState<T>).value = v;
  }

  downgrade(): RwLockReadGuard<T> {
    if (this.st !== HELD) throw new GuardReleasedError('RwLockWriteGuard');
    this.st = RELEASED;
    const s = this.sem as RwState<T>;
    // keep one read slot; the others go to the queue (a queued writer only
    // absorbs them, so it cannot get in before this reader is done)
    if (this.num > 1) s.release(this.num - 1);
    return new ReadGuard<T>(s, HELD);
  }

  describe(): string {
    return 'rwlock write';
  }
}
