/**
 * `suspend`: the low-level leaf every waiting primitive is built on, public so
 * users can build their own.
 */

import { currentTask, SUSPENDED, type Waiting } from '../runtime/context.js';
import type { Task } from '../runtime/task.js';
import type { Future, Suspend } from './future.js';

/**
 * Resumes a task parked in {@link suspend}. Only the first `wake`/`throw`
 * counts; later calls return `false`.
 */
export interface Waker<T> {
  /** Resumes the task with `value`. Returns false if the wait is already over. */
  wake(value: T): boolean;
  /** Resumes the task by throwing `err` at its `yield*`. Returns false if the wait is over. */
  throw(err: unknown): boolean;
  /** True once woken (by `wake` or `throw`). */
  readonly woken: boolean;
}

/**
 * The hook `register` returns: it runs if the task is cancelled before it
 * resumed, including after it was woken but before it ran (then it must give
 * back what it was handed). It may return a Future that the runtime drives to
 * the end before it runs the task's `finally` blocks.
 */
export type CancelHook = () => Future<unknown> | undefined | void;

enum S {
  Init = 0,
  Registering = 1,
  Parked = 2,
  Value = 3,
  Error = 4,
  Finished = 5,
}

/**
 * Parks the current task until `waker.wake(v)` or `waker.throw(e)`.
 * `register` runs once, when the task first polls this future; it stores the
 * waker wherever the event will come from and returns a cancel hook that
 * unregisters it. Waking during `register` completes without suspending.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { suspend } from 'tokio-ts/future';
 *
 * main(function* () {
 *   const v = yield* suspend<number>((waker) => {
 *     const t = setTimeout(() => waker.wake(42), 10);
 *     return () => clearTimeout(t);
 *   }, 'a Node timer');
 *   console.log(v); // 42
 * });
 * ```
 *
 * ## Cancel safety
 * Whatever `register`'s hook makes it: the runtime calls the hook exactly once
 * if the task is cancelled before it resumed, so a primitive that hands a value
 * to a woken waker can take it back there.
 */
export function suspend<T>(
  register: (waker: Waker<T>) => CancelHook | undefined | void,
  description?: string,
): Future<T> {
  if (typeof register !== 'function')
    throw new TypeError('suspend(register): register must be a function');
  return new SuspendLeaf<T>(register, description);
}

class SuspendLeaf<T> implements Future<T>, Iterator<Suspend, T, unknown>, Waiting {
  #register: ((waker: Waker<T>) => CancelHook | undefined | void) | null;
  #hook: CancelHook | null = null;
  #state = S.Init;
  #value: unknown = undefined;
  #task: Task | null = null;
  readonly #description: string | undefined;

  constructor(
    register: (waker: Waker<T>) => CancelHook | undefined | void,
    description: string | undefined,
  ) {
    this.#register = register;
    this.#description = description;
  }

  [Symbol.iterator](): Iterator<Suspend, T, unknown> {
    if (this.#state !== S.Init)
      throw new Error('tokio-ts: this suspend() future was already polled');
    return this;
  }

  /** @internal */
  get isWoken(): boolean {
    return this.#state === S.Value || this.#state === S.Error || this.#state === S.Finished;
  }

  next(): IteratorResult<Suspend, T> {
    switch (this.#state) {
      case S.Init: {
        const task = currentTask();
        this.#task = task;
        this.#state = S.Registering;
        const register = this.#register!;
        this.#register = null;
        const hook = register(new WakerImpl(this));
        if (typeof hook === 'function') this.#hook = hook;
        if (this.#state === S.Registering) {
          this.#state = S.Parked;
          task.waitingOn = this;
          return SUSPENDED;
        }
        return this.#finish();
      }
      case S.Parked:
        this.#task!.waitingOn = this;
        return SUSPENDED;
      default:
        return this.#finish();
    }
  }

  #finish(): IteratorResult<Suspend, T> {
    const s = this.#state;
    this.#state = S.Finished;
    this.#hook = null;
    if (s === S.Error) throw this.#value;
    if (s === S.Value) return { done: true, value: this.#value as T };
    throw new Error('tokio-ts: suspend() future polled after it completed');
  }

  /** @internal */
  resolve(kind: S, v: unknown): boolean {
    const s = this.#state;
    if (s !== S.Parked && s !== S.Registering) return false;
    this.#state = kind;
    this.#value = v;
    if (s === S.Parked) this.#task!.wake();
    return true;
  }

  cancelWait(): Future<unknown> | undefined | void {
    const hook = this.#hook;
    this.#hook = null;
    this.#state = S.Finished;
    return hook === null ? undefined : hook();
  }

  describe(): string {
    return this.#description ?? 'suspend';
  }
}

class WakerImpl<T> implements Waker<T> {
  readonly #leaf: SuspendLeaf<T>;
  constructor(leaf: SuspendLeaf<T>) {
    this.#leaf = leaf;
  }
  wake(value: T): boolean {
    return this.#leaf.resolve(S.Value, value);
  }
  throw(err: unknown): boolean {
    return this.#leaf.resolve(S.Error, err);
  }
  get woken(): boolean {
    return this.#leaf.isWoken;
  }
}
