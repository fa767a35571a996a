/**
 * The sequential adapters of `Stream` (map, filter, take, zip, …): each is a
 * plain future over its source's `next()`, holding its function once, with
 * no closure and no task per item. Installed on `Stream.prototype`.
 * @internal
 */
import type { Future } from '../future/future.js';
import { type Next, noUndefined, Peekable, Stream } from './stream.js';

function checkFn(f: unknown, what: string): void {
  if (typeof f !== 'function') throw new TypeError(`${what}: expected a function`);
}

function checkCount(n: unknown, what: string): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
    throw new RangeError(`${what}: expected an integer >= 0, got ${String(n)}`);
}

/** An adapter over one source: closing it closes the source. */
abstract class Adapter<S, T> extends Stream<T> {
  protected readonly src: Stream<S>;
  constructor(src: Stream<S>) {
    super();
    this.src = src;
  }
  override close(): void {
    this.src.close();
  }
}

class MapStream<S, T> extends Adapter<S, T> {
  readonly #f: (item: S) => T;
  constructor(src: Stream<S>, f: (item: S) => T) {
    super(src);
    this.#f = f;
  }
  *next(): Next<T> {
    const v = yield* this.src.next();
    if (v === undefined) return undefined;
    const r = this.#f(v);
    if (r === undefined) noUndefined('map(f)');
    return r;
  }
}

