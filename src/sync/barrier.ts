/**
 * `Barrier`: `n` tasks wait until all `n` have arrived; one of them is the
 * leader. Reusable: the next `n` arrivals form the next generation.
 *
 * @example
 * ```ts
 * import { main, spawn } from 'tokio-ts';
 * import { Barrier } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const barrier = new Barrier(3);
 *   const tasks = [0, 1, 2].map(() => spawn(barrier.wait()));
 *   let leaders = 0;
 *   for (const t of tasks) if ((yield* t).isLeader) leaders++;
 *   console.log(leaders); // 1
 * });
 * ```
 */
import type { Future, Suspend } from '../future/future.js';
import { currentTask, SUSPENDED, type Waiting } from '../runtime/context.js';
import { LinkedList, type ListNode } from '../runtime/linked-list.js';
import type { Task } from '../runtime/task.js';

/** What {@link Barrier.wait} returns: whether this caller is the generation's leader. */
export interface BarrierWaitResult {
  /** True for exactly one caller per generation: the last to arrive. */
  readonly isLeader: boolean;
}

const LEADER: BarrierWaitResult = Object.freeze({ isLeader: true });
const FOLLOWER: BarrierWaitResult = Object.freeze({ isLeader: false });

const IDLE = 0;
const WAITING = 1;
const RELEASED = 2;
const DONE = 3;

/**
 * A reusable barrier for `n` tasks (Tokio's `Barrier`). The first `n - 1`
 * callers of `wait()` block; the `n`-th is the leader and releases them all,
 * and a new generation starts. `new Barrier(0)` behaves as `new Barrier(1)`:
 * every `wait()` returns at once as leader.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { Barrier } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const b = new Barrier(1);
 *   console.log((yield* b.wait()).isLeader); // true
 * });
 * ```
 */
export class Barrier {
  readonly #n: number;
  #arrived = 0;
  readonly #waiters = new LinkedList<BarrierWait>();

  /** Creates a barrier for `n` tasks. Throws `RangeError` unless `n` is a non-negative integer. */
  constructor(n: number) {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
      throw new RangeError(`new Barrier(n): n must be a non-negative integer, got ${n}`);
    this.#n = n === 0 ? 1 : n;
  }

  /**
   * Waits until `n` tasks have called `wait()` in this generation. A caller
   * is counted when the future is first polled.
   *
   * @example
   * ```ts
   * import { main, join } from 'tokio-ts';
   * import { Barrier } from 'tokio-ts/sync';
   *
   * main(function* () {
   *   const b = new Barrier(2);
   *   const [x, y] = yield* join(b.wait(), b.wait());
   *   console.log(x.isLeader !== y.isLeader); // true
   * });
   * ```
   *
   * ## Cancel safety
   * Not cancel safe, as in Tokio: a waiter cancelled before the generation is
   * complete still counts towards it. A waiter cancelled after the generation
   * was released (before it resumed) changes nothing for the others: they
   * complete, with exactly one leader, and the next generation starts empty.
   */
  wait(): Future<BarrierWaitResult> {
    return new BarrierWait(this);
  }

  /** @internal Called by a first poll; returns true if this arrival is the leader. */
  arrive(w: BarrierWait): boolean {
    if (++this.#arrived < this.#n) {
      this.#waiters.push(w);
      return false;
    }
    this.#arrived = 0;
    const waiters = this.#waiters;
    for (let x = waiters.shift(); x !== null; x = waiters.shift()) x.release();
    return true;
  }

  /** @internal A cancelled waiter leaves the list but keeps being counted (Tokio). */
  leave(w: BarrierWait): void {
    this.#waiters.remove(w);
  }
}

class BarrierWait
  implements
    Future<BarrierWaitResult>,
    Iterator<Suspend, BarrierWaitResult, unknown>,
    Waiting,
    ListNode<BarrierWait>
{
  pv: BarrierWait | null = null;
  nx: BarrierWait | null = null;
  list: LinkedList<any> | null = null;
  readonly #b: Barrier;
  #st = IDLE;
  #task: Task | null = null;

  constructor(b: Barrier) {
    this.#b = b;
  }

  [Symbol.iterator](): Iterator<Suspend, BarrierWaitResult, unknown> {
    if (this.#st !== IDLE)
      throw new Error('tokio-ts: this barrier wait() future was already polled');
    return this;
  }

  next(): IteratorResult<Suspend, BarrierWaitResult> {
    const st = this.#st;
    if (st === IDLE) {
      const task = currentTask();
      if (this.#b.arrive(this)) {
        this.#st = DONE;
        return { done: true, value: LEADER };
      }
      this.#st = WAITING;
      this.#task = task;
      task.waitingOn = this;
      return SUSPENDED;
    }
    if (st === RELEASED) {
      this.#st = DONE;
      this.#task = null;
      return { done: true, value: FOLLOWER };
    }
    if (st === WAITING) {
      this.#task!.waitingOn = this;
      return SUSPENDED;
    }
    throw new Error('tokio-ts: barrier wait() future polled after it completed');
  }

  /** @internal */
  release(): void {
    this.#st = RELEASED;
    this.#task!.wake();
  }

  cancelWait(): void {
    if (this.#st === WAITING) this.#b.leave(this);
    this.#st = DONE;
    this.#task = null;
  }

  describe(): string {
    return 'barrier wait';
  }
}
