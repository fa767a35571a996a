/**
 * `CancellationToken`: a signal to stop, shared by any number of tasks and
 * passed down a tree of child tokens (tokio-util's `CancellationToken`).
 *
 * @example
 * ```ts
 * import { main, spawn } from 'tokio-ts';
 * import { CancellationToken } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const token = new CancellationToken();
 *   const worker = spawn(function* () {
 *     yield* token.cancelled();
 *     console.log('shutting down');
 *   });
 *   token.cancel();
 *   yield* worker;
 * });
 * ```
 */
import { select } from '../future/combinators.js';
import type { Future, FutureLike, Suspend } from '../future/future.js';
import { currentTask, SUSPENDED, type Waiting } from '../runtime/context.js';
import { LinkedList, type ListNode } from '../runtime/linked-list.js';
import type { Task } from '../runtime/task.js';

/**
 * A cancellation signal. `cancel()` wakes every `cancelled()` waiter, aborts
 * `signal`, and cancels every child token (and theirs). Cancelling a child
 * does not affect its parent. Share the same object to share the token (what
 * Rust does with `clone()`).
 *
 * A parent holds its children weakly, so short-lived child tokens do not
 * accumulate on a long-lived parent; a child keeps its parent alive.
 *
 * @example
 * ```ts
 * import { CancellationToken } from 'tokio-ts/sync';
 *
 * const parent = new CancellationToken();
 * const child = parent.childToken();
 * child.cancel();
 * console.log(parent.isCancelled(), child.isCancelled()); // false true
 * parent.cancel();
 * console.log(parent.isCancelled()); // true
 * ```
 */
export class CancellationToken {
  #cancelled = false;
  readonly #waiters = new LinkedList<CancelledLeaf>();
  #children: Set<WeakRef<CancellationToken>> | null = null;
  /** size at which dead child refs are swept next */
  #sweepAt = 64;
  #parent: CancellationToken | null = null;
  #ref: WeakRef<CancellationToken> | null = null;
  #controller: AbortController | null = null;

  /**
   * A token that is cancelled when `signal` aborts (at once if it already
   * has): the bridge from promise-land's `AbortSignal` (a request's signal,
   * `AbortSignal.timeout(ms)`) to tokio-ts cancellation. Cancelling the
   * token does not abort the signal.
   *
   * Every token made from the same signal is a child of one token that
   * listens to it, so calling this per request on a long-lived signal adds
   * one listener in all, and finished tokens are not kept.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { CancellationToken } from 'tokio-ts/sync';
   *
   * main(function* () {
   *   const ac = new AbortController();
   *   const token = CancellationToken.fromSignal(ac.signal);
   *   ac.abort();
   *   yield* token.cancelled();
   *   console.log(token.isCancelled()); // true
   * });
   * ```
   *
   * ## Errors
   * `TypeError` if `signal` is not an `AbortSignal`.
   */
  static fromSignal(signal: AbortSignal): CancellationToken {
    if (
      signal === null ||
      typeof signal !== 'object' ||
      typeof signal.aborted !== 'boolean' ||
      typeof signal.addEventListener !== 'function'
    )
      throw new TypeError('CancellationToken.fromSignal(signal): expected an AbortSignal');
    let root = signalRoots.get(signal);
    if (root === undefined) {
      root = new CancellationToken();
      signalRoots.set(signal, root);
      if (signal.aborted) root.cancel();
      else signal.addEventListener('abort', cancelRootOf, { once: true });
    }
    return root.childToken();
  }

