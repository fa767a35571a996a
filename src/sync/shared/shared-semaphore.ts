/**
 * `SharedSemaphore` and `SharedMutex`: counting semaphore and lock over a
 * `SharedArrayBuffer`, usable from tasks on any thread.
 *
 * How and why: the permit count is one Int32 taken with a CAS loop; waiters
 * use the lossless word-wait protocol (`word-wait.ts`) on a generation word
 * that every release bumps when someone waits. Waking is not FIFO across
 * threads (all waiters retry; one wins), unlike the local `Semaphore`.
 */
import type { Future, Suspend } from '../../future/future.js';
import { coopProceed, parkForBudget, type Waiting } from '../../runtime/context.js';
import { registerReviver, TO_WIRE } from '../../worker/wire.js';
import { SharedAcquireError } from './error.js';
import { WordWait, wakeAll } from './word-wait.js';

const PERMITS = 0;
const GEN = 16;
const WAITERS = 32;
const CLOSED = 48;
const WORDS = 64;

/**
 * A counting semaphore shared between threads; pass it as a task argument.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { SharedSemaphore } from 'tokio-ts/sync/shared';
 *
 * main(function* () {
 *   const sem = new SharedSemaphore(2);
 *   const p = yield* sem.acquire();
 *   console.log(sem.availablePermits()); // 1
 *   p.release();
 * });
 * ```
 */
export class SharedSemaphore {
  /** @internal */
  readonly ctl: Int32Array;

  constructor(permits: number, buffer?: SharedArrayBuffer) {
    if (buffer !== undefined) {
      this.ctl = new Int32Array(buffer);
      return;
    }
    if (!Number.isInteger(permits) || permits < 0)
      throw new RangeError(`SharedSemaphore permits must be an integer >= 0, got ${permits}`);
    this.ctl = new Int32Array(new SharedArrayBuffer(4 * WORDS));
    this.ctl[PERMITS] = permits;
  }

  /**
   * Waits for `n` permits (default 1).
   *
   * ## Cancel safety
   * Cancel safe: permits are taken only in the poll that returns them.
   *
   * ## Errors
   * Throws {@link SharedAcquireError} if the semaphore is closed.
   */
  acquire(n = 1): Future<SharedPermit> {
    checkN(n);
    return new AcquireLeaf(this, n);
  }

  /** Takes `n` permits if available now. */
  tryAcquire(n = 1): SharedPermit | undefined {
    checkN(n);
    if (Atomics.load(this.ctl, CLOSED) !== 0) return undefined;
    return this.take(n) ? new SharedPermit(this, n) : undefined;
  }

  /** Adds `n` permits. */
  addPermits(n: number): void {
    Atomics.add(this.ctl, PERMITS, n);
    wakeAll(this.ctl, GEN, WAITERS);
  }

  availablePermits(): number {
    return Atomics.load(this.ctl, PERMITS);
  }

  /** Closes: waiting and later acquires throw `SharedAcquireError`. */
  close(): void {
    Atomics.store(this.ctl, CLOSED, 1);
    Atomics.add(this.ctl, GEN, 1);
    Atomics.notify(this.ctl, GEN);
  }

  isClosed(): boolean {
    return Atomics.load(this.ctl, CLOSED) !== 0;
  }

  /** @internal */
  take(n: number): boolean {
    const c = this.ctl;
    let cur = Atomics.load(c, PERMITS);
    while (cur >= n) {
      const got = Atomics.compareExchange(c, PERMITS, cur, cur - n);
      if (got === cur) return true;
      cur = got;
    }
    return false;
  }

  /** @internal */
  [TO_WIRE](): { __tokioTsShared: string; data: unknown } {
    return { __tokioTsShared: 'sharedSemaphore', data: this.ctl.buffer };
  }
}

/**
 * Permits taken from a {@link SharedSemaphore}; `release()` gives them back.
 *
 * @example
 * ```ts
 * import { SharedSemaphore } from 'tokio-ts/sync/shared';
 *
 * const p = new SharedSemaphore(1).tryAcquire()!;
 * console.log(p.num); // 1
 * p.release();
 * ```
 */
export class SharedPermit {
  readonly #sem: SharedSemaphore;
  readonly num: number;
  #done = false;
  /** @internal */
  constructor(sem: SharedSemaphore, n: number) {
    this.#sem = sem;
    this.num = n;
  }
  /** Gives the permits back (idempotent). */
  release(): void {
    if (this.#done) return;
    this.#done = true;
    this.#sem.addPermits(this.num);
  }
  /** Keeps the permits taken for good. */
  forget(): void {
    this.#done = true;
  }
  [Symbol.dispose](): void {
    this.release();
  }
}

class AcquireLeaf
  implements Future<SharedPermit>, Iterator<Suspend, SharedPermit, unknown>, Waiting
{
  readonly #sem: SharedSemaphore;
  readonly #n: number;
  readonly #wait = new WordWait('sharedSemaphore acquire');
  #budgeted = false;
  constructor(sem: SharedSemaphore, n: number) {
    this.#sem = sem;
    this.#n = n;
  }
  [Symbol.iterator](): this {
    return this;
  }
  next(): IteratorResult<Suspend, SharedPermit> {
    if (!this.#budgeted) {
      this.#budgeted = true;
      if (!coopProceed()) return parkForBudget(this);
    }
    const sem = this.#sem;
    const c = sem.ctl;
    for (;;) {
      if (Atomics.load(c, CLOSED) !== 0) throw new SharedAcquireError();
      const seen = Atomics.load(c, GEN);
      if (sem.take(this.#n)) return { done: true, value: new SharedPermit(sem, this.#n) };
      this.#wait.announce(c, WAITERS);
      if (sem.take(this.#n)) {
        this.#wait.withdraw();
        return { done: true, value: new SharedPermit(sem, this.#n) };
      }
      const parked = this.#wait.park(c, GEN, seen);
      if (parked !== null) return parked;
    }
  }
  cancelWait(): void {
    this.#wait.cancelWait();
  }
  describe(): string {
    return `sharedSemaphore acquire ${this.#n}`;
  }
}

/**
 * A mutual-exclusion lock shared between threads, for data the tasks keep in
 * shared memory (a `SharedArrayBuffer` they also pass around).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { SharedMutex } from 'tokio-ts/sync/shared';
 *
 * main(function* () {
 *   const m = new SharedMutex();
 *   const g = yield* m.lock();
 *   console.log(m.isLocked()); // true
 *   g.release();
 * });
 * ```
 */
export class SharedMutex {
  readonly #sem: SharedSemaphore;

  constructor(buffer?: SharedArrayBuffer) {
    this.#sem = new SharedSemaphore(1, buffer);
  }

  /**
   * Waits for the lock.
   *
   * ## Cancel safety
   * Cancel safe: the lock is taken only in the poll that returns the guard.
   */
  lock(): Future<SharedPermit> {
    return this.#sem.acquire(1);
  }

  /** Takes the lock if it is free now. */
  tryLock(): SharedPermit | undefined {
    return this.#sem.tryAcquire(1);
  }

  isLocked(): boolean {
    return this.#sem.availablePermits() === 0;
  }

  /** @internal */
  [TO_WIRE](): { __tokioTsShared: string; data: unknown } {
    return { __tokioTsShared: 'sharedMutex', data: this.#sem.ctl.buffer };
  }
}

function checkN(n: number): void {
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`permits must be a positive integer, got ${n}`);
}

registerReviver('sharedSemaphore', (d) => new SharedSemaphore(0, d as SharedArrayBuffer));
registerReviver('sharedMutex', (d) => new SharedMutex(d as SharedArrayBuffer));
