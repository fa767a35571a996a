/**
 * `oneshot`: a channel for exactly one value. The receiver is itself a Future.
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
import { ClosedWait } from './closed-wait.js';
import { RecvError, refuseUndefined, SendError } from './error.js';

enum S {
  Empty = 0,
  Full = 1,
  /** the sender closed without sending */
  TxClosed = 2,
  /** the value was taken */
  Taken = 3,
}

/** @internal */
class Cell<T> {
  state = S.Empty;
  value: T | undefined = undefined;
  rxClosed = false;
  /** the receiver returned its value or its error: it is spent */
  rxDone = false;
  rxTask: Task | null = null;
  txTask: Task | null = null;

  wakeRx(): void {
    const t = this.rxTask;
    if (t !== null) {
      this.rxTask = null;
      t.wake();
    }
  }
}

/**
 * Creates a oneshot channel.
 *
 * @example
 * ```ts
 * import { main, spawn } from 'tokio-ts';
 * import { oneshot } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const [tx, rx] = oneshot.channel<number>();
 *   spawn(function* () { tx.send(42); });
 *   console.log(yield* rx); // 42
 * });
 * ```
 */
export function channel<T>(): [OneshotSender<T>, OneshotReceiver<T>] {
  const c = new Cell<T>();
  return [new OneshotSender<T>(c), new OneshotReceiver<T>(c)];
}

/**
 * Sends the one value.
 *
 * @example
 * ```ts
 * import { oneshot } from 'tokio-ts/sync';
 *
 * const [tx, rx] = oneshot.channel<string>();
 * tx.send('done');
 * console.log(rx.tryRecv()); // { ok: true, value: 'done' }
 * ```
 */
export class OneshotSender<T> {
  readonly #c: Cell<T>;

  /** @internal */
  constructor(c: Cell<T>) {
    this.#c = c;
  }

  /**
   * Sends `value`. Throws {@link SendError} carrying it if the receiver is gone,
   * and an Error if a value was already sent or the sender closed.
   */
  send(value: T): void {
    const c = this.#c;
    refuseUndefined(value);
    if (c.state !== S.Empty) throw new Error('tokio-ts: oneshot sender already used');
    if (c.rxClosed) throw new SendError(value);
    c.value = value;
    c.state = S.Full;
    c.wakeRx();
  }

  /** Drops the sender without sending: the receiver then throws `RecvError` (`closed`). */
  close(): void {
    const c = this.#c;
    if (c.state !== S.Empty) return;
    c.state = S.TxClosed;
    c.wakeRx();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** True once the receiver is closed. */
  isClosed(): boolean {
    return this.#c.rxClosed;
  }

  /**
   * Waits until the receiver is closed. Spends one unit of coop budget when
   * it completes, as Tokio's `poll_closed`.
   *
   * ## Cancel safety
   * Cancel safe.
   */
  closed(): Future<void> {
    const c = this.#c;
    return { [Symbol.iterator]: () => new ClosedLeaf<T>(c) };
  }
}

/** What {@link OneshotReceiver.tryRecv} found. */
export type OneshotTryRecv<T> = { ok: true; value: T } | { ok: false; reason: 'empty' | 'closed' };

/**
 * The receiving half: a Future of the value (`yield* rx`).
 *
 * ## Cancel safety
 * Cancel safe: the value is taken only when the receiving task resumes, so a
 * cancelled wait leaves it for a later `yield* rx` or `tryRecv()`.
 *
 * ## Errors
 * Throws {@link RecvError} (`closed`) if the sender closed without sending.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { oneshot, RecvError } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const [tx, rx] = oneshot.channel<number>();
 *   tx.close();
 *   try { yield* rx; } catch (e) { console.log((e as RecvError).kind); } // closed
 * });
 * ```
 */
export class OneshotReceiver<T> implements Future<T> {
  readonly #c: Cell<T>;

  /** @internal */
  constructor(c: Cell<T>) {
    this.#c = c;
  }

  [Symbol.iterator](): Iterator<Suspend, T, unknown> {
    return new RecvLeaf<T>(this.#c);
  }

  /** The value if it was sent, without waiting. */
  tryRecv(): OneshotTryRecv<T> {
    const c = this.#c;
    if (c.state === S.Full) {
      c.state = S.Taken;
      c.rxDone = true;
      const value = c.value as T;
      c.value = undefined;
      return { ok: true, value };
    }
    if (c.state === S.Empty && !c.rxClosed) return { ok: false, reason: 'empty' };
    c.rxDone = true;
    return { ok: false, reason: 'closed' };
  }

  /**
   * True once this receiver returned its value or its `closed` error (by
   * `yield* rx` or `tryRecv()`): awaiting it again would only fail.
   * Tokio's `is_terminated`.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { oneshot } from 'tokio-ts/sync';
   *
   * main(function* () {
   *   const [tx, rx] = oneshot.channel<number>();
   *   tx.send(1);
   *   console.log(rx.isTerminated()); // false: the value waits
   *   yield* rx;
   *   console.log(rx.isTerminated()); // true
   * });
   * ```
   */
  isTerminated(): boolean {
    return this.#c.rxDone;
  }

  /**
   * True unless a sent value is waiting to be received (before the send,
   * after the value was taken, or when the sender closed without sending).
   *
   * @example
   * ```ts
   * import { oneshot } from 'tokio-ts/sync';
   *
   * const [tx, rx] = oneshot.channel<string>();
   * console.log(rx.isEmpty()); // true
   * tx.send('v');
   * console.log(rx.isEmpty()); // false
   * rx.tryRecv();
   * console.log(rx.isEmpty()); // true
   * ```
   */
  isEmpty(): boolean {
    return this.#c.state !== S.Full;
  }

  /** Refuses the value: a later `send` throws `SendError`. A value already sent stays readable. */
  close(): void {
    const c = this.#c;
    if (c.rxClosed) return;
    c.rxClosed = true;
    const t = c.txTask;
    if (t !== null) {
      c.txTask = null;
      t.wake();
    }
    // a `yield* rx` parked in another task ends now (with the value if one was sent)
    c.wakeRx();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

class RecvLeaf<T> implements Iterator<Suspend, T, unknown>, Waiting {
  readonly #c: Cell<T>;
  #parked = false;
  #task: Task | null = null;

  constructor(c: Cell<T>) {
    this.#c = c;
  }

  next(): IteratorResult<Suspend, T> {
    const c = this.#c;
    if (c.state !== S.Empty || c.rxClosed) {
      // a value, or the end: either completes, and spends budget (Tokio's poll_recv)
      if (!this.#parked && !coopProceed()) {
        this.#parked = true;
        return parkForBudget(this);
      }
      c.rxDone = true;
      if (c.state !== S.Full) throw new RecvError('closed');
      c.state = S.Taken;
      const value = c.value as T;
      c.value = undefined;
      return { done: true, value };
    }
    const t = currentTask();
    this.#parked = true;
    this.#task = t;
    c.rxTask = t;
    t.waitingOn = this;
    return SUSPENDED;
  }

  cancelWait(): void {
    if (this.#c.rxTask === this.#task) this.#c.rxTask = null;
  }

  describe(): string {
    return 'oneshot recv';
  }
}

class ClosedLeaf<T> extends ClosedWait {
  readonly #c: Cell<T>;
  constructor(c: Cell<T>) {
    super();
    this.#c = c;
  }
  protected isClosed(): boolean {
    return this.#c.rxClosed;
  }
  protected register(t: Task): void {
    this.#c.txTask = t;
  }
  protected unregister(): void {
    this.#c.txTask = null;
  }
  describe(): string {
    return 'oneshot closed()';
  }
}
