/**
 * `Stream<T>`: tokio-stream's `Stream` + `StreamExt` — a lazy async sequence
 * driven inside tasks, with chainable adapters and terminal futures.
 *
 * How and why: a stream is one method, `next(): Future<T | undefined>`
 * (`undefined` is the end, as `None` in Rust: a stream never carries
 * `undefined`). Adapters are plain futures over the source's `next()` — a
 * `map` is one generator step around the source's, with the mapping function
 * stored once in the adapter, no closure per item and no task. Adapters that
 * need concurrency (`merge`, `buffered`, `bufferUnordered`) own their tasks:
 * `close()` aborts them, as does the end of the task that first polled the
 * stream.
 *
 * The adapter methods are declared on this class and installed by the
 * modules that implement them (`adapters.ts`, `time-adapters.ts`,
 * `concurrent.ts`, `terminal.ts`), so every adapter can extend `Stream`
 * without an import cycle; `tokio-ts/stream` loads them all.
 *
 * The natural loop inside a generator:
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { iter } from 'tokio-ts/stream';
 *
 * main(function* () {
 *   const s = iter([1, 2, 3]).map((x) => x * 10);
 *   for (let v; (v = yield* s.next()) !== undefined; ) console.log(v); // 10, 20, 30
 * });
 * ```
 */

import type { Framed, FramedRead } from '../codec/framed.js';
import type { Future, Suspend } from '../future/future.js';
import type { Lines } from '../io/buf-reader.js';
import type { TcpListener, TcpStream } from '../net/tcp.js';
import type { UnixListener, UnixStream } from '../net/unix.js';
import { currentTask } from '../runtime/context.js';
import { Runtime } from '../runtime/runtime.js';
import type { Task } from '../runtime/task.js';
import type { Signal } from '../signal/signal.js';
import type { SignalKind } from '../signal/signal-kind.js';
import type { BroadcastReceiver } from '../sync/broadcast.js';
import type { Receiver } from '../sync/mpsc/channel.js';
import type { WatchReceiver } from '../sync/watch.js';
import type { Elapsed } from '../time/error.js';
import type { Instant } from '../time/instant.js';
import type { Interval } from '../time/interval.js';

/** `forEach` options. */
export interface ForEachOptions {
  /** How many calls of the function may run at once (default 1: one after the other). */
  concurrency?: number;
}

