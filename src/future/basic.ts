/**
 * Small leaves: `ready`, `pending`, `defer`.
 */

import { currentTask, SUSPENDED, type Waiting } from '../runtime/context.js';
import type { Future, Suspend } from './future.js';

/**
 * A future that completes at once with `value`.
 *
 * @example
 * ```ts
 * import { Runtime } from 'tokio-ts/runtime';
 * import { ready } from 'tokio-ts/future';
 *
 * console.log(await Runtime.current().blockOn(ready(5))); // 5
 * ```
 */
export function ready<T>(value: T): Future<T> {
  return new Ready(value);
}

class Ready<T> implements Future<T>, Iterator<Suspend, T, unknown> {
  readonly #value: T;
  constructor(value: T) {
    this.#value = value;
  }
  [Symbol.iterator](): Iterator<Suspend, T, unknown> {
    return this;
  }
  next(): IteratorResult<Suspend, T> {
    return { done: true, value: this.#value };
  }
}

/**
 * A future that never completes (until its task is cancelled).
 *
 * @example
 * ```ts
 * import { spawn } from 'tokio-ts';
 * import { pending } from 'tokio-ts/future';
 *
 * const h = spawn(pending());
 * h.abort();
 * ```
 *
 * ## Cancel safety
 * Cancel safe: it holds nothing.
 */
export function pending<T = never>(): Future<T> {
  return { [Symbol.iterator]: () => new Pending<T>() };
}

class Pending<T> implements Iterator<Suspend, T, unknown>, Waiting {
  next(): IteratorResult<Suspend, T> {
    currentTask().waitingOn = this;
    return SUSPENDED;
  }
  cancelWait(): void {}
  describe(): string {
    return 'pending (forever)';
  }
}

/**
 * Registers async cleanup for the current task: `fut` runs after the task's
 * generator has finished — returned, thrown or cancelled — last registered
 * first, and is driven to the end before the task's handle settles. Inside a
 * `select`/`race`/`join`/`tryJoin` branch or a `timeout`'s future, it belongs
 * to that branch or future instead: it runs when that ends (finishes, loses or
 * times out), before the combinator or `timeout` returns. Use it for
 * cleanup that must wait (flush, say goodbye, await a child's shutdown); a
 * `finally` block cannot suspend during cancellation.
 *
 * @example
 * ```ts
 * import { spawn, sleep } from 'tokio-ts';
 * import { defer } from 'tokio-ts/future';
 *
 * const h = spawn(function* () {
 *   yield* defer(function* () {
 *     yield* sleep(10); // async cleanup, even when cancelled
 *     console.log('cleaned up');
 *   });
 *   yield* sleep(1_000_000);
 * });
 * h.abort();
 * ```
 */
export function defer(fut: Future<unknown> | (() => Future<unknown>)): Future<void> {
  return new Defer(fut);
}

class Defer implements Future<void>, Iterator<Suspend, void, unknown> {
  readonly #fut: Future<unknown> | (() => Future<unknown>);
  constructor(fut: Future<unknown> | (() => Future<unknown>)) {
    this.#fut = fut;
  }
  [Symbol.iterator](): Iterator<Suspend, void, unknown> {
    return this;
  }
  next(): IteratorResult<Suspend, void> {
    const task = currentTask();
    let f = this.#fut;
    if (typeof f === 'function') {
      const fn = f;
      f = { [Symbol.iterator]: () => fn()[Symbol.iterator]() };
    }
    if (task.deferred === null) task.deferred = [];
    task.deferred.push(f);
    return { done: true, value: undefined };
  }
}