class FilterStream<T> extends Adapter<T, T> {
  readonly #p: (item: T) => boolean;
  constructor(src: Stream<T>, p: (item: T) => boolean) {
    super(src);
    this.#p = p;
  }
  *next(): Next<T> {
    for (;;) {
      const v = yield* this.src.next();
      if (v === undefined || this.#p(v)) return v;
    }
  }
}

class FilterMapStream<S, T> extends Adapter<S, T> {
  readonly #f: (item: S) => T | undefined;
  constructor(src: Stream<S>, f: (item: S) => T | undefined) {
    super(src);
    this.#f = f;
  }
  *next(): Next<T> {
    for (;;) {
      const v = yield* this.src.next();
      if (v === undefined) return undefined;
      const r = this.#f(v);
      if (r !== undefined) return r;
    }
  }
}

class ThenStream<S, T> extends Adapter<S, T> {
  readonly #f: (item: S) => Future<T>;
  constructor(src: Stream<S>, f: (item: S) => Future<T>) {
    super(src);
    this.#f = f;
  }
  *next(): Next<T> {
    const v = yield* this.src.next();
    if (v === undefined) return undefined;
    const r = yield* this.#f(v);
    if (r === undefined) noUndefined('then(f)');
    return r;
  }
}

class TakeStream<T> extends Adapter<T, T> {
  #left: number;
  constructor(src: Stream<T>, n: number) {
    super(src);
    this.#left = n;
  }
  *next(): Next<T> {
    if (this.#left === 0) return undefined;
    const v = yield* this.src.next();
    if (v !== undefined) this.#left--;
    else this.#left = 0;
    return v;
  }
}

class TakeWhileStream<T> extends Adapter<T, T> {
  readonly #p: (item: T) => boolean;
  #done = false;
  constructor(src: Stream<T>, p: (item: T) => boolean) {
    super(src);
    this.#p = p;
  }
  *next(): Next<T> {
    if (this.#done) return undefined;
    const v = yield* this.src.next();
    if (v === undefined || !this.#p(v)) {
      this.#done = true;
      return undefined;
    }
    return v;
  }
}

class SkipStream<T> extends Adapter<T, T> {
  #left: number;
  constructor(src: Stream<T>, n: number) {
    super(src);
    this.#left = n;
  }
  *next(): Next<T> {
    while (this.#left > 0) {
      const v = yield* this.src.next();
      if (v === undefined) return undefined;
      this.#left--;
    }
    return yield* this.src.next();
  }
}

class SkipWhileStream<T> extends Adapter<T, T> {
  #p: ((item: T) => boolean) | null;
  constructor(src: Stream<T>, p: (item: T) => boolean) {
    super(src);
    this.#p = p;
  }
  *next(): Next<T> {
    for (;;) {
      const v = yield* this.src.next();
      const p = this.#p;
      if (v === undefined || p === null) return v;
      if (!p(v)) {
        this.#p = null;
        return v;
      }
    }
  }
}

class ChainStream<T> extends Adapter<T, T> {
  readonly #second: Stream<T>;
  #first = true;
  constructor(src: Stream<T>, second: Stream<T>) {
    super(src);
    this.#second = second;
  }
  *next(): Next<T> {
    if (this.#first) {
      const v = yield* this.src.next();
      if (v !== undefined) return v;
      this.#first = false;
    }
    return yield* this.#second.next();
  }
  override close(): void {
    this.src.close();
    this.#second.close();
  }
}

class ZipStream<A, B> extends Adapter<A, [A, B]> {
  readonly #b: Stream<B>;
  /** An item of the first stream taken while the second was awaited (cancel safety). */
  #a: A | undefined = undefined;
  constructor(src: Stream<A>, b: Stream<B>) {
    super(src);
    this.#b = b;
  }
  *next(): Next<[A, B]> {
    if (this.#a === undefined) {
      const a = yield* this.src.next();
      if (a === undefined) return undefined;
      this.#a = a;
    }
    const b = yield* this.#b.next();
    if (b === undefined) return undefined;
    const a = this.#a as A;
    this.#a = undefined;
    return [a, b];
  }
  override close(): void {
    this.src.close();
    this.#b.close();
  }
}

class FuseStream<T> extends Adapter<T, T> {
  #done = false;
  *next(): Next<T> {
    if (this.#done) return undefined;
    const v = yield* this.src.next();
    if (v === undefined) this.#done = true;
    return v;
  }
}

const NONE = 0;
const ITEM = 1;
const END = 2;

class PeekableStream<T> extends Peekable<T> {
  readonly #src: Stream<T>;
  #state = NONE;
  #peeked: T | undefined = undefined;
  constructor(src: Stream<T>) {
    super();
    this.#src = src;
  }
  *#fill(): Next<T> {
    if (this.#state === NONE) {
      const v = yield* this.#src.next();
      this.#peeked = v;
      this.#state = v === undefined ? END : ITEM;
    }
    return this.#peeked;
  }
  *next(): Next<T> {
    if (this.#state === NONE) return yield* this.#src.next();
    const v = this.#peeked;
    this.#peeked = undefined;
    this.#state = NONE;
    return v;
  }
  peek(): Future<T | undefined> {
    return this.#fill();
  }
  *nextIf(p: (item: T) => boolean): Next<T> {
    const v = yield* this.#fill();
    if (v === undefined || !p(v)) return undefined;
    this.#peeked = undefined;
    this.#state = NONE;
    return v;
  }
  override close(): void {
    this.#src.close();
  }
}

const proto = Stream.prototype;
proto.map = function <T, U>(this: Stream<T>, f: (item: T) => U): Stream<U> {
  checkFn(f, 'map(f)');
  return new MapStream(this, f);
};
proto.filter = function <T>(this: Stream<T>, p: (item: T) => boolean): Stream<T> {
  checkFn(p, 'filter(p)');
  return new FilterStream(this, p);
};
proto.filterMap = function <T, U>(this: Stream<T>, f: (item: T) => U | undefined): Stream<U> {
  checkFn(f, 'filterMap(f)');
  return new FilterMapStream(this, f);
};
proto.then = function <T, U>(this: Stream<T>, f: (item: T) => Future<U>): Stream<U> {
  checkFn(f, 'then(f)');
  return new ThenStream(this, f);
};
proto.take = function <T>(this: Stream<T>, n: number): Stream<T> {
  checkCount(n, 'take(n)');
  return new TakeStream(this, n);
};
proto.takeWhile = function <T>(this: Stream<T>, p: (item: T) => boolean): Stream<T> {
  checkFn(p, 'takeWhile(p)');
  return new TakeWhileStream(this, p);
};
proto.skip = function <T>(this: Stream<T>, n: number): Stream<T> {
  checkCount(n, 'skip(n)');
  return new SkipStream(this, n);
};
proto.skipWhile = function <T>(this: Stream<T>, p: (item: T) => boolean): Stream<T> {
  checkFn(p, 'skipWhile(p)');
  return new SkipWhileStream(this, p);
};
proto.chain = function <T>(this: Stream<T>, other: Stream<T>): Stream<T> {
  checkStream(other, 'chain(other)');
  return new ChainStream(this, other);
};
proto.zip = function <T, U>(this: Stream<T>, other: Stream<U>): Stream<[T, U]> {
  checkStream(other, 'zip(other)');
  return new ZipStream(this, other);
};
proto.fuse = function <T>(this: Stream<T>): Stream<T> {
  return new FuseStream(this);
};
proto.peekable = function <T>(this: Stream<T>): Peekable<T> {
  return new PeekableStream(this);
};

/** Throws a TypeError unless `s` is a Stream. @internal */
export function checkStream(s: unknown, what: string): void {
  if (!(s instanceof Stream)) throw new TypeError(`${what}: expected a Stream (see Stream.from)`);
}