/**
 * A lazy async sequence: `next()` is a Future of the next item, `undefined`
 * at the end. Build one with `Stream.from(source)`, `iter`, `once`, `empty`,
 * `pending` or `merge`, or subclass it and implement `next()`.
 *
 * @example
 * ```ts
 * import { main, type Future } from 'tokio-ts';
 * import { Stream } from 'tokio-ts/stream';
 *
 * class Countdown extends Stream<number> {
 *   constructor(private n: number) { super(); }
 *   *next(): Future<number | undefined> {
 *     return this.n > 0 ? this.n-- : undefined;
 *   }
 * }
 *
 * main(function* () {
 *   console.log(yield* new Countdown(3).collect()); // [ 3, 2, 1 ]
 * });
 * ```
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface below declares the adapter methods that adapters.ts, terminal.ts, time-adapters.ts and concurrent.ts install on the prototype (no import cycle)
export abstract class Stream<T> implements AsyncIterable<T> {
  /**
   * Makes a stream of `source` (tokio-stream's wrappers):
   * - an mpsc `Receiver` (its messages; `close()` closes the receiver),
   * - a `BroadcastReceiver` (its messages; a lagging receiver's `next()`
   *   throws the `RecvError` `lagged`, and the stream goes on),
   * - a `WatchReceiver` (the current value at once, then each new value),
   * - an `Interval` (its ticks' instants, forever),
   * - a `TcpListener`/`UnixListener` (accepted connections; `close()` closes
   *   the listener),
   * - a `FramedRead`/`Framed` (its frames), `Lines` (its lines),
   * - a `Signal` stream (its `SignalKind` per delivery),
   * - any iterable (as `iter`) or async iterable (a Node `Readable` in object
   *   mode, a web `ReadableStream`: `close()` destroys/cancels it),
   * - a `Stream` (returned as is).
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { Stream } from 'tokio-ts/stream';
   * import { mpsc } from 'tokio-ts/sync';
   *
   * main(function* () {
   *   const [tx, rx] = mpsc.unboundedChannel<string>();
   *   tx.send('a');
   *   tx.send('b');
   *   tx.close();
   *   console.log(yield* Stream.from(rx).map((s) => s.toUpperCase()).collect()); // [ 'A', 'B' ]
   * });
   * ```
   *
   * ## Cancel safety
   * `next()` is cancel safe for every source above (an async iterable's
   * promise is kept for the next call).
   *
   * ## Errors
   * `TypeError` for anything else.
   */
  static from<T>(source: Receiver<T> | BroadcastReceiver<T> | WatchReceiver<T>): Stream<T>;
  static from(source: Interval): Stream<Instant>;
  static from(source: TcpListener): Stream<TcpStream>;
  static from(source: UnixListener): Stream<UnixStream>;
  static from<T>(source: FramedRead<T> | Framed<T, unknown>): Stream<T>;
  static from(source: Lines): Stream<string>;
  static from(source: Signal): Stream<SignalKind>;
  static from<T>(source: Stream<T> | Iterable<T> | AsyncIterable<T>): Stream<T>;
  static from(source: unknown): Stream<unknown> {
    return hooks.from!(source);
  }

  /**
   * The next item, or `undefined` once the stream has ended.
   *
   * ## Cancel safety
   * Depends on the stream: each source and adapter says.
   */
  abstract next(): Future<T | undefined>;

  /**
   * Releases what the stream holds (listeners, tasks, the source's resources
   * where the stream owns them). The default closes nothing; adapters close
   * their sources. Calling it twice is fine.
   */
  close(): void {}

  /** Same as {@link close}, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * Iterates from plain async code, driving each `next()` on the current
   * runtime (`for await (const v of stream)`); breaking out closes the stream.
   * Tasks the stream owns (`merge`, `buffered`) then live until the end of
   * the stream or `close()`.
   *
   * @example
   * ```ts
   * import { iter } from 'tokio-ts/stream';
   *
   * // plain async code: the thread's default runtime drives the stream
   * for await (const v of iter([1, 2]).map((x) => x * 2)) console.log(v); // 2, 4
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    const rt = Runtime.current(); // before any await: the caller's runtime
    try {
      for (;;) {
        const v = await rt.blockOn(drive(this));
        if (v === undefined) return;
        yield v;
      }
    } finally {
      this.close();
    }
  }
}

// The adapters and terminal futures, installed on the prototype by the
// modules that implement them (see the file comment). Documented here.
export interface Stream<T> {
  /**
   * Each item passed through `f` (which must not return `undefined`).
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { iter } from 'tokio-ts/stream';
   *
   * main(function* () {
   *   console.log(yield* iter([1, 2]).map((x) => x + 1).collect()); // [ 2, 3 ]
   * });
   * ```
   *
   * ## Cancel safety
   * As cancel safe as the source's `next()`.
   */
  map<U>(f: (item: T) => U): Stream<U>;

  /**
   * The items for which `p` is true.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { iter } from 'tokio-ts/stream';
   *
   * main(function* () {
   *   console.log(yield* iter([1, 2, 3, 4]).filter((x) => x % 2 === 0).collect()); // [ 2, 4 ]
   * });
   * ```
   *
   * ## Cancel safety
   * As cancel safe as the source's `next()`.
   */
  filter(p: (item: T) => boolean): Stream<T>;

  /**
   * `f` of each item, skipping the items for which it returns `undefined`.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { iter } from 'tokio-ts/stream';
   *
   * main(function* () {
   *   const n = iter(['1', 'x', '3']).filterMap((s) => (Number.isNaN(+s) ? undefined : +s));
   *   console.log(yield* n.collect()); // [ 1, 3 ]
   * });
   * ```
   *
   * ## Cancel safety
   * As cancel safe as the source's `next()`.
   */
  filterMap<U>(f: (item: T) => U | undefined): Stream<U>;

  /**
   * Each item passed through the async function `f` (one at a time; see
   * `buffered` to run several).
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { iter } from 'tokio-ts/stream';
   * import { sleep } from 'tokio-ts/time';
   *
   * main(function* () {
   *   const s = iter([1, 2]).then(function* (x) { yield* sleep(1); return x * 2; });
   *   console.log(yield* s.collect()); // [ 2, 4 ]
   * });
   * ```
   *
   * ## Cancel safety
   * Not cancel safe: an item whose `f` was running is lost.
   */
  then<U>(f: (item: T) => Future<U>): Stream<U>;

  /**
   * The first `n` items.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { iter } from 'tokio-ts/stream';
   *
   * main(function* () {
   *   console.log(yield* iter([1, 2, 3]).take(2).collect()); // [ 1, 2 ]
   * });
   * ```
   *
   * ## Cancel safety
   * As cancel safe as the source's `next()`.
   */
  take(n: number): Stream<T>;

  /**
   * Items while `p` holds; ends at the first item for which it does not.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { iter } from 'tokio-ts/stream';
   *
   * main(function* () {
   *   console.log(yield* iter([1, 2, 5, 1]).takeWhile((x) => x < 3).collect()); // [ 1, 2 ]
   * });
   * ```
   *
   * ## Cancel safety
   * As cancel safe as the source's `next()`.
   */
  takeWhile(p: (item: T) => boolean): Stream<T>;

  /**
   * All but the first `n` items.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { iter } from 'tokio-ts/stream';
   *
   * main(function* () {
   *   console.log(yield* iter([1, 2, 3]).skip(2).collect()); // [ 3 ]
   * });
   * ```
   *
   * ## Cancel safety
   * As cancel safe as the source's `next()` (the count of skipped items is
   * kept in the stream).
   */
  skip(n: number): Stream<T>;

  /**
   * Skips items while `p` holds, then yields everything.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { iter } from 'tokio-ts/stream';
   *
   * main(function* () {
   *   console.log(yield* iter([1, 5, 1]).skipWhile((x) => x < 3).collect()); // [ 5, 1 ]
   * });
   * ```
   *
   * ## Cancel safety
   * As cancel safe as the source's `next()`.
   */
  skipWhile(p: (item: T) => boolean): Stream<T>;

  /**
   * This stream's items, then `other`'s.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { iter } from 'tokio-ts/stream';
   *
   * main(function* () {
   *   console.log(yield* iter([1]).chain(iter([2])).collect()); // [ 1, 2 ]
   * });
   * ```
   *
   * ## Cancel safety
   * As cancel safe as both sources' `next()`.
   */
  chain(other: Stream<T>): Stream<T>;

  /**
   * Pairs of items, one from each stream; ends when either ends.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { iter } from 'tokio-ts/stream';
   *
   * main(function* () {
   *   console.log(yield* iter([1, 2, 3]).zip(iter(['a', 'b'])).collect()); // [ [ 1, 'a' ], [ 2, 'b' ] ]
   * });
   * ```
   *
   * ## Cancel safety
   * As cancel safe as both sources' `next()`: an item taken from the first
   * stream while the second was awaited is kept for the next call.
   */
  zip<U>(other: Stream<U>): Stream<[T, U]>;

  /**
   * Ends for good at the first `undefined`: later `next()` calls return
   * `undefined` without polling the source again.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { iter } from 'tokio-ts/stream';
   *
   * main(function* () {
   *   const s = iter([1]).fuse();
   *   console.log(yield* s.next(), yield* s.next(), yield* s.next()); // 1 undefined undefined
   * });
   * ```
   *
   * ## Cancel safety
   * As cancel safe as the source's `next()`.
   */
  fuse(): Stream<T>;

  /**
   * A stream with `peek()`: look at the next item without taking it.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { iter } from 'tokio-ts/stream';
   *
   * main(function* () {
   *   const s = iter([1, 2]).peekable();
   *   console.log(yield* s.peek(), yield* s.next(), yield* s.next()); // 1 1 2
   * });
   * ```
   *
   * ## Cancel safety
   * As cancel safe as the source's `next()`.
   */
  peekable(): Peekable<T>;

  /**
   * Both streams' items, as they come (see the free function `merge`).
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { iter } from 'tokio-ts/stream';
   *
   * main(function* () {
   *   const all = yield* iter([1]).merge(iter([2])).collect();
   *   console.log(all.sort()); // [ 1, 2 ]
   * });
   * ```
   *
   * ## Cancel safety
   * Cancel safe (the items wait in the merged stream's channel).
   */
  merge(other: Stream<T>): Stream<T>;

  /**
   * Each item, or an `Elapsed` when none came within `ms` of the previous one
   * (or of the first `next()`); after an `Elapsed` the stream waits for the
   * next item without a deadline, so a silent source gives one `Elapsed` per
   * gap (as Tokio's `Timeout`).
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { pending } from 'tokio-ts/stream';
   * import { Elapsed } from 'tokio-ts/time';
   *
   * main(function* () {
   *   const s = pending<number>().timeout(10);
   *   console.log((yield* s.next()) instanceof Elapsed); // true
   * }, { startPaused: true });
   * ```
   *
   * ## Cancel safety
   * As cancel safe as the source's `next()`: a timeout cancels the source's
   * pending `next()` (every built-in source is cancel safe there). Unlike
   * Tokio, which keeps polling the same `next()`, an item that a `then`
   * adapter was computing when the time ran out is lost.
   */
  timeout(ms: number): Stream<T | Elapsed>;

  /**
   * Items at least `ms` apart: after an item, the next `next()` first waits
   * until `ms` have passed.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { iter } from 'tokio-ts/stream';
   * import { Instant } from 'tokio-ts/time';
   *
   * main(function* () {
   *   const t0 = Instant.now();
   *   yield* iter([1, 2, 3]).throttle(100).collect();
   *   // after each item the next poll waits (also the one that finds the end)
   *   console.log(Instant.now().durationSince(t0)); // 300
   * }, { startPaused: true });
   * ```
   *
   * ## Cancel safety
   * Cancel safe if the source's `next()` is.
   */
  throttle(ms: number): Stream<T>;

  /**
   * Arrays of up to `n` items: an array is yielded when it is full, or `ms`
   * after its first item arrived, or at the end of the stream.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { iter } from 'tokio-ts/stream';
   *
   * main(function* () {
   *   console.log(yield* iter([1, 2, 3]).chunksTimeout(2, 50).collect()); // [ [ 1, 2 ], [ 3 ] ]
   * });
   * ```
   *
   * ## Cancel safety
   * As cancel safe as the source's `next()`: the items of a chunk are kept in
   * the stream, and a deadline cancels the source's pending `next()`.
   */
  chunksTimeout(n: number, ms: number): Stream<T[]>;

  /**
   * For a stream of futures: runs up to `n` at once, each as a task owned by
   * this stream, and yields their values in the source's order.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { iter } from 'tokio-ts/stream';
   * import { sleep } from 'tokio-ts/time';
   *
   * main(function* () {
   *   const jobs = iter([30, 10, 20]).map(function* (ms) { yield* sleep(ms); return ms; });
   *   console.log(yield* jobs.buffered(3).collect()); // [ 30, 10, 20 ]
   * }, { startPaused: true });
   * ```
   *
   * ## Cancel safety
   * Cancel safe: the futures run in their own tasks; a cancelled `next()`
   * leaves the head's result for the next call.
   */
  buffered<U>(this: Stream<Future<U>>, n: number): Stream<U>;

  /**
   * For a stream of futures: runs up to `n` at once, each as a task owned by
   * this stream, and yields their values as they finish.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { iter } from 'tokio-ts/stream';
   * import { sleep } from 'tokio-ts/time';
   *
   * main(function* () {
   *   const jobs = iter([30, 10, 20]).map(function* (ms) { yield* sleep(ms); return ms; });
   *   console.log(yield* jobs.bufferUnordered(3).collect()); // [ 10, 20, 30 ]
   * }, { startPaused: true });
   * ```
   *
   * ## Cancel safety
   * Cancel safe: finished values wait in the stream's channel.
   */
  bufferUnordered<U>(this: Stream<Future<U>>, n: number): Stream<U>;

  /**
   * Every item, in an array, once the stream ended.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { iter } from 'tokio-ts/stream';
   *
   * main(function* () {
   *   console.log(yield* iter('ab').collect()); // [ 'a', 'b' ]
   * });
   * ```
   *
   * ## Cancel safety
   * Not cancel safe: the items collected so far are lost.
   */
  collect(): Future<T[]>;

  /**
   * Folds the items into one value with `f`.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { iter } from 'tokio-ts/stream';
   *
   * main(function* () {
   *   console.log(yield* iter([1, 2, 3]).fold(0, (acc, x) => acc + x)); // 6
   * });
   * ```
   *
   * ## Cancel safety
   * Not cancel safe: the accumulated value is lost.
   */
  fold<A>(init: A, f: (acc: A, item: T) => A): Future<A>;

  /**
   * The number of items, once the stream ended.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { iter } from 'tokio-ts/stream';
   *
   * main(function* () {
   *   console.log(yield* iter([7, 8]).count()); // 2
   * });
   * ```
   *
   * ## Cancel safety
   * Not cancel safe: the count so far is lost.
   */
  count(): Future<number>;

  /**
   * Calls `f` on every item; `f` may return a Future, waited for before the
   * next item — or, with `{ concurrency: n }`, up to `n` calls run at once as
   * child tasks (cancelled with this future; the first error cancels the rest
   * and is thrown).
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { iter } from 'tokio-ts/stream';
   * import { Instant, sleep } from 'tokio-ts/time';
   *
   * main(function* () {
   *   const t0 = Instant.now();
   *   yield* iter([1, 2, 3, 4]).forEach(function* () { yield* sleep(100); }, { concurrency: 2 });
   *   console.log(Instant.now().durationSince(t0)); // 200
   * }, { startPaused: true });
   * ```
   *
   * ## Cancel safety
   * Not cancel safe: items taken from the source and not yet handled are lost;
   * the running calls are cancelled.
   */
  forEach(f: (item: T) => Future<void> | void, opts?: ForEachOptions): Future<void>;

  /**
   * True as soon as an item satisfies `p` (the rest is not read); false at the end.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { iter } from 'tokio-ts/stream';
   *
   * main(function* () {
   *   console.log(yield* iter([1, 2]).any((x) => x > 1)); // true
   * });
   * ```
   *
   * ## Cancel safety
   * As cancel safe as the source's `next()`.
   */
  any(p: (item: T) => boolean): Future<boolean>;

  /**
   * False as soon as an item fails `p` (the rest is not read); true at the end.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { iter } from 'tokio-ts/stream';
   *
   * main(function* () {
   *   console.log(yield* iter([1, 2]).all((x) => x > 1)); // false
   * });
   * ```
   *
   * ## Cancel safety
   * As cancel safe as the source's `next()`.
   */
  all(p: (item: T) => boolean): Future<boolean>;
}

