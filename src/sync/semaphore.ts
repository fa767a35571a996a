/**
 * `Semaphore`: a counter of permits with a fair (FIFO) queue of waiters,
 * including batch acquisitions.
 *
 * @example
 * ```ts
 * import { main, spawn } from 'tokio-ts';
 * import { Semaphore } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const sem = new Semaphore(2); // at most two at once
 *   let running = 0;
 *   let peak = 0;
 *   const tasks = Array.from({ length: 6 }, () =>
 *     spawn(function* () {
 *       using _permit = yield* sem.acquire();
 *       peak = Math.max(peak, ++running);
 *       yield* spawn(function* () {}); // some async work
 *       running--;
 *     }),
 *   );
 *   for (const t of tasks) yield* t;
 *   console.log(peak); // 2
 * });
 * ```
 */
import type { Future } from '../future/future.js';
import {
  Acquire,
  BatchSemaphore,
  checkPermits,
  HELD,
  MAX_PERMITS,
  RELEASED,
} from './batch-semaphore.js';

/**
 * Permits taken from a {@link Semaphore}; `release()` (or the end of a `using`
 * block) gives them back, `forget()` drops them for good. Releasing twice is a
 * no-op.
 *
 * @example
 * ```ts
 * import { Semaphore } from 'tokio-ts/sync';
 *
 * const sem = new Semaphore(3);
 * const p = sem.tryAcquireMany(2)!;
 * console.log(p.num, sem.availablePermits()); // 2 1
 * p.release();
 * p.release(); // no-op
 * console.log(sem.availablePermits()); // 3
 * ```
 */
export interface SemaphorePermit {
  /** How many permits this holds. */
  readonly num: number;
  /** Gives the permits back to the semaphore (to the queued waiters first). A second call does nothing. */
  release(): void;
  /** Drops the permits without giving them back: the semaphore shrinks by `num`. */
  forget(): void;
  /**
   * Moves `other`'s permits into this one (Tokio's `merge`): `num` grows by
   * `other.num`, and `other` is spent (releasing it does nothing).
   *
   * @example
   * ```ts
   * import { Semaphore } from 'tokio-ts/sync';
   *
   * const sem = new Semaphore(3);
   * const p = sem.tryAcquire()!;
   * p.merge(sem.tryAcquireMany(2)!);
   * console.log(p.num, sem.availablePermits()); // 3 0
   * p.release();
   * console.log(sem.availablePermits()); // 3
   * ```
   *
   * ## Errors
   * Throws if `other` belongs to another semaphore, or if either permit was
   * released or forgotten.
   */
  merge(other: SemaphorePermit): void;
  /**
   * Splits `n` permits off into a new permit (Tokio's `split`); `undefined`
   * if this one holds fewer than `n`.
   *
   * @example
   * ```ts
   * import { Semaphore } from 'tokio-ts/sync';
   *
   * const sem = new Semaphore(5);
   * const p = sem.tryAcquireMany(3)!;
   * const q = p.split(1)!;
   * console.log(p.num, q.num, p.split(4)); // 2 1 undefined
   * p.release();
   * console.log(sem.availablePermits()); // 4
   * ```
   */
  split(n: number): SemaphorePermit | undefined;
  /** Same as `release()`, for `using`. */
  [Symbol.dispose](): void;
}

/**
 * A semaphore: `acquire()` waits for a permit, `acquireMany(n)` for `n` at
 * once; permits come back when released. Waiters are served strictly in FIFO
 * order, batches included (Tokio's `Semaphore`).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { Semaphore } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const sem = new Semaphore(4);
 *   const p = yield* sem.acquireMany(3);
 *   console.log(sem.availablePermits()); // 1
 *   p.release();
 *   console.log(sem.availablePermits()); // 4
 * });
 * ```
 *
 * ## Fairness
 * FIFO, including batches: an `acquireMany(5)` at the head of the queue blocks
 * a later `acquire()` even while one permit is free; permits released meanwhile
 * are assigned to the head waiter.
 */
export class Semaphore {
  /** The most permits a semaphore can hold (`Number.MAX_SAFE_INTEGER`). */
  static readonly MAX_PERMITS = MAX_PERMITS;

  readonly #s: BatchSemaphore;

  /**
   * Creates a semaphore with `permits` free permits.
   * Throws `RangeError` unless `permits` is an integer in `0..MAX_PERMITS`.
   */
  constructor(permits: number) {
    this.#s = new BatchSemaphore(checkPermits(permits, 'new Semaphore(permits)'));
  }

