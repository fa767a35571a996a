/**
 * `TaskLocal`: a value scoped to a future, visible to everything it runs.
 */
import type { Future, FutureLike, Suspend } from '../future/future.js';
import { ctx, currentTask } from '../runtime/context.js';

/**
 * A task-local key (Tokio's `task_local!`). `scope(value, fut)` makes `value`
 * visible to `fut` and to the combinator branches it runs; spawned tasks do
 * not inherit it.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { TaskLocal } from 'tokio-ts/task';
 *
 * const REQUEST_ID = new TaskLocal<string>('request id');
 * main(function* () {
 *   yield* REQUEST_ID.scope('req-1', function* () {
 *     console.log(REQUEST_ID.get()); // req-1
 *   });
 *   console.log(REQUEST_ID.tryGet()); // undefined
 * });
 * ```
 */
export class TaskLocal<T> {
  readonly name: string;

  constructor(name = 'task local') {
    this.name = name;
  }

  /**
   * Runs `fut` with this key set to `value`. The returned future can give the
   * value back with {@link TaskLocalFuture.takeValue} (Tokio's `take_value`).
   */
  scope<R>(value: T, fut: FutureLike<R>): TaskLocalFuture<T, R> {
    return new TaskLocalFuture<T, R>(this, value, fut);
  }

  /** The value in scope. Throws if unset (or outside a task). */
  get(): T {
    for (let n = ctx.current?.locals ?? null; n !== null; n = n.parent) {
      if (n.key === this) return n.value as T;
    }
    throw new Error(`tokio-ts: task-local '${this.name}' is not set in this task`);
  }

  /** The value in scope, or `undefined`. */
  tryGet(): T | undefined {
    for (let n = ctx.current?.locals ?? null; n !== null; n = n.parent) {
      if (n.key === this) return n.value as T;
    }
    return undefined;
  }
}

/**
 * The future of {@link TaskLocal.scope}: runs its future with the task-local
 * set, and holds the value, which {@link takeValue} gives back (Tokio's
 * `TaskLocalFuture`).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { TaskLocal } from 'tokio-ts/task';
 *
 * const CTX = new TaskLocal<{ hits: number }>('ctx');
 * main(function* () {
 *   const scoped = CTX.scope({ hits: 0 }, function* () {
 *     CTX.get().hits++;
 *   });
 *   yield* scoped;
 *   console.log(scoped.takeValue()); // { hits: 1 }
 *   console.log(scoped.takeValue()); // undefined
 * });
 * ```
 */
export class TaskLocalFuture<T, R> implements Future<R> {
  readonly #key: TaskLocal<T>;
  #value: T | undefined;
  #has = true;
  #fut: FutureLike<R> | null;

  /** @internal */
  constructor(key: TaskLocal<T>, value: T, fut: FutureLike<R>) {
    this.#key = key;
    this.#value = value;
    this.#fut = fut;
  }

  /**
   * Takes the value out of the future: the value given to `scope`, once; then
   * `undefined`. After the future finished it is the way to get the value back.
   * Taken before the future starts, the future fails when it is run (it would
   * run without its task-local); taken while it runs, the code inside keeps
   * seeing the value.
   */
  takeValue(): T | undefined {
    if (!this.#has) return undefined;
    const v = this.#value;
    this.#has = false;
    this.#value = undefined;
    return v;
  }

  [Symbol.iterator](): Iterator<Suspend, R, unknown> {
    const fut = this.#fut;
    if (fut === null) throw new Error('tokio-ts: this TaskLocal.scope() future was already polled');
    this.#fut = null;
    return this.#run(fut);
  }

  *#run(fut: FutureLike<R>): Generator<Suspend, R, unknown> {
    if (!this.#has)
      throw new Error(
        `tokio-ts: the value of task-local '${this.#key.name}' was taken before its scope ran`,
      );
    const task = currentTask();
    const prev = task.locals;
    task.locals = { key: this.#key, value: this.#value, parent: prev };
    try {
      // a future factory is called inside the scope too: all of `fut` sees the value
      const f = typeof fut === 'function' ? fut() : fut;
      return yield* f as Iterable<Suspend, R, unknown>;
    } finally {
      task.locals = prev;
    }
  }
}
