/**
 * Where streams come from: `Stream.from(source)` for the library's own
 * sources (receivers, intervals, listeners, framed readers, lines, signals)
 * and for plain iterables and async iterables; `iter`, `once`, `empty`,
 * `pending`.
 * @internal
 */

import { Framed, FramedRead } from '../codec/framed.js';
import { pending as never } from '../future/basic.js';
import { call } from '../future/call.js';
import type { Future } from '../future/future.js';
import { Lines } from '../io/buf-reader.js';
import { IoError } from '../io/error.js';
import { TcpListener } from '../net/tcp.js';
import { UnixListener } from '../net/unix.js';
import { Signal } from '../signal/signal.js';
import type { SignalKind } from '../signal/signal-kind.js';
import { BroadcastReceiver } from '../sync/broadcast.js';
import { RecvError } from '../sync/error.js';
import { Receiver } from '../sync/mpsc/channel.js';
import { WatchReceiver } from '../sync/watch.js';
import type { Instant } from '../time/instant.js';
import { Interval } from '../time/interval.js';
import { hooks, type Next, noUndefined, Stream } from './stream.js';

/** What `Stream.from` accepts, and the item type it gives. */
export type StreamSource<T> =
  | Stream<T>
  | Receiver<T>
  | BroadcastReceiver<T>
  | WatchReceiver<T>
  | Iterable<T>
  | AsyncIterable<T>;

class MpscStream<T> extends Stream<T> {
  readonly #rx: Receiver<T>;
  constructor(rx: Receiver<T>) {
    super();
    this.#rx = rx;
  }
  next(): Future<T | undefined> {
    return this.#rx.recv();
  }
  override close(): void {
    this.#rx.close();
  }
}

class BroadcastStream<T> extends Stream<T> {
  readonly #rx: BroadcastReceiver<T>;
  constructor(rx: BroadcastReceiver<T>) {
    super();
    this.#rx = rx;
  }
  *next(): Next<T> {
    try {
      return yield* this.#rx.recv();
    } catch (e) {
      if (e instanceof RecvError && e.kind === 'closed') return undefined;
      throw e;
    }
  }
  override close(): void {
    this.#rx.close();
  }
}

