/**
 * The terminal futures of `Stream` (collect, fold, count, forEach, any, all),
 * installed on `Stream.prototype`. `forEach({ concurrency })` runs the calls
 * as children of a `scope`, so they never outlive the future.
 * @internal
 */
import { type Future, isFuture, type Suspend } from '../future/future.js';
import { Semaphore, type SemaphorePermit } from '../sync/semaphore.js';
import { type Scope, scope } from '../task/scope.js';
import { type ForEachOptions, Stream } from './stream.js';

type Gen<T> = Generator<Suspend, T, unknown>;

function checkFn(f: unknown, what: string): void {
  if (typeof f !== 'function') throw new TypeError(`${what}: expected a function`);
}

function* collect<T>(s: Stream<T>): Gen<T[]> {
  const out: T[] = [];
  for (let v = yield* s.next(); v !== undefined; v = yield* s.next()) out.push(v);
  return out;
}

function* fold<T, A>(s: Stream<T>, acc: A, f: (acc: A, item: T) => A): Gen<A> {
  for (let v = yield* s.next(); v !== undefined; v = yield* s.next()) acc = f(acc, v);
  return acc;
}

function* count<T>(s: Stream<T>): Gen<number> {
  let n = 0;
  while ((yield* s.next()) !== undefined) n++;
  return n;
}

function* anyAll<T>(s: Stream<T>, p: (item: T) => boolean, want: boolean): Gen<boolean> {
  for (let v = yield* s.next(); v !== undefined; v = yield* s.next())
    if (p(v) === want) return want;
  return !want;
}

function* forEachSeq<T>(s: Stream<T>, f: (item: T) => Future<void> | void): Gen<void> {
  for (let v = yield* s.next(); v !== undefined; v = yield* s.next()) {
    const r = f(v);
    if (r !== undefined && isFuture(r)) yield* r;
  }
}

function* one<T>(f: (item: T) => Future<void> | void, item: T, permit: SemaphorePermit): Gen<void> {
  try {
    const r = f(item);
    if (r !== undefined && isFuture(r)) yield* r;
  } finally {
    permit.release();
  }
}

function forEachConcurrent<T>(
  s: Stream<T>,
  f: (item: T) => Future<void> | void,
  n: number,
): Future<void> {
  return scope(function* (sc: Scope): Gen<void> {
    const sem = new Semaphore(n);
    for (;;) {
      // Take a slot before the item, so no item waits outside a running call.
      const permit = yield* sem.acquire();
      const v = yield* s.next();
      if (v === undefined) {
        permit.release();
        break;
      }
      sc.spawn(one(f, v, permit));
    }
    // Every call has finished once all the slots are back.
    (yield* sem.acquireMany(n)).release();
  });
}

const proto = Stream.prototype;
proto.collect = function <T>(this: Stream<T>): Future<T[]> {
  return collect(this);
};
proto.fold = function <T, A>(this: Stream<T>, init: A, f: (acc: A, item: T) => A): Future<A> {
  checkFn(f, 'fold(init, f)');
  return fold(this, init, f);
};
proto.count = function <T>(this: Stream<T>): Future<number> {
  return count(this);
};
proto.any = function <T>(this: Stream<T>, p: (item: T) => boolean): Future<boolean> {
  checkFn(p, 'any(p)');
  return anyAll(this, p, true);
};
proto.all = function <T>(this: Stream<T>, p: (item: T) => boolean): Future<boolean> {
  checkFn(p, 'all(p)');
  return anyAll(this, p, false);
};
proto.forEach = function <T>(
  this: Stream<T>,
  f: (item: T) => Future<void> | void,
  opts?: ForEachOptions,
): Future<void> {
  checkFn(f, 'forEach(f)');
  const n = opts?.concurrency ?? 1;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
    throw new RangeError(`forEach: concurrency must be an integer >= 1, got ${String(n)}`);
  return n === 1 ? forEachSeq(this, f) : forEachConcurrent(this, f, n);
};
