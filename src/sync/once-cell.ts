/**
 * `OnceCell<T>`: a value set once, possibly by an async initializer that runs
 * only once however many tasks ask for it concurrently.
 *
 * @example
 * ```ts
 * import { main, join } from 'tokio-ts';
 * import { OnceCell } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const cell = new OnceCell<number>();
 *   let runs = 0;
 *   function* init() {
 *     runs++;
 *     return 42;
 *   }
 *   const [a, b] = yield* join(cell.getOrInit(init), cell.getOrInit(init));
 *   console.log(a, b, runs); // 42 42 1
 * });
 * ```
 */
import type { Future, Suspend } from '../future/future.js';
import { isFutureResult } from './batch-semaphore.js';
import { AcquireError, SetError } from './lock-error.js';
import { Notify } from './notify.js';
import { Semaphore } from './semaphore.js';

/**
 * A cell that is written once (Tokio's `OnceCell`). `getOrInit(init)` runs
 * `init` in at most one task at a time: the others wait for its result. If
 * `init` throws or its task is cancelled, the next waiter runs its own
 * initializer (Tokio: "another waiter starts a new attempt").
 *
 * @example
 * ```ts
 * import { OnceCell } from 'tokio-ts/sync';
 *
 * const cell = new OnceCell<string>();
 * console.log(cell.get(), cell.initialized()); // undefined false
 * cell.set('ready');
 * console.log(cell.get(), cell.initialized()); // ready true
 * ```
 */
export class OnceCell<T> {
  #value: T | undefined = undefined;
  #ready = false;
  /** one permit: whoever holds it may initialize; closed once the value is set */
  readonly #sem = new Semaphore(1);
  /** wakes `wait()` callers on set */
  readonly #notify = new Notify();

  /** Creates an empty cell, or one holding `value` if it is given. */
  constructor(...value: [] | [T]) {
    if (value.length > 0) this.#store(value[0] as T);
  }

  /**
   * Returns the value, running `init` to produce it if the cell is empty.
   * Concurrent callers wait for the running initializer instead of starting
   * their own. If `init` throws, the error is thrown to this caller and the
   * next waiter runs its initializer.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { OnceCell } from 'tokio-ts/sync';
   *
   * main(function* () {
   *   const cell = new OnceCell<string>();
   *   console.log(yield* cell.getOrInit(function* () { return 'computed'; })); // computed
   *   console.log(yield* cell.getOrInit(function* () { return 'ignored'; })); // computed
   * });
   * ```
   *
   * ## Cancel safety
   * Nothing is lost: a waiter cancelled while queued leaves the queue; one that
   * was handed the turn to initialize but cancelled before it resumed passes the
   * turn to the next waiter; a task cancelled while its `init` runs stops it and
   * the next waiter starts a new attempt.
   */
  *getOrInit(init: () => Future<T> | T): Generator<Suspend, T, unknown> {
    return yield* this.#getOrInit(init, 'getOrInit');
  }

  /**
   * As {@link OnceCell.getOrInit}, for initializers that may fail: an error
   * thrown by `init` reaches this caller, the cell stays empty and the next
   * waiter tries its own initializer.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { OnceCell } from 'tokio-ts/sync';
   *
   * main(function* () {
   *   const cell = new OnceCell<number>();
   *   try {
   *     yield* cell.getOrTryInit(function* () { throw new Error('db down'); });
   *   } catch (e) {
   *     console.log((e as Error).message); // db down
   *   }
   *   console.log(yield* cell.getOrTryInit(function* () { return 7; })); // 7
   * });
   * ```
   *
   * ## Cancel safety
   * As {@link OnceCell.getOrInit}.
   */
  *getOrTryInit(init: () => Future<T> | T): Generator<Suspend, T, unknown> {
    return yield* this.#getOrInit(init, 'getOrTryInit');
  }

  *#getOrInit(init: () => Future<T> | T, what: string): Generator<Suspend, T, unknown> {
    if (this.#ready) return this.#value as T;
    if (typeof init !== 'function')
      throw new TypeError(`OnceCell.${what}(init): init must be a function`);
    let permit: { release(): void };
    try {
      permit = yield* this.#sem.acquire();
    } catch (e) {
      // closed: another task set the value while we waited
      if (e instanceof AcquireError && this.#ready) return this.#value as T;
      throw e;
    }
    try {
      if (this.#ready) return this.#value as T;
      const r = init();
      const v = isFutureResult(r) ? yield* r as Future<T> : (r as T);
      this.#store(v);
      return v;
    } finally {
      permit.release();
    }
  }

  /**
   * Waits until the cell holds a value and returns it (at once if it does).
   *
   * @example
   * ```ts
   * import { main, spawn } from 'tokio-ts';
   * import { OnceCell } from 'tokio-ts/sync';
   *
   * main(function* () {
   *   const cell = new OnceCell<string>();
   *   const reader = spawn(cell.wait());
   *   cell.set('hi');
   *   console.log(yield* reader); // hi
   * });
   * ```
   *
   * ## Cancel safety
   * Cancel safe: it takes nothing, so a cancelled `wait()` can be retried.
   */
  *wait(): Generator<Suspend, T, unknown> {
    for (;;) {
      if (this.#ready) return this.#value as T;
      const n = this.#notify.notified(); // catches a set() from here on
      if (this.#ready) return this.#value as T;
      yield* n;
    }
  }

  /**
   * Stores `value` if the cell is empty and no initializer is running.
   * Throws `SetError` (`kind: 'alreadyInitialized'` or `'initializing'`,
   * carrying the value) otherwise.
   *
   * @example
   * ```ts
   * import { OnceCell } from 'tokio-ts/sync';
   *
   * const cell = new OnceCell<number>();
   * cell.set(1);
   * console.log(cell.get()); // 1
   * ```
   */
  set(value: T): void {
    if (this.#ready) throw new SetError('alreadyInitialized', value);
    const p = this.#sem.tryAcquire();
    if (p === undefined) throw new SetError('initializing', value);
    this.#store(value);
    p.release();
  }

  /**
   * The value, or `undefined` while the cell is empty.
   *
   * @example
   * ```ts
   * import { OnceCell } from 'tokio-ts/sync';
   *
   * console.log(new OnceCell<number>(5).get()); // 5
   * ```
   */
  get(): T | undefined {
    return this.#value;
  }

  /**
   * True once the cell holds a value.
   *
   * @example
   * ```ts
   * import { OnceCell } from 'tokio-ts/sync';
   *
   * console.log(new OnceCell<number>().initialized()); // false
   * ```
   */
  initialized(): boolean {
    return this.#ready;
  }

  #store(v: T): void {
    this.#value = v;
    this.#ready = true;
    // waiters for the init turn wake with AcquireError and read the value
    this.#sem.close();
    this.#notify.notifyWaiters();
  }
}
