/**
 * The one fair waiter queue under Mutex, RwLock and Semaphore (Tokio's
 * `batch_semaphore`).
 *
 * How and why:
 * - A counter of free permits plus an intrusive FIFO list of waiters. A waiter
 *   needing `n` permits first takes whatever is free, then queues for the rest;
 *   released permits are assigned to the head of the queue *into the waiter*
 *   (its `needed` count goes down) until it is complete, then to the next one.
 *   So free permits exist only while the queue is empty, and a large
 *   `acquireMany` at the head blocks later small ones: strict FIFO, and the fast
 *   path is a single `permits >= n` test.
 * - The leaf future *is* the guard/permit object ({@link Acquire}): `lock()`
 *   allocates one object, which is the intrusive list node while waiting and the
 *   guard handed back once granted. The uncontended path spends one unit of
 *   coop budget and never suspends.
 * - Cancel safety lives in `cancelWait`: a cancelled waiter still in the queue
 *   gives back the permits partly assigned to it; one granted in full but not
 *   yet resumed gives back all of them. Given back permits go to the next
 *   waiters, exactly as a release does.
 * - `close()` wakes every waiter with `AcquireError`; their partly assigned
 *   permits return to the free count (so `availablePermits()` stays exact and
 *   `addPermits`/`forgetPermits` keep working after close, as in Tokio).
 * @internal
 */
import { isFuture, type Suspend } from '../future/future.js';
import {
  coopProceed,
  currentTask,
  parkForBudget,
  SUSPENDED,
  type Waiting,
} from '../runtime/context.js';
import { instrument } from '../runtime/instrument.js';
import { LinkedList, type ListNode } from '../runtime/linked-list.js';
import type { Task } from '../runtime/task.js';
import { AcquireError } from './lock-error.js';

/** The largest permit count a semaphore can hold (safe integer arithmetic). @internal */
export const MAX_PERMITS = Number.MAX_SAFE_INTEGER;

// Acquire states (small integers, STYLE "Hot paths" 6).
/** not polled yet */
const IDLE = 0;
/** queued, waiting for the rest of its permits */
const WAITING = 1;
/** all permits assigned, task woken, not yet resumed */
const GRANTED = 2;
/** the guard/permit is live */
export const HELD = 3;
/** released, forgotten, cancelled or failed */
export const RELEASED = 4;
/** woken by close(): the resume throws AcquireError */
const CLOSED = 5;

/** @internal */
export class BatchSemaphore {
  /** free permits; > 0 only while `waiters` is empty */
  permits: number;
  closed = false;
  readonly waiters = new LinkedList<Acquire<unknown>>();

  constructor(permits: number) {
    this.permits = permits;
    if (instrument !== null) instrument.resource(this);
  }

  /** Takes `n` permits if they are free (never jumps the queue: see the invariant). */
  tryAcquire(n: number): boolean {
    if (this.permits >= n && !this.closed) {
      this.permits -= n;
      return true;
    }
    return false;
  }

  /** Gives `n` permits back: to the queued waiters first, in FIFO order. */
  release(n: number): void {
    const waiters = this.waiters;
    let w = waiters.head;
    while (w !== null && n > 0) {
      const need = w.needed;
      if (need > n) {
        w.needed = need - n;
        return;
      }
      n -= need;
      w.needed = 0;
      waiters.remove(w);
      w.st = GRANTED;
      w.task!.wake();
      w = waiters.head;
    }
    this.permits += n;
  }

  /** Removes free permits (up to `n`); returns how many were removed. */
  forget(n: number): number {
    const k = Math.min(n, this.permits);
    this.permits -= k;
    return k;
  }

  /** Closes: every waiter wakes with AcquireError; later acquires fail. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const waiters = this.waiters;
    for (let w = waiters.shift(); w !== null; w = waiters.shift()) {
      this.permits += w.num - w.needed;
      w.needed = 0;
      w.st = CLOSED;
      w.task!.wake();
    }
  }

  /** A queued waiter gave up: unlink it and give back what it was assigned. */
  removeWaiter(w: Acquire<unknown>): void {
    const acquired = w.num - w.needed;
    this.waiters.remove(w);
    w.needed = 0;
    if (acquired > 0) this.release(acquired);
  }
}