  /**
   * Cancels this token and all its descendants; wakes every waiter. Complete
   * once it returns; calling it again does nothing.
   *
   * @example
   * ```ts
   * import { CancellationToken } from 'tokio-ts/sync';
   *
   * const t = new CancellationToken();
   * t.cancel();
   * t.cancel(); // no-op
   * console.log(t.isCancelled()); // true
   * ```
   */
  cancel(): void {
    if (this.#cancelled) return;
    // first mark the whole subtree (iteratively: trees may be deep), then wake
    const all: CancellationToken[] = [];
    const stack: CancellationToken[] = [this];
    for (let t = stack.pop(); t !== undefined; t = stack.pop()) {
      if (t.#cancelled) continue;
      t.#cancelled = true;
      all.push(t);
      const kids = t.#children;
      t.#children = null;
      if (kids !== null) {
        for (const ref of kids) {
          const c = ref.deref();
          if (c !== undefined) stack.push(c);
        }
      }
    }
    const parent = this.#parent;
    if (parent !== null && parent.#children !== null && this.#ref !== null)
      parent.#children.delete(this.#ref);
    for (const t of all) {
      const ws = t.#waiters;
      for (let w = ws.shift(); w !== null; w = ws.shift()) w.wake();
    }
    for (const t of all) t.#controller?.abort();
  }

  /**
   * True once this token (or an ancestor) was cancelled.
   *
   * @example
   * ```ts
   * import { CancellationToken } from 'tokio-ts/sync';
   *
   * console.log(new CancellationToken().isCancelled()); // false
   * ```
   */
  isCancelled(): boolean {
    return this.#cancelled;
  }

  /**
   * Completes when the token is cancelled (at once if it already is).
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { CancellationToken } from 'tokio-ts/sync';
   *
   * main(function* () {
   *   const t = new CancellationToken();
   *   t.cancel();
   *   yield* t.cancelled();
   *   console.log('cancelled'); // cancelled
   * });
   * ```
   *
   * ## Cancel safety
   * Cancel safe: it takes nothing; a new `cancelled()` sees the same state.
   */
  cancelled(): Future<void> {
    return new CancelledLeaf(this);
  }

  /**
   * A new token that is cancelled when this one is (a child of a cancelled
   * token starts cancelled). Cancelling the child leaves this one alone.
   *
   * @example
   * ```ts
   * import { CancellationToken } from 'tokio-ts/sync';
   *
   * const root = new CancellationToken();
   * const grandchild = root.childToken().childToken();
   * root.cancel();
   * console.log(grandchild.isCancelled()); // true
   * ```
   */
  childToken(): CancellationToken {
    const child = new CancellationToken();
    if (this.#cancelled) {
      child.#cancelled = true;
      return child;
    }
    child.#parent = this;
    const ref = new WeakRef(child);
    child.#ref = ref;
    let kids = this.#children;
    if (kids === null) kids = this.#children = new Set();
    if (kids.size >= this.#sweepAt) {
      for (const r of kids) if (r.deref() === undefined) kids.delete(r);
      this.#sweepAt = Math.max(64, kids.size * 2);
    }
    kids.add(ref);
    return child;
  }

  /**
   * Runs `fut` until it finishes or the token is cancelled. Returns its value,
   * or `undefined` if the token was cancelled first (then `fut` is cancelled
   * and its cleanup awaited). An already-cancelled token returns `undefined`
   * without starting `fut`; if both are ready on the first poll, `fut` wins.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { pending } from 'tokio-ts/future';
   * import { CancellationToken } from 'tokio-ts/sync';
   *
   * main(function* () {
   *   const t = new CancellationToken();
   *   console.log(yield* t.runUntilCancelled(function* () { return 1; })); // 1
   *   t.cancel();
   *   console.log(yield* t.runUntilCancelled(pending<number>())); // undefined
   * });
   * ```
   *
   * ## Cancel safety
   * As cancel safe as `fut`.
   */
  *runUntilCancelled<T>(fut: FutureLike<T>): Generator<Suspend, T | undefined, unknown> {
    if (this.#cancelled) return undefined;
    const r = yield* select({ v: fut, c: this.cancelled() }, { biased: true });
    return r.key === 'v' ? (r.value as T) : undefined;
  }

  /**
   * An `AbortSignal` that aborts when this token is cancelled, for
   * promise-based APIs (`fetch(url, { signal: token.signal })`). Created on
   * first use.
   *
   * @example
   * ```ts
   * import { CancellationToken } from 'tokio-ts/sync';
   *
   * const t = new CancellationToken();
   * t.signal.addEventListener('abort', () => console.log('aborted'));
   * t.cancel(); // aborted
   * ```
   */
  get signal(): AbortSignal {
    let c = this.#controller;
    if (c === null) {
      c = this.#controller = new AbortController();
      if (this.#cancelled) c.abort();
    }
    return c.signal;
  }

  /** @internal */
  addWaiter(w: CancelledLeaf): void {
    this.#waiters.push(w);
  }

  /** @internal */
  removeWaiter(w: CancelledLeaf): void {
    this.#waiters.remove(w);
  }
}

/** The one listening token per AbortSignal (see `fromSignal`). */
const signalRoots = new WeakMap<AbortSignal, CancellationToken>();

/** The `abort` listener of every signal (`this` is the signal): no closure per signal. */
function cancelRootOf(this: AbortSignal): void {
  signalRoots.get(this)?.cancel();
}

const IDLE = 0;
const WAITING = 1;
const WOKEN = 2;
const DONE = 3;

/** The `cancelled()` leaf future. */
class CancelledLeaf
  implements Future<void>, Iterator<Suspend, void, unknown>, Waiting, ListNode<CancelledLeaf>
{
  pv: CancelledLeaf | null = null;
  nx: CancelledLeaf | null = null;
  list: LinkedList<any> | null = null;
  readonly #token: CancellationToken;
  #st = IDLE;
  #task: Task | null = null;

  constructor(token: CancellationToken) {
    this.#token = token;
  }

  [Symbol.iterator](): Iterator<Suspend, void, unknown> {
    if (this.#st !== IDLE) throw new Error('tokio-ts: this cancelled() future was already polled');
    return this;
  }

  next(): IteratorResult<Suspend, void> {
    const st = this.#st;
    if (st === IDLE) {
      if (this.#token.isCancelled()) {
        this.#st = DONE;
        return { done: true, value: undefined };
      }
      const task = currentTask();
      this.#task = task;
      this.#st = WAITING;
      this.#token.addWaiter(this);
      task.waitingOn = this;
      return SUSPENDED;
    }
    if (st === WOKEN) {
      this.#st = DONE;
      this.#task = null;
      return { done: true, value: undefined };
    }
    if (st === WAITING) {
      this.#task!.waitingOn = this;
      return SUSPENDED;
    }
    throw new Error('tokio-ts: cancelled() future polled after it completed');
  }

  /** @internal */
  wake(): void {
    this.#st = WOKEN;
    this.#task!.wake();
  }

  cancelWait(): void {
    if (this.#st === WAITING) this.#token.removeWaiter(this);
    this.#st = DONE;
    this.#task = null;
  }

  describe(): string {
    return 'cancellation token cancelled';
  }
}
