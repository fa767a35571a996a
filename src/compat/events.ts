/**
 * `fromEvents`: the events of an `EventEmitter` (or an `EventTarget`) as a
 * `Stream`, with a bounded buffer and a stated overflow policy.
 *
 * How and why: an emitter pushes and cannot be slowed down, so the stream
 * buffers events in a ring of `capacity` and says what happens beyond it
 * (fail loudly, or drop the oldest or the newest). One listener per event
 * name, bound once; it is removed by `close()`, at the end (an `end` or
 * `error` event), and when a task waiting in `next()` is cancelled.
 */
import type { Future } from '../future/future.js';
import { LinkedList } from '../runtime/linked-list.js';
import { RingBuffer } from '../runtime/ring-buffer.js';
import { Stream } from '../stream/index.js';
import { OverflowError } from './error.js';
import { OpLeaf, type OpWaiters, type Side, wakeAll } from './op-leaf.js';

/** `fromEvents` options. */
export interface FromEventsOptions {
  /** Events buffered while nobody reads (default 1024). */
  capacity?: number;
  /**
   * Beyond `capacity`: `'error'` (default) stops listening and makes `next()`
   * throw an `OverflowError` after the buffered events; `'drop-oldest'` drops
   * the oldest buffered event; `'drop-newest'` drops the new one.
   */
  overflow?: 'error' | 'drop-oldest' | 'drop-newest';
  /** Events that end the stream (after the buffered ones), e.g. `['end', 'close']`. */
  end?: string[];
  /** Events whose first argument `next()` throws, ending the stream (default `['error']`). */
  error?: string[];
}

type Listener = (...args: unknown[]) => void;
interface Emitterish {
  on?(event: string, l: Listener): unknown;
  off?(event: string, l: Listener): unknown;
  removeListener?(event: string, l: Listener): unknown;
  addEventListener?(event: string, l: Listener): unknown;
  removeEventListener?(event: string, l: Listener): unknown;
}

const OVERFLOW_ERROR = 0;
const DROP_OLDEST = 1;
const DROP_NEWEST = 2;

/** The listening side: the buffer, the listeners, the parked `next()`. */
class EventSide<T> implements Side {
  readonly waiters: OpWaiters = new LinkedList();
  readonly #emitter: Emitterish;
  readonly #event: string;
  readonly #ends: string[];
  readonly #errors: string[];
  readonly #cap: number;
  readonly #policy: number;
  readonly #buf = new RingBuffer<T>(16);
  #done = false;
  #failed = false;
  #error: unknown = undefined;
  #listening = true;

