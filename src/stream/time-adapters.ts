/**
 * The time adapters of `Stream` (timeout, throttle, chunksTimeout), on the
 * runtime clock. Each holds at most one timer, reused for every item.
 * Installed on `Stream.prototype`.
 * @internal
 */
import { Elapsed } from '../time/error.js';
import { Instant } from '../time/instant.js';
import { type Sleep, sleep } from '../time/sleep.js';
import { timeout, timeoutAt } from '../time/timeout.js';
import { type Next, Stream } from './stream.js';

function checkMs(ms: unknown, what: string): void {
  if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0)
    throw new RangeError(`${what}: duration must be a number >= 0 ms, got ${String(ms)}`);
}

class TimeoutStream<T> extends Stream<T | Elapsed> {
  readonly #src: Stream<T>;
  readonly #ms: number;
  /** False after an `Elapsed`, until the next item (Tokio: one error per gap). */
  #armed = true;
  constructor(src: Stream<T>, ms: number) {
    super();
    this.#src = src;
    this.#ms = ms;
  }
  *next(): Next<T | Elapsed> {
    if (!this.#armed) {
      const v = yield* this.#src.next();
      this.#armed = true;
      return v;
    }
    try {
      return yield* timeout(this.#ms, this.#src.next());
    } catch (e) {
      if (!(e instanceof Elapsed)) throw e;
      this.#armed = false;
      return e;
    }
  }
  override close(): void {
    this.#src.close();
  }
}

class ThrottleStream<T> extends Stream<T> {
  readonly #src: Stream<T>;
  readonly #ms: number;
  /** Armed after each item (Tokio's `has_delayed == false`); null before the first. */
  #delay: Sleep | null = null;
  #armed = false;
  constructor(src: Stream<T>, ms: number) {
    super();
    this.#src = src;
    this.#ms = ms;
  }
  *next(): Next<T> {
    const d = this.#delay;
    if (this.#armed && d !== null) {
      yield* d;
      this.#armed = false;
    }
    const v = yield* this.#src.next();
    if (v !== undefined && this.#ms > 0) {
      const at = Instant.now().add(this.#ms);
      if (d === null) this.#delay = sleep(this.#ms);
      else d.reset(at);
      this.#armed = true;
    }
    return v;
  }
  override close(): void {
    this.#src.close();
  }
}

class ChunksTimeoutStream<T> extends Stream<T[]> {
  readonly #src: Stream<T>;
  readonly #n: number;
  readonly #ms: number;
  /** The chunk being filled: kept here, so a cancelled `next()` loses nothing. */
  #buf: T[] = [];
  #deadline: Instant | null = null;
  #ended = false;
  constructor(src: Stream<T>, n: number, ms: number) {
    super();
    this.#src = src;
    this.#n = n;
    this.#ms = ms;
  }
  *next(): Next<T[]> {
    while (!this.#ended && this.#buf.length < this.#n) {
      let v: T | undefined;
      if (this.#deadline === null) {
        v = yield* this.#src.next();
        if (v !== undefined) this.#deadline = Instant.now().add(this.#ms);
      } else {
        try {
          v = yield* timeoutAt(this.#deadline, this.#src.next());
        } catch (e) {
          if (e instanceof Elapsed) break;
          throw e;
        }
      }
      if (v === undefined) this.#ended = true;
      else this.#buf.push(v);
    }
    const out = this.#buf;
    if (out.length === 0) return undefined;
    this.#buf = [];
    this.#deadline = null;
    return out;
  }
  override close(): void {
    this.#src.close();
  }
}

const proto = Stream.prototype;
proto.timeout = function <T>(this: Stream<T>, ms: number): Stream<T | Elapsed> {
  checkMs(ms, 'timeout(ms)');
  return new TimeoutStream(this, ms);
};
proto.throttle = function <T>(this: Stream<T>, ms: number): Stream<T> {
  checkMs(ms, 'throttle(ms)');
  return new ThrottleStream(this, ms);
};
proto.chunksTimeout = function <T>(this: Stream<T>, n: number, ms: number): Stream<T[]> {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
    throw new RangeError(`chunksTimeout(n, ms): n must be an integer >= 1, got ${String(n)}`);
  checkMs(ms, 'chunksTimeout(n, ms)');
  return new ChunksTimeoutStream(this, n, ms);
};
