/**
 * `call`: wait for a promise inside a task, with cancellation passed on as an
 * `AbortSignal`.
 */

import { currentTask, SUSPENDED, type Waiting } from '../runtime/context.js';
import type { Task } from '../runtime/task.js';
import type { Future, Suspend } from './future.js';

enum S {
  Init = 0,
  Waiting = 1,
  Ok = 2,
  Err = 3,
  Finished = 4,
}

/**
 * Waits for a promise. Given a function, calls it with an `AbortSignal` that
 * aborts if the task is cancelled, so promise-based APIs stop with the task;
 * a rejection is thrown at the `yield*`.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { call } from 'tokio-ts/future';
 * import { setTimeout as delay } from 'node:timers/promises';
 *
 * main(function* () {
 *   const v = yield* call(Promise.resolve(3));
 *   // the signal aborts (and so does the Node timer) if this task is cancelled
 *   const w = yield* call((signal) => delay(5, 'done', { signal }));
 *   console.log(v, w); // 3 done
 * });
 * ```
 *
 * ## Cancel safety
 * Cancelling the task aborts the signal; a promise passed directly cannot be
 * stopped and its result is dropped.
 */
export function call<T>(
  p: PromiseLike<T> | ((signal: AbortSignal) => PromiseLike<T> | T),
): Future<T> {
  if (
    typeof p !== 'function' &&
    (p === null || typeof p !== 'object' || typeof p.then !== 'function')
  ) {
    throw new TypeError('call() expects a promise or a function (signal) => promise');
  }
  return new CallLeaf<T>(p);
}

class CallLeaf<T> implements Future<T>, Iterator<Suspend, T, unknown>, Waiting {
  #source: PromiseLike<T> | ((signal: AbortSignal) => PromiseLike<T> | T) | null;
  #state = S.Init;
  #value: unknown = undefined;
  #task: Task | null = null;
  #controller: AbortController | null = null;

  constructor(p: PromiseLike<T> | ((signal: AbortSignal) => PromiseLike<T> | T)) {
    this.#source = p;
  }

  [Symbol.iterator](): Iterator<Suspend, T, unknown> {
    if (this.#state !== S.Init) throw new Error('tokio-ts: this call() future was already polled');
    return this;
  }

  next(): IteratorResult<Suspend, T> {
    const s = this.#state;
    if (s === S.Init) {
      const task = currentTask();
      this.#task = task;
      const src = this.#source!;
      this.#source = null;
      let p: PromiseLike<T> | T;
      if (typeof src === 'function') {
        this.#controller = new AbortController();
        p = src(this.#controller.signal);
        if (
          p === null ||
          typeof p !== 'object' ||
          typeof (p as PromiseLike<T>).then !== 'function'
        ) {
          this.#state = S.Finished;
          return { done: true, value: p as T };
        }
      } else {
        p = src;
      }
      this.#state = S.Waiting;
      (p as PromiseLike<T>).then(
        (v) => this.#settle(S.Ok, v),
        (e) => this.#settle(S.Err, e),
      );
      task.waitingOn = this;
      return SUSPENDED;
    }
    if (s === S.Waiting) {
      this.#task!.waitingOn = this;
      return SUSPENDED;
    }
    this.#state = S.Finished;
    if (s === S.Err) throw this.#value;
    return { done: true, value: this.#value as T };
  }

  #settle(kind: S, v: unknown): void {
    if (this.#state !== S.Waiting) return;
    this.#state = kind;
    this.#value = v;
    this.#task!.wake();
  }

  cancelWait(): void {
    this.#state = S.Finished;
    this.#value = undefined;
    this.#controller?.abort();
  }

  describe(): string {
    return 'call (promise)';
  }
}