/**
 * A stream that can show its next item without taking it (`stream.peekable()`).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { iter } from 'tokio-ts/stream';
 *
 * main(function* () {
 *   const s = iter([1, 2]).peekable();
 *   if ((yield* s.peek()) === 1) console.log('starts with', yield* s.next()); // starts with 1
 * });
 * ```
 */
export abstract class Peekable<T> extends Stream<T> {
  /**
   * The next item without taking it (`undefined` at the end).
   *
   * ## Cancel safety
   * As cancel safe as the source's `next()`.
   */
  abstract peek(): Future<T | undefined>;

  /**
   * Takes the next item only if `p` holds for it.
   *
   * ## Cancel safety
   * As cancel safe as the source's `next()`.
   */
  abstract nextIf(p: (item: T) => boolean): Future<T | undefined>;
}

/**
 * The tasks that drive one `next()` each for plain async code (`for await`):
 * a stream first polled by one of them must not hand its own tasks (merge,
 * buffered) to it, or they would end with that one item. @internal
 */
export const ownerlessDrivers = new WeakSet<Task>();

function* drive<T>(s: Stream<T>): Next<T> {
  ownerlessDrivers.add(currentTask());
  return yield* s.next();
}

/** Where `Stream.from` is implemented (sources.ts sets it). @internal */
export const hooks: { from: ((source: unknown) => Stream<unknown>) | null } = { from: null };

/** Throws the TypeError for an `undefined` item where one cannot be. @internal */
export function noUndefined(what: string): never {
  throw new TypeError(
    `${what}: a stream cannot carry undefined (it marks the end); use null instead`,
  );
}

/** The type of a generator method returning a stream item. @internal */
export type Next<T> = Generator<Suspend, T | undefined, unknown>;