  /**
   * Waits for one permit.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { Semaphore } from 'tokio-ts/sync';
   *
   * main(function* () {
   *   const sem = new Semaphore(1);
   *   const p = yield* sem.acquire();
   *   console.log(sem.availablePermits()); // 0
   *   p.release();
   * });
   * ```
   *
   * ## Cancel safety
   * Nothing is lost: a cancelled waiter leaves the queue and gives back any
   * permits already assigned to it; one that was granted its permits but had
   * not resumed gives them to the next waiters. Only the queue place is lost.
   *
   * ## Errors
   * Throws `AcquireError` if the semaphore is closed (before or while waiting).
   */
  acquire(): Future<SemaphorePermit> {
    return new Permit(this.#s, 1, 0);
  }

  /**
   * Waits for `n` permits at once (FIFO with the other waiters; permits are
   * assigned to it as they are released). `acquireMany(0)` completes at once.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { Semaphore } from 'tokio-ts/sync';
   *
   * main(function* () {
   *   const sem = new Semaphore(5);
   *   const p = yield* sem.acquireMany(5);
   *   console.log(p.num, sem.availablePermits()); // 5 0
   *   p.release();
   * });
   * ```
   *
   * ## Cancel safety
   * As {@link Semaphore.acquire}: permits partly or fully assigned to a
   * cancelled waiter go to the next waiters.
   *
   * ## Errors
   * `AcquireError` if closed; `RangeError`/`TypeError` for a bad `n`.
   */
  acquireMany(n: number): Future<SemaphorePermit> {
    return new Permit(this.#s, checkPermits(n, 'Semaphore.acquireMany(n)'), 0);
  }

  /**
   * Takes one permit if one is free and nobody is queued; `undefined` otherwise
   * (also when closed).
   *
   * @example
   * ```ts
   * import { Semaphore } from 'tokio-ts/sync';
   *
   * const sem = new Semaphore(1);
   * const p = sem.tryAcquire();
   * console.log(p?.num, sem.tryAcquire()); // 1 undefined
   * ```
   */
  tryAcquire(): SemaphorePermit | undefined {
    const s = this.#s;
    return s.tryAcquire(1) ? new Permit(s, 1, HELD) : undefined;
  }

  /**
   * Takes `n` permits if they are free and nobody is queued; `undefined`
   * otherwise (also when closed).
   *
   * @example
   * ```ts
   * import { Semaphore } from 'tokio-ts/sync';
   *
   * const sem = new Semaphore(2);
   * console.log(sem.tryAcquireMany(3), sem.tryAcquireMany(2)?.num); // undefined 2
   * ```
   */
  tryAcquireMany(n: number): SemaphorePermit | undefined {
    const s = this.#s;
    checkPermits(n, 'Semaphore.tryAcquireMany(n)');
    return s.tryAcquire(n) ? new Permit(s, n, HELD) : undefined;
  }

  /**
   * Adds `n` permits (they go to queued waiters first). Works after `close()`
   * too. Throws `RangeError` if the total would pass `MAX_PERMITS`.
   *
   * @example
   * ```ts
   * import { Semaphore } from 'tokio-ts/sync';
   *
   * const sem = new Semaphore(0);
   * sem.addPermits(2);
   * console.log(sem.availablePermits()); // 2
   * ```
   */
  addPermits(n: number): void {
    const s = this.#s;
    checkPermits(n, 'Semaphore.addPermits(n)');
    if (s.permits + n > MAX_PERMITS)
      throw new RangeError(`Semaphore.addPermits(${n}): more than MAX_PERMITS permits`);
    s.release(n);
  }

  /**
   * Removes up to `n` free permits and returns how many it removed (permits
   * held by others are not touched). Works after `close()` too.
   *
   * @example
   * ```ts
   * import { Semaphore } from 'tokio-ts/sync';
   *
   * const sem = new Semaphore(3);
   * console.log(sem.forgetPermits(5), sem.availablePermits()); // 3 0
   * ```
   */
  forgetPermits(n: number): number {
    return this.#s.forget(checkPermits(n, 'Semaphore.forgetPermits(n)'));
  }

  /**
   * The number of free permits.
   *
   * @example
   * ```ts
   * import { Semaphore } from 'tokio-ts/sync';
   *
   * console.log(new Semaphore(7).availablePermits()); // 7
   * ```
   */
  availablePermits(): number {
    return this.#s.permits;
  }

  /**
   * Closes the semaphore: every queued waiter wakes with `AcquireError`, and
   * later acquisitions fail. Permits already held stay valid; releasing them
   * still adds to `availablePermits()`.
   *
   * @example
   * ```ts
   * import { Semaphore } from 'tokio-ts/sync';
   *
   * const sem = new Semaphore(1);
   * sem.close();
   * console.log(sem.isClosed(), sem.tryAcquire()); // true undefined
   * ```
   */
  close(): void {
    this.#s.close();
  }

  /**
   * True once `close()` was called.
   *
   * @example
   * ```ts
   * import { Semaphore } from 'tokio-ts/sync';
   *
   * console.log(new Semaphore(1).isClosed()); // false
   * ```
   */
  isClosed(): boolean {
    return this.#s.closed;
  }
}

/** The acquire future, and the permit it completes with. */
class Permit extends Acquire<SemaphorePermit> implements SemaphorePermit {
  forget(): void {
    if (this.st === HELD) this.st = RELEASED;
  }

  merge(other: SemaphorePermit): void {
    if (!(other instanceof Permit) || other.sem !== this.sem)
      throw new Error('tokio-ts: merging permits of different semaphores');
    if (other === this) throw new Error('tokio-ts: a permit cannot be merged into itself');
    if (this.st !== HELD || other.st !== HELD)
      throw new Error('tokio-ts: merging a permit that was released or forgotten');
    this.num += other.num;
    other.st = RELEASED;
  }

  split(n: number): SemaphorePermit | undefined {
    checkPermits(n, 'SemaphorePermit.split(n)');
    if (this.st !== HELD) throw new Error('tokio-ts: splitting a permit that was released');
    if (n > this.num) return undefined;
    this.num -= n;
    return new Permit(this.sem, n, HELD);
  }

  describe(): string {
    return this.num === 1 ? 'semaphore acquire' : `semaphore acquire ${this.num}`;
  }
}
