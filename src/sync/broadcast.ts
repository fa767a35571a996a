/**
 * `broadcast`: every receiver sees every message sent after it subscribed; a
 * receiver that falls more than `capacity` messages behind is told how many it
 * lost (`RecvError` `lagged`) and continues from the oldest kept message.
 */
import type { Future, Suspend } from '../future/future.js';
import {
  coopProceed,
  currentTask,
  parkForBudget,
  SUSPENDED,
  type Waiting,
} from '../runtime/context.js';
import type { Task } from '../runtime/task.js';
import { RecvError, refuseUndefined, SendError } from './error.js';

/** @internal */
class Shared<T> {
  readonly buf: (T | undefined)[];
  readonly cap: number;
  /** position of the next message to be written */
  tail = 0;
  closed = false;
  readonly receivers = new Set<BroadcastReceiver<T>>();
  readonly waiters = new Set<Task>();

  constructor(cap: number) {
    this.cap = cap;
    // Grown as messages arrive (slots are written in order, each before it is
    // read): a channel of large capacity costs nothing until it is used.
    this.buf = [];
  }

  wakeAll(): void {
    for (const t of this.waiters) t.wake();
    this.waiters.clear();
  }
}

/**
 * Creates a broadcast channel keeping the last `capacity` messages.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { broadcast } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const [tx, rx1] = broadcast.channel<string>(16);
 *   const rx2 = tx.subscribe();
 *   console.log(tx.send('hi')); // 2 receivers reached
 *   console.log(yield* rx1.recv(), yield* rx2.recv()); // hi hi
 * });
 * ```
 *
 * ## Errors
 * `RangeError` if `capacity` is not an integer >= 1.
 */
export function channel<T>(capacity: number): [BroadcastSender<T>, BroadcastReceiver<T>] {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`broadcast.channel: capacity must be an integer >= 1, got ${capacity}`);
  }
  const s = new Shared<T>(capacity);
  return [new BroadcastSender<T>(s), new BroadcastReceiver<T>(s)];
}

/**
 * The sending half of a broadcast channel.
 *
 * @example
 * ```ts
 * import { broadcast } from 'tokio-ts/sync';
 *
 * const [tx, rx] = broadcast.channel<number>(4);
 * tx.send(1);
 * console.log(tx.receiverCount(), tx.len()); // 1 1
 * rx.close();
 * ```
 */
export class BroadcastSender<T> {
  readonly #s: Shared<T>;

  /** @internal */
  constructor(s: Shared<T>) {
    this.#s = s;
  }

  /**
   * Sends to every current receiver and returns how many there are. Throws
   * {@link SendError} carrying the value if there are none.
   */
  send(value: T): number {
    const s = this.#s;
    refuseUndefined(value);
    if (s.receivers.size === 0 || s.closed) throw new SendError(value);
    s.buf[s.tail % s.cap] = value;
    s.tail++;
    s.wakeAll();
    return s.receivers.size;
  }

  /** A new receiver that sees only messages sent from now on. */
  subscribe(): BroadcastReceiver<T> {
    return new BroadcastReceiver<T>(this.#s);
  }

  receiverCount(): number {
    return this.#s.receivers.size;
  }

  /** Messages kept that some receiver has not read yet. */
  len(): number {
    const s = this.#s;
    let min = s.tail;
    for (const r of s.receivers) min = Math.min(min, r.position);
    return Math.min(s.tail - min, s.cap);
  }

  /** Closes the channel: receivers read what is kept, then get `RecvError` `closed`. */
  close(): void {
    const s = this.#s;
    if (s.closed) return;
    s.closed = true;
    s.wakeAll();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/** What {@link BroadcastReceiver.tryRecv} found. */
export type BroadcastTryRecv<T> =
  | { ok: true; value: T }
  | { ok: false; reason: 'empty' | 'closed' }
  | { ok: false; reason: 'lagged'; skipped: number };

/**
 * A receiving half of a broadcast channel.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { broadcast, RecvError } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const [tx, rx] = broadcast.channel<number>(2);
 *   for (let i = 0; i < 5; i++) tx.send(i);
 *   try { yield* rx.recv(); } catch (e) { console.log((e as RecvError).skipped); } // 3
 *   console.log(yield* rx.recv()); // 3
 * });
 * ```
 */
export class BroadcastReceiver<T> {
  readonly #s: Shared<T>;
  /** position of the next message this receiver reads */
  #next: number;

  /** @internal */
  constructor(s: Shared<T>) {
    this.#s = s;
    this.#next = s.tail;
    s.receivers.add(this);
  }

  /** @internal */
  get position(): number {
    return this.#next;
  }

  /**
   * Receives the next message.
   *
   * ## Cancel safety
   * Cancel safe: the receiver's position moves only when it resumes.
   *
   * ## Errors
   * {@link RecvError} `lagged` (with `skipped`) if it fell behind, after which
   * it continues from the oldest kept message; `closed` at the end.
   */
  recv(): Future<T> {
    return { [Symbol.iterator]: () => new RecvLeaf<T>(this) };
  }

  /** The next message without waiting. */
  tryRecv(): BroadcastTryRecv<T> {
    const s = this.#s;
    const oldest = s.tail - s.cap;
    if (this.#next < oldest) {
      const skipped = oldest - this.#next;
      this.#next = oldest;
      return { ok: false, reason: 'lagged', skipped };
    }
    if (this.#next < s.tail) {
      const value = s.buf[this.#next % s.cap] as T;
      this.#next++;
      return { ok: true, value };
    }
    return { ok: false, reason: s.closed ? 'closed' : 'empty' };
  }

  /** A new receiver of the same channel that sees only messages sent from now on. */
  resubscribe(): BroadcastReceiver<T> {
    return new BroadcastReceiver<T>(this.#s);
  }

  /** Drops this receiver. */
  close(): void {
    this.#s.receivers.delete(this);
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal */
  get shared(): Shared<T> {
    return this.#s;
  }
}

class RecvLeaf<T> implements Iterator<Suspend, T, unknown>, Waiting {
  readonly #rx: BroadcastReceiver<T>;
  #parked = false;
  #task: Task | null = null;

  constructor(rx: BroadcastReceiver<T>) {
    this.#rx = rx;
  }

  next(): IteratorResult<Suspend, T> {
    const rx = this.#rx;
    if (rx.position < rx.shared.tail && !this.#parked && !coopProceed()) {
      this.#parked = true;
      return parkForBudget(this);
    }
    const r = rx.tryRecv();
    if (r.ok) return { done: true, value: r.value };
    if (r.reason === 'lagged') throw new RecvError('lagged', r.skipped);
    if (r.reason === 'closed') throw new RecvError('closed');
    const t = currentTask();
    this.#parked = true;
    this.#task = t;
    this.#rx.shared.waiters.add(t);
    t.waitingOn = this;
    return SUSPENDED;
  }

  cancelWait(): void {
    if (this.#task !== null) this.#rx.shared.waiters.delete(this.#task);
  }

  describe(): string {
    return 'broadcast recv';
  }
}
