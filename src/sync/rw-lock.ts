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
  /**
   * Calls `fn(value)` while still holding write access, then downgrades
   * atomically (as {@link downgrade}) to a read guard whose `value` is what
   * `fn` returned, typically a part of the protected value (Tokio's
   * `RwLockWriteGuard::downgrade_map`). This guard is spent.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { RwLock } from 'tokio-ts/sync';
   *
   * main(function* () {
   *   const lock = new RwLock({ name: 'a', hits: 0 });
   *   const w = yield* lock.write();
   *   w.value.hits++;
   *   const hits = w.downgradeMap((v) => v.hits); // readers may now join
   *   console.log(hits.value, lock.tryRead() !== undefined); // 1 true
   * });
   * ```
   */
  downgradeMap<U>(fn: (value: T) => U): RwLockReadGuard<U>;
  /**
   * Like {@link downgradeMap}, but `fn` may decline by returning `undefined`:
   * then nothing happens and `undefined` is returned, this write guard still
   * held (Tokio's `try_downgrade_map`, whose `Err` hands the guard back).
   *
   * @example
   * ```ts
   * import { RwLock } from 'tokio-ts/sync';
   *
   * const lock = new RwLock<number[]>([]);
   * const w = lock.tryWrite()!;
   * console.log(w.tryDowngradeMap((v) => v[0])); // undefined: still writing
   * w.value.push(7);
   * console.log(w.tryDowngradeMap((v) => v[0])?.value); // 7
   * ```
   */
  tryDowngradeMap<U>(fn: (value: T) => U | undefined): RwLockReadGuard<U> | undefined;
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
   * Takes the value out of an unlocked lock (Tokio's `into_inner`, which
   * consumes the lock; here the lock stays usable, with the same value).
   *
   * @example
   * ```ts
   * import { RwLock } from 'tokio-ts/sync';
   *
   * console.log(new RwLock(42).intoInner()); // 42
   * ```
   *
   * ## Errors
   * Throws if a guard is held or a task waits: in Rust nothing can borrow a
   * lock that is being consumed.
   */
  intoInner(): T {
    const s = this.#s;
    if (s.permits !== s.max || s.waiters.head !== null)
      throw new Error('tokio-ts: RwLock.intoInner() on a lock that is held or awaited');
    return s.value;
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
    this.#spend();
    return new ReadGuard<T>(this.sem as RwState<T>, HELD);
  }

  downgradeMap<U>(fn: (value: T) => U): RwLockReadGuard<U> {
    checkFn(fn, 'downgradeMap');
    const v = fn(this.value); // still writing: readers wait during fn
    this.#spend();
    return new MappedReadGuard<U>(this.sem, v);
  }

  tryDowngradeMap<U>(fn: (value: T) => U | undefined): RwLockReadGuard<U> | undefined {
    checkFn(fn, 'tryDowngradeMap');
    const v = fn(this.value);
    if (v === undefined) return undefined;
    this.#spend();
    return new MappedReadGuard<U>(this.sem, v);
  }

  /** Ends write access, keeping one read slot for the read guard the caller makes. */
  #spend(): void {
    if (this.st !== HELD) throw new GuardReleasedError('RwLockWriteGuard');
    this.st = RELEASED;
    // keep one read slot; the others go to the queue (a queued writer only
    // absorbs them, so it cannot get in before this reader is done)
    if (this.num > 1) this.sem.release(this.num - 1);
  }

  describe(): string {
    return 'rwlock write';
  }
}

/** A read guard over a part of the value ({@link RwLockWriteGuard.downgradeMap}). */
class MappedReadGuard<U> extends Acquire<RwLockReadGuard<U>> implements RwLockReadGuard<U> {
  readonly #v: U;

  constructor(s: BatchSemaphore, v: U) {
    super(s, 1, HELD);
    this.#v = v;
  }

  get value(): U {
    if (this.st !== HELD) throw new GuardReleasedError('RwLockReadGuard');
    return this.#v;
  }

  describe(): string {
    return 'rwlock read (mapped)';
  }
}

function checkFn(fn: unknown, what: string): void {
  if (typeof fn !== 'function')
    throw new TypeError(`RwLockWriteGuard.${what}(fn): fn must be a function`);
}
