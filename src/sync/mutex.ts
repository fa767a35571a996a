/**
 * `Mutex<T>`: an async mutual-exclusion lock around a value, FIFO fair.
 *
 * @example
 * ```ts
 * import { main, spawn } from 'tokio-ts';
 * import { Mutex } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const counter = new Mutex(0);
 *   const tasks = [1, 2, 3].map(() =>
 *     spawn(function* () {
 *       const g = yield* counter.lock();
 *       g.value += 1;
 *       g.release();
 *     }),
 *   );
 *   for (const t of tasks) yield* t;
 *   console.log(counter.tryLock()!.value); // 3
 * });
 * ```
 */
import type { Future, Suspend } from '../future/future.js';
import { Acquire, BatchSemaphore, HELD, isFutureResult, RELEASED } from './batch-semaphore.js';
import { GuardReleasedError } from './lock-error.js';

/**
 * Exclusive access to a {@link Mutex}'s value, held until `release()` (or the end
 * of a `using` block). Releasing twice is a no-op.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { Mutex } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const m = new Mutex({ hits: 0 });
 *   {
 *     using g = yield* m.lock();
 *     g.value.hits++;
 *   } // released here
 *   console.log(m.tryLock()?.value.hits); // 1
 * });
 * ```
 */
export interface MutexGuard<T> {
  /** The protected value; assigning replaces it. Throws `GuardReleasedError` after `release()`. */
  value: T;
  /** Unlocks: the next waiter (FIFO) gets the lock. A second call does nothing. */
  release(): void;
  /** Same as `release()`, for `using`. */
  [Symbol.dispose](): void;
}

/**
 * An async mutex: `lock()` waits until the value is free and returns a guard.
 * Like Tokio's `Mutex`, it is a one-permit fair semaphore: locks are granted in
 * the order `lock()` was first polled, there is no poisoning (a task that throws
 * or is cancelled while holding the guard releases it in its `finally`/`using`),
 * and the guard may be held across `yield*`.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { Mutex } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const m = new Mutex<string[]>([]);
 *   yield* m.withLock((list) => { list.push('a'); });
 *   const g = yield* m.lock();
 *   console.log(g.value); // [ 'a' ]
 *   g.release();
 * });
 * ```
 *
 * ## Fairness
 * Strict FIFO: a `tryLock()` never takes the lock while tasks are queued.
 */
export class Mutex<T> {
  readonly #s: MutexState<T>;

  /** Creates an unlocked mutex holding `value`. */
  constructor(value: T) {
    this.#s = new MutexState(value);
  }

  /**
   * Waits for the lock and returns its guard. Completes at once (no
   * suspension, one unit of coop budget) when the mutex is free.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { Mutex } from 'tokio-ts/sync';
   *
   * main(function* () {
   *   const m = new Mutex(1);
   *   const g = yield* m.lock();
   *   g.value = 2;
   *   g.release();
   *   console.log(m.tryLock()?.value); // 2
   * });
   * ```
   *
   * ## Cancel safety
   * Nothing is lost: if the task is cancelled while queued, it leaves the queue;
   * if it was already handed the lock but had not resumed, the lock goes to the
   * next waiter. Only the place in the queue is lost (as Tokio).
   */
  lock(): Future<MutexGuard<T>> {
    return new Guard<T>(this.#s, 0);
  }

  /**
   * Runs `fn` with the value while holding the lock, and releases it however
   * `fn` ends. `fn` may return a value or a Future (e.g. be a `function*`).
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { Mutex } from 'tokio-ts/sync';
   *
   * main(function* () {
   *   const m = new Mutex(new Map<string, number>());
   *   const n = yield* m.withLock(function* (map) {
   *     map.set('a', 1);
   *     return map.size;
   *   });
   *   console.log(n); // 1
   * });
   * ```
   *
   * ## Cancel safety
   * As {@link Mutex.lock} while waiting; once `fn` runs, as `fn` (the lock is
   * released when the task is cancelled).
   */
  *withLock<R>(fn: (value: T) => Future<R> | R): Generator<Suspend, R, unknown> {
    if (typeof fn !== 'function') throw new TypeError('Mutex.withLock(fn): fn must be a function');
    const g = yield* this.lock();
    try {
      const r = fn(g.value);
      if (isFutureResult(r)) return yield* r as Future<R>;
      return r as R;
    } finally {
      g.release();
    }
  }

  /**
   * Takes the lock if it is free and nobody is queued, without waiting;
   * returns `undefined` otherwise.
   *
   * @example
   * ```ts
   * import { Mutex } from 'tokio-ts/sync';
   *
   * const m = new Mutex(0);
   * const g = m.tryLock();
   * console.log(g !== undefined, m.tryLock()); // true undefined
   * g?.release();
   * ```
   */
  tryLock(): MutexGuard<T> | undefined {
    const s = this.#s;
    return s.tryAcquire(1) ? new Guard<T>(s, HELD) : undefined;
  }
}

/** The mutex's state: its one-permit fair queue plus the value. */
class MutexState<T> extends BatchSemaphore {
  value: T;
  constructor(value: T) {
    super(1);
    this.value = value;
  }
}

/** The lock future, and the guard it completes with. */
class Guard<T> extends Acquire<MutexGuard<T>> implements MutexGuard<T> {
  constructor(s: MutexState<T>, st: number) {
    super(s, 1, st);
  }

  get value(): T {
    if (this.st !== HELD) throw new GuardReleasedError('MutexGuard');
    return (this.sem as MutexState<T>).value;
  }

  set value(v: T) {
    if (this.st !== HELD) throw new GuardReleasedError('MutexGuard');
    (this.sem as MutexState<T>).value = v;
  }

  describe(): string {
    return this.st === RELEASED ? 'mutex lock (released)' : 'mutex lock';
  }
}