class WatchStream<T> extends Stream<T> {
  readonly #rx: WatchReceiver<T>;
  #first = true;
  constructor(rx: WatchReceiver<T>) {
    super();
    this.#rx = rx;
  }
  *next(): Next<T> {
    if (this.#first) this.#first = false;
    else {
      try {
        yield* this.#rx.changed();
      } catch (e) {
        if (e instanceof RecvError) return undefined;
        throw e;
      }
    }
    const v = this.#rx.borrowAndUpdate();
    if (v === undefined) noUndefined('Stream.from(watch receiver)');
    return v;
  }
  override close(): void {
    this.#rx.close();
  }
}

class IntervalStream extends Stream<Instant> {
  readonly #iv: Interval;
  constructor(iv: Interval) {
    super();
    this.#iv = iv;
  }
  next(): Future<Instant | undefined> {
    return this.#iv.tick();
  }
}

class ListenerStream<S> extends Stream<S> {
  readonly #l: { accept(): Future<[S, unknown]>; close(): void };
  constructor(l: { accept(): Future<[S, unknown]>; close(): void }) {
    super();
    this.#l = l;
  }
  *next(): Next<S> {
    try {
      return (yield* this.#l.accept())[0];
    } catch (e) {
      if (e instanceof IoError && e.kind === 'not-connected') return undefined;
      throw e;
    }
  }
  override close(): void {
    this.#l.close();
  }
}

class NextStream<T> extends Stream<T> {
  readonly #src: { next(): Future<T | undefined> };
  constructor(src: { next(): Future<T | undefined> }) {
    super();
    this.#src = src;
  }
  next(): Future<T | undefined> {
    return this.#src.next();
  }
}

class LinesStream extends Stream<string> {
  readonly #lines: Lines;
  constructor(lines: Lines) {
    super();
    this.#lines = lines;
  }
  next(): Future<string | undefined> {
    return this.#lines.nextLine();
  }
}

class SignalStream extends Stream<SignalKind> {
  readonly #sig: Signal;
  constructor(sig: Signal) {
    super();
    this.#sig = sig;
  }
  *next(): Next<SignalKind> {
    const r = yield* this.#sig.recv();
    return r === undefined && this.#sig.closed ? undefined : this.#sig.kind;
  }
  override close(): void {
    this.#sig.close();
  }
}

class IterStream<T> extends Stream<T> {
  #it: Iterator<T> | null;
  constructor(it: Iterator<T>) {
    super();
    this.#it = it;
  }
  *next(): Next<T> {
    const it = this.#it;
    if (it === null) return undefined;
    const r = it.next();
    if (r.done) {
      this.#it = null;
      return undefined;
    }
    if (r.value === undefined) noUndefined('iter(items)');
    return r.value;
  }
  override close(): void {
    const it = this.#it;
    this.#it = null;
    it?.return?.();
  }
}

/**
 * An async iterator, one promise per item. The promise of a `next()` that
 * was cancelled is kept and awaited by the next call, so no item is lost.
 */
class AsyncIterStream<T> extends Stream<T> {
  #it: AsyncIterator<T> | null;
  #pending: Promise<IteratorResult<T>> | null = null;
  /** A Node stream's `destroy`, called at once by `close()` (its iterator's return is async). */
  readonly #source: { destroy?: unknown };
  constructor(it: AsyncIterator<T>, source: object) {
    super();
    this.#it = it;
    this.#source = source as { destroy?: unknown };
  }
  *next(): Next<T> {
    const it = this.#it;
    if (it === null) return undefined;
    let p = this.#pending;
    if (p === null) p = this.#pending = it.next();
    let r: IteratorResult<T>;
    try {
      r = yield* call(p);
    } catch (e) {
      this.#pending = null;
      this.#it = null;
      throw e;
    }
    this.#pending = null;
    if (r.done) {
      this.#it = null;
      return undefined;
    }
    if (r.value === undefined) noUndefined('Stream.from(async iterable)');
    return r.value;
  }
  override close(): void {
    const it = this.#it;
    this.#it = null;
    this.#pending = null;
    if (it === null) return;
    const src = this.#source;
    if (typeof src.destroy === 'function') (src as { destroy(): void }).destroy();
    else if (it.return !== undefined) it.return().catch(ignore);
  }
}

function ignore(): void {}

/**
 * A stream of the items of an iterable (an array, a string, a `Set`, a
 * generator of values), without waiting.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { iter } from 'tokio-ts/stream';
 *
 * main(function* () {
 *   console.log(yield* iter(new Set([1, 2])).collect()); // [ 1, 2 ]
 * });
 * ```
 *
 * ## Cancel safety
 * `next()` is cancel safe (it never waits).
 */
export function iter<T>(items: Iterable<T>): Stream<T> {
  if (items === null || typeof (items as Iterable<T>)?.[Symbol.iterator] !== 'function')
    throw new TypeError('iter(items): expected an iterable');
  return new IterStream(items[Symbol.iterator]());
}

/**
 * A stream of one item.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { once } from 'tokio-ts/stream';
 *
 * main(function* () {
 *   console.log(yield* once('x').collect()); // [ 'x' ]
 * });
 * ```
 *
 * ## Cancel safety
 * `next()` is cancel safe (it never waits).
 */
export function once<T>(value: T): Stream<T> {
  if (value === undefined) noUndefined('once(value)');
  return new IterStream([value][Symbol.iterator]());
}

/**
 * A stream that ends at once.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { empty } from 'tokio-ts/stream';
 *
 * main(function* () {
 *   console.log(yield* empty<number>().next()); // undefined
 * });
 * ```
 *
 * ## Cancel safety
 * `next()` is cancel safe.
 */
export function empty<T = never>(): Stream<T> {
  return new IterStream<T>([][Symbol.iterator]());
}

class PendingStream<T> extends Stream<T> {
  *next(): Next<T> {
    yield* never();
    return undefined;
  }
}

/**
 * A stream that never yields and never ends (until cancelled).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { pending } from 'tokio-ts/stream';
 * import { timeout } from 'tokio-ts/time';
 *
 * main(function* () {
 *   try { yield* timeout(10, pending<number>().next()); } catch (e) { console.log((e as Error).name); } // Elapsed
 * }, { startPaused: true });
 * ```
 *
 * ## Cancel safety
 * `next()` is cancel safe.
 */
export function pending<T = never>(): Stream<T> {
  return new PendingStream<T>();
}

/** `Stream.from`'s implementation (see its docs on the class). @internal */
export function from(source: unknown): Stream<unknown> {
  if (source instanceof Stream) return source;
  if (source instanceof Receiver) return new MpscStream(source);
  if (source instanceof BroadcastReceiver) return new BroadcastStream(source);
  if (source instanceof WatchReceiver) return new WatchStream(source);
  if (source instanceof Interval) return new IntervalStream(source);
  if (source instanceof TcpListener || source instanceof UnixListener)
    return new ListenerStream(source as TcpListener);
  if (source instanceof FramedRead || source instanceof Framed)
    return new NextStream(source as FramedRead<unknown>);
  if (source instanceof Lines) return new LinesStream(source);
  if (source instanceof Signal) return new SignalStream(source);
  if (source !== null && typeof source === 'object') {
    const s = source as Partial<AsyncIterable<unknown> & Iterable<unknown>>;
    const ai = s[Symbol.asyncIterator];
    if (typeof ai === 'function') return new AsyncIterStream(ai.call(s), s);
    const si = s[Symbol.iterator];
    if (typeof si === 'function') return new IterStream(si.call(s));
  }
  if (typeof source === 'string') return iter(source);
  throw new TypeError(
    'Stream.from(source): expected a receiver, Interval, listener, FramedRead/Framed, Lines, Signal, iterable or async iterable',
  );
}

hooks.from = from;