/**
 * One acquisition of `num` permits, and the leaf future that waits for it; the
 * subclasses are the public guards and permits (the future completes with the
 * object itself). Single use.
 * @internal
 */
export abstract class Acquire<R>
  implements ListNode<Acquire<unknown>>, Iterator<Suspend, R, unknown>, Waiting
{
  pv: Acquire<unknown> | null = null;
  nx: Acquire<unknown> | null = null;
  list: LinkedList<any> | null = null;
  readonly sem: BatchSemaphore;
  /** permits this acquisition holds (or wants) */
  num: number;
  /** permits still missing while queued */
  needed = 0;
  st: number;
  task: Task | null = null;

  constructor(sem: BatchSemaphore, num: number, st: number) {
    this.sem = sem;
    this.num = num;
    this.st = st;
    if (st === HELD && instrument !== null) instrument.acquired(this);
  }

  [Symbol.iterator](): Iterator<Suspend, R, unknown> {
    if (this.st !== IDLE)
      throw new Error(`tokio-ts: this ${this.describe()} future was already polled`);
    return this;
  }

  next(): IteratorResult<Suspend, R> {
    const st = this.st;
    if (st === IDLE) {
      const sem = this.sem;
      // Tokio's Acquire spends budget on every completion, a failure included
      if (!coopProceed()) return parkForBudget(this);
      if (sem.closed) {
        this.st = RELEASED;
        throw new AcquireError();
      }
      const n = this.num;
      const free = sem.permits;
      if (free >= n) {
        sem.permits = free - n;
        this.st = HELD;
        if (instrument !== null) instrument.acquired(this);
        return { done: true, value: this as unknown as R };
      }
      // queue: take what is free now (free > 0 only if the queue is empty)
      const task = currentTask();
      sem.permits = 0;
      this.needed = n - free;
      sem.waiters.push(this);
      this.st = WAITING;
      this.task = task;
      task.waitingOn = this;
      return SUSPENDED;
    }
    if (st === GRANTED) {
      this.st = HELD;
      this.task = null;
      if (instrument !== null) instrument.acquired(this);
      return { done: true, value: this as unknown as R };
    }
    if (st === WAITING) {
      // spurious poll: stay parked
      this.task!.waitingOn = this;
      return SUSPENDED;
    }
    if (st === CLOSED) {
      this.st = RELEASED;
      this.task = null;
      throw new AcquireError();
    }
    throw new Error(`tokio-ts: ${this.describe()} future polled after it completed`);
  }

  cancelWait(): void {
    const st = this.st;
    if (st === WAITING) {
      this.st = RELEASED;
      this.sem.removeWaiter(this);
    } else if (st === GRANTED) {
      // granted but never resumed: the permits go to the next waiters
      this.st = RELEASED;
      this.sem.release(this.num);
    } else if (st === CLOSED) {
      this.st = RELEASED;
    }
    this.task = null;
  }

  /** Gives the permits back; a second call does nothing. */
  release(): void {
    if (this.st === HELD) {
      this.st = RELEASED;
      this.sem.release(this.num);
    }
  }

  [Symbol.dispose](): void {
    this.release();
  }

  abstract describe(): string;
}

/** Validates a permit count argument. @internal */
export function checkPermits(n: unknown, what: string): number {
  if (typeof n !== 'number')
    throw new TypeError(`${what}: expected a number of permits, got ${typeof n}`);
  if (!Number.isInteger(n) || n < 0 || n > MAX_PERMITS)
    throw new RangeError(`${what}: permits must be an integer in 0..${MAX_PERMITS}, got ${n}`);
  return n;
}

/** A Future returned by a callback (not an array, map or other plain iterable). @internal */
export function isFutureResult(r: unknown): boolean {
  return (
    isFuture(r) &&
    !Array.isArray(r) &&
    !(r instanceof Map) &&
    !(r instanceof Set) &&
    !ArrayBuffer.isView(r)
  );
}
