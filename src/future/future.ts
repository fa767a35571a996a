/**
 * The Future protocol: a lazy, cancellable unit of async work.
 *
 * A `Future<T>` is anything with a `[Symbol.iterator]()` that yields opaque
 * {@link Suspend} tokens and returns `T`. Write one with a generator function
 * and `yield*`:
 *
 * @example
 * ```ts
 * import { sleep, type Future } from 'tokio-ts';
 *
 * function* double(x: number): Future<number> {
 *   yield* sleep(10);
 *   return x * 2;
 * }
 * ```
 *
 * Nothing runs until the runtime polls the future (by `spawn`, `blockOn`,
 * `main` or a `yield*` inside a task), and it can be stopped at any
 * suspension point: its `finally` blocks run, as Rust runs `Drop`.
 */

declare const suspendBrand: unique symbol;

/**
 * The opaque token a suspended leaf future yields to the runtime. User code never
 * creates one: it only ever writes `yield*`, so a bare `yield 5` is a type error.
 * The brand's key is the error message: `yield sleep(10)` (a missing `*`) reads
 * "Property 'tokio-ts: use yield* (not yield) to wait for a Future' is missing".
 */
export interface Suspend {
  readonly 'tokio-ts: use yield* (not yield) to wait for a Future': typeof suspendBrand;
}

/** A lazy, cancellable computation producing `T`; see the module docs. */
export interface Future<T> {
  [Symbol.iterator](): Iterator<Suspend, T, unknown>;
}

/** A Future, or a function (typically a `function*`) returning one. */
export type FutureLike<T> = Future<T> | (() => Future<T>);

/** The value type a {@link FutureLike} completes with. */
export type Output<F> = F extends () => Future<infer T> ? T : F extends Future<infer T> ? T : never;

/** True if `value` looks like a Future (has a `[Symbol.iterator]` method and is no string). */
export function isFuture(value: unknown): value is Future<unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
  );
}

/**
 * Turns a {@link FutureLike} into the iterator the runtime drives.
 * @internal
 */
export function toIterator<T>(fut: FutureLike<T>, what: string): Iterator<Suspend, T, unknown> {
  return iteratorOf(typeof fut === 'function' ? fut() : fut, what);
}

/**
 * The iterator of `f`, which must be a Future itself (what a factory made: it
 * is not called again); a `TypeError` naming what it is otherwise.
 * @internal
 */
export function iteratorOf<T>(f: unknown, what: string): Iterator<Suspend, T, unknown> {
  // one load of the method (isFuture and a call would load it twice: in a
  // program with many generator functions the load is megamorphic)
  const iter =
    f !== null && typeof f === 'object'
      ? (f as { [Symbol.iterator]?: unknown })[Symbol.iterator]
      : undefined;
  if (typeof iter !== 'function') {
    const got =
      f !== null && typeof f === 'object' && typeof (f as PromiseLike<unknown>).then === 'function'
        ? 'a Promise (wrap it with call(promise))'
        : f === null
          ? 'null'
          : typeof f;
    throw new TypeError(
      `${what} expects a Future (a generator object or a function* returning one), got ${got}`,
    );
  }
  return iter.call(f) as Iterator<Suspend, T, unknown>;
}
