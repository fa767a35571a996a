/**
 * `TaskLocal`: a value scoped to a future, visible to everything it runs.
 */
import type { FutureLike, Suspend } from '../future/future.js';
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

  /** Runs `fut` with this key set to `value`. */
  *scope<R>(value: T, fut: FutureLike<R>): Generator<Suspend, R, unknown> {
    const task = currentTask();
    const prev = task.locals;
    const f = typeof fut === 'function' ? fut() : fut;
    task.locals = { key: this, value, parent: prev };
    try {
      return yield* f as Iterable<Suspend, R, unknown>;
    } finally {
      task.locals = prev;
    }
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