  constructor(emitter: Emitterish, event: string, opts: FromEventsOptions) {
    this.#emitter = emitter;
    this.#event = event;
    this.#ends = opts.end ?? [];
    this.#errors = opts.error ?? ['error'];
    this.#cap = opts.capacity ?? 1024;
    const o = opts.overflow ?? 'error';
    this.#policy = o === 'error' ? OVERFLOW_ERROR : o === 'drop-oldest' ? DROP_OLDEST : DROP_NEWEST;
    this.#listen(event, this.#onEvent);
    for (const e of this.#ends) this.#listen(e, this.#onEnd);
    for (const e of this.#errors) this.#listen(e, this.#onError);
  }

  /** Removes the listeners and drops the buffered events. */
  close(): void {
    this.#unlisten();
    this.#buf.clear();
    this.#done = true;
    this.#failed = false;
    wakeAll(this.waiters);
  }

  ready(): boolean {
    return this.#buf.length > 0 || this.#done || this.#failed;
  }

  take(): T | undefined {
    const v = this.#buf.shift();
    if (v !== undefined) return v;
    if (this.#failed) {
      this.#failed = false;
      this.#done = true;
      throw this.#error;
    }
    return undefined;
  }

  arm(): void {}

  taskCancelled(): void {
    this.close();
  }

  describe(): string {
    return `fromEvents '${this.#event}' (${this.#buf.length} buffered)`;
  }

  #listen(event: string, l: Listener): void {
    const e = this.#emitter;
    if (typeof e.on === 'function') e.on(event, l);
    else e.addEventListener!(event, l);
  }

  #unlisten(): void {
    if (!this.#listening) return;
    this.#listening = false;
    const e = this.#emitter;
    const off = (event: string, l: Listener): void => {
      if (typeof e.off === 'function') e.off(event, l);
      else if (typeof e.removeListener === 'function') e.removeListener(event, l);
      else e.removeEventListener?.(event, l);
    };
    off(this.#event, this.#onEvent);
    for (const ev of this.#ends) off(ev, this.#onEnd);
    for (const ev of this.#errors) off(ev, this.#onError);
  }

  readonly #onEvent = (v: unknown): void => {
    if (this.#done || this.#failed) return;
    const buf = this.#buf;
    if (buf.length >= this.#cap) {
      if (this.#policy === DROP_NEWEST) return;
      if (this.#policy === DROP_OLDEST) buf.shift();
      else {
        this.#fail(new OverflowError(this.#event, this.#cap));
        return;
      }
    }
    buf.push((v === undefined ? null : v) as T);
    wakeAll(this.waiters);
  };

  readonly #onEnd = (): void => {
    this.#unlisten();
    this.#done = true;
    wakeAll(this.waiters);
  };

  readonly #onError = (err: unknown): void => {
    this.#fail(err);
  };

  #fail(err: unknown): void {
    this.#unlisten();
    if (this.#done || this.#failed) return;
    this.#failed = true;
    this.#error = err;
    wakeAll(this.waiters);
  }
}

class EventStream<T> extends Stream<T> {
  readonly #side: EventSide<T>;
  constructor(side: EventSide<T>) {
    super();
    this.#side = side;
  }

  /**
   * The next event's first argument (`null` when it has none), `undefined`
   * once the stream ended.
   *
   * ## Cancel safety
   * Cancel safe: an event is taken only when the task resumes. Cancelling
   * the task that waits here removes the listeners.
   */
  next(): Future<T | undefined> {
    return new OpLeaf(this.#side, 0, null) as unknown as Future<T | undefined>;
  }

  /** Removes the listeners and drops the buffered events. */
  override close(): void {
    this.#side.close();
  }
}

/**
 * The `event`s of an `EventEmitter` (or `EventTarget`) as a `Stream` of
 * their first argument (`null` for an event without one). Events wait in a
 * buffer of `capacity`; beyond it the `overflow` policy applies. The stream
 * ends at one of the `end` events, and throws the argument of an `error`
 * event (default `'error'`, which then no longer crashes the process). The
 * listeners are removed when the stream ends, by `close()`, and when a task
 * waiting in `next()` is cancelled.
 *
 * @example
 * ```ts
 * import { EventEmitter } from 'node:events';
 * import { main } from 'tokio-ts';
 * import { fromEvents } from 'tokio-ts/compat';
 *
 * main(function* () {
 *   const em = new EventEmitter();
 *   const s = fromEvents<number>(em, 'data', { end: ['done'] });
 *   em.emit('data', 1);
 *   em.emit('data', 2);
 *   em.emit('done');
 *   console.log(yield* s.collect(), em.listenerCount('data')); // [ 1, 2 ] 0
 * });
 * ```
 *
 * ## Errors
 * `TypeError` for something that is not an emitter; `RangeError` for a
 * capacity below 1; `next()` throws an {@link OverflowError} with
 * `overflow: 'error'`.
 */
export function fromEvents<T>(
  emitter: object,
  event: string,
  opts: FromEventsOptions = {},
): Stream<T> {
  const e = emitter as Emitterish | null;
  if (
    e === null ||
    typeof e !== 'object' ||
    (typeof e.on !== 'function' && typeof e.addEventListener !== 'function')
  )
    throw new TypeError('fromEvents(emitter, event): expected an EventEmitter or EventTarget');
  if (typeof event !== 'string')
    throw new TypeError('fromEvents(emitter, event): event must be a string');
  const cap = opts.capacity ?? 1024;
  if (!Number.isInteger(cap) || cap < 1)
    throw new RangeError(`fromEvents: capacity must be an integer >= 1, got ${String(cap)}`);
  const o = opts.overflow ?? 'error';
  if (o !== 'error' && o !== 'drop-oldest' && o !== 'drop-newest')
    throw new TypeError(`fromEvents: unknown overflow policy '${String(o)}'`);
  return new EventStream<T>(new EventSide<T>(e, event, opts));
}
