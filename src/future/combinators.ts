/**
 * `select`, `race`, `join`, `tryJoin`: run futures concurrently inside one task.
 *
 * How and why: each branch runs as a lightweight child task of the current
 * task (its own wait record and cancellation; it spends the task's coop
 * budget, as in Tokio), but it is never queued
 * on its own: on the first poll the combinator polls every branch inline, and
 * a branch that is woken later wakes the parent, whose next poll polls it
 * (`pollWoken`), as Tokio's `select!` polls its branches when it is polled.
 * So a branch cannot finish (take a message, deliver a send) while its parent
 * is not running: an abort that lands first drops it, and what it was granted
 * goes back. Losing branches are cancelled
 * synchronously (their cancel hooks give back what they were granted, their
 * `finally` blocks run) and the combinator returns only after their cleanup
 * has finished. If the parent task is cancelled, the branches are cancelled
 * and awaited first (the cancel hook returns a Future the runtime drives).
 */

import {
  currentTask,
  getBudget,
  parkForBudget,
  SUSPENDED,
  type Waiting,
} from '../runtime/context.js';
import { Outcome, State, type Task, type TaskObserver } from '../runtime/task.js';
import { type Future, type FutureLike, type Output, type Suspend, toIterator } from './future.js';

enum Mode {
  Select = 0,
  Race = 1,
  Join = 2,
  TryJoin = 3,
}

enum S {
  Init = 0,
  Waiting = 1,
  Cancelling = 2,
  Finished = 3,
}

const MODE_NAMES = ['select', 'race', 'join', 'tryJoin'];

/** The result of {@link select}: which branch finished, and its value. */
export type SelectResult<B> = {
  [K in keyof B & string]: { key: K; value: Output<B[K]> };
}[keyof B & string];

/** A {@link select} branch: a future, or `undefined`/`null`/`false` for a disabled one. */
export type SelectBranch = FutureLike<unknown> | undefined | null | false;

/** Options of {@link select}. */
export interface SelectOptions {
  /** Poll branches in declaration order instead of a random start (Tokio's `biased;`). */
  biased?: boolean;
}

/** Options of {@link select} with an `else` branch. */
export interface SelectElseOptions<E> extends SelectOptions {
  /**
   * Runs instead when every branch is disabled (Tokio's `else =>`); the select
   * then returns `{ key: 'else', value }`.
   */
  else: FutureLike<E>;
}

/**
 * Waits for the first of several futures to finish. `branches` is a record;
 * the result is `{ key, value }`, a union discriminated on `key`. The other
 * branches are cancelled and their cleanup has finished when it returns. A
 * branch that throws finishes the select by throwing.
 *
 * ## Disabled branches and `else`
 * A branch whose value is `undefined`, `null` or `false` is disabled (Tokio's
 * `, if condition` precondition): `select({ msg: open && rx.recv(), … })`.
 * When every branch is disabled, the `else` option runs instead and the
 * select returns `{ key: 'else', value }` (Tokio's `else =>` branch); without
 * `else` that is an `Error`, as Tokio panics. Tokio's pattern branches
 * (`Some(v) = rx.recv()`) have no equivalent: test the value in the result.
 *
 * @example
 * ```ts
 * import { main, select } from 'tokio-ts';
 * import { ready } from 'tokio-ts/future';
 *
 * main(function* () {
 *   const open = false;
 *   const r = yield* select({ msg: open && ready('hi') }, { else: ready('all disabled') });
 *   console.log(r.key, r.value); // else all disabled
 * });
 * ```
 *
 * @example
 * ```ts
 * import { main, select, sleep } from 'tokio-ts';
 * import { Mutex } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const m = new Mutex('hello');
 *   const r = yield* select({ guard: m.lock(), tick: sleep(1000) });
 *   if (r.key === 'guard') console.log(r.value.value); // hello
 * });
 * ```
 *
 * ## Fairness
 * Branches are polled from a random start each time, unless `{ biased: true }`.
 * When the task has used up its coop budget, the select yields before
 * polling any branch (as Tokio's `select!`), so a loop of selects over ready
 * branches still lets other tasks run.
 *
 * ## Cancel safety
 * Cancel safe when every branch is: the losers' cancel hooks give back
 * messages, permits and locks they were granted but did not consume.
 */
export function select<B extends Record<string, SelectBranch>, E>(
  branches: B,
  opts: SelectElseOptions<E>,
): Future<SelectResult<B> | { key: 'else'; value: E }>;
export function select<B extends Record<string, SelectBranch>>(
  branches: B,
  opts?: SelectOptions,
): Future<SelectResult<B>>;
export function select(
  branches: Record<string, SelectBranch>,
  opts?: SelectOptions & { else?: FutureLike<unknown> },
): Future<unknown> {
  if (branches === null || typeof branches !== 'object') {
    throw new TypeError('select() expects a record of futures: select({ a: futA, b: futB })');
  }
  const all = Object.keys(branches);
  if (all.length === 0 && opts?.else === undefined)
    throw new RangeError('select() needs at least one branch');
  const keys: string[] = [];
  const items: FutureLike<unknown>[] = [];
  for (const k of all) {
    const b = branches[k];
    if (b === undefined || b === null || b === false) continue; // disabled
    keys.push(k);
    items.push(b);
  }
  if (keys.length === 0) return selectElse(opts?.else);
  return new CombinatorFuture(Mode.Select, items, keys, opts?.biased === true);
}

/** Every branch is disabled: the `else` branch, or Tokio's panic as an error. */
function* selectElse(
  orElse: FutureLike<unknown> | undefined,
): Generator<Suspend, { key: 'else'; value: unknown }, unknown> {
  if (orElse === undefined)
    throw new Error('tokio-ts: every select() branch is disabled and there is no else branch');
  const it = toIterator(orElse, 'select else');
  return { key: 'else', value: yield* { [Symbol.iterator]: () => it } };
}

/**
 * The first future to finish wins, with its value or its error; the rest are
 * cancelled and their cleanup awaited.
 *
 * @example
 * ```ts
 * import { main, race, sleep } from 'tokio-ts';
 *
 * main(function* () {
 *   const v = yield* race(function* () { yield* sleep(10); return 'fast'; },
 *                         function* () { yield* sleep(20); return 'slow'; });
 *   console.log(v); // fast
 * });
 * ```
 *
 * ## Cancel safety
 * As {@link select}.
 */
export function race<const T extends readonly FutureLike<unknown>[]>(
  ...futures: T
): Future<Output<T[number]>> {
  if (futures.length === 0) throw new RangeError('race() needs at least one future');
  return new CombinatorFuture(Mode.Race, futures, null, true) as Future<Output<T[number]>>;
}

/** The result tuple of {@link join} / {@link tryJoin}. */
export type JoinTuple<T extends readonly unknown[]> = { -readonly [K in keyof T]: Output<T[K]> };
/** The result record of {@link join} / {@link tryJoin}. */
export type JoinRecord<R> = { [K in keyof R]: Output<R[K]> };

/** Options of {@link join} and {@link tryJoin}, passed as the last argument. */
export interface JoinOptions {
  /**
   * Poll branches in declaration order every time (Tokio's `join!(biased; …)`)
   * instead of starting one branch further each poll.
   */
  biased: boolean;
}

/**
 * Runs all futures concurrently and returns all their values, as a tuple (or a
 * record for `join({ a, b })`). If one throws, the others still run to the
 * end; then the first error is thrown.
 *
 * ## Fairness
 * As Tokio's `join!`, each poll starts at the next branch (the first poll at
 * the first, the next at the second, …), so no branch is always polled
 * first; pass `{ biased: true }` as the last argument to poll in declaration
 * order every time: `join(a, b, { biased: true })`.
 *
 * @example
 * ```ts
 * import { main, join, sleep } from 'tokio-ts';
 *
 * main(function* () {
 *   const [a, b] = yield* join(function* () { yield* sleep(10); return 1; },
 *                              function* () { yield* sleep(10); return 'two'; });
 *   console.log(a, b); // 1 two
 * });
 * ```
 *
 * ## Cancel safety
 * Cancelling the join cancels every branch and waits for their cleanup.
 */
export function join<const T extends readonly FutureLike<unknown>[]>(
  ...futures: T
): Future<JoinTuple<T>>;
export function join<const T extends readonly FutureLike<unknown>[]>(
  ...args: [...futures: T, opts: JoinOptions]
): Future<JoinTuple<T>>;
export function join<R extends Record<string, FutureLike<unknown>>>(
  record: R,
  opts?: JoinOptions,
): Future<JoinRecord<R>>;
export function join(...args: unknown[]): Future<unknown> {
  return makeJoin(Mode.Join, args);
}

/**
 * Like {@link join}, but the first error cancels the other branches (their
 * cleanup is awaited) and is thrown. Polls branches as {@link join} does
 * (rotating, or in order with `{ biased: true }` as the last argument).
 *
 * @example
 * ```ts
 * import { main, tryJoin, sleep } from 'tokio-ts';
 *
 * main(function* () {
 *   try {
 *     yield* tryJoin(function* () { throw new Error('boom'); }, sleep(60_000));
 *   } catch (e) {
 *     console.log((e as Error).message); // boom, at once
 *   }
 * });
 * ```
 *
 * ## Cancel safety
 * As {@link join}.
 */
export function tryJoin<const T extends readonly FutureLike<unknown>[]>(
  ...futures: T
): Future<JoinTuple<T>>;
export function tryJoin<const T extends readonly FutureLike<unknown>[]>(
  ...args: [...futures: T, opts: JoinOptions]
): Future<JoinTuple<T>>;
export function tryJoin<R extends Record<string, FutureLike<unknown>>>(
  record: R,
  opts?: JoinOptions,
): Future<JoinRecord<R>>;
export function tryJoin(...args: unknown[]): Future<unknown> {
  return makeJoin(Mode.TryJoin, args);
}

/** True for a `{ biased }` options object (a record of futures has futures as values). */
function isJoinOptions(x: unknown): x is JoinOptions {
  if (x === null || typeof x !== 'object' || isIterable(x)) return false;
  const keys = Object.keys(x);
  return (
    keys.length === 1 && keys[0] === 'biased' && typeof (x as JoinOptions).biased === 'boolean'
  );
}

function isIterable(x: object): boolean {
  return typeof (x as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}

function makeJoin(mode: Mode, args: unknown[]): Future<unknown> {
  let n = args.length;
  let biased = false;
  if (n > 0 && isJoinOptions(args[n - 1])) {
    biased = (args[n - 1] as JoinOptions).biased;
    n--;
  }
  const one = args[0];
  if (n === 1 && one !== null && typeof one === 'object' && !isIterable(one)) {
    const rec = one as Record<string, FutureLike<unknown>>;
    const keys = Object.keys(rec);
    return new CombinatorFuture(
      mode,
      keys.map((k) => rec[k]!),
      keys,
      biased,
    );
  }
  const items = n === args.length ? args : args.slice(0, n);
  return new CombinatorFuture(mode, items as FutureLike<unknown>[], null, biased);
}

class CombinatorFuture
  implements Future<unknown>, Iterator<Suspend, unknown, unknown>, Waiting, TaskObserver
{
  readonly #mode: Mode;
  #items: readonly FutureLike<unknown>[] | null;
  readonly #keys: string[] | null;
  readonly #biased: boolean;
  #state = S.Init;
  #parent: Task | null = null;
  #children: Task[] = [];
  #remaining = 0;
  /** select/race: the winner; join: the first failure; tryJoin: the failure */
  #decided: Task | null = null;
  /** true while branches are polled inline (the parent is running) */
  #starting = false;
  /** branches woken since the parent's last poll, polled by the next one */
  #woken: Task[] = [];
  /** join/tryJoin: the branch index the next poll starts at (Tokio's join! rotation) */
  #rotate = 0;
  /** select/race: parked once because the task's budget was used up */
  #budgetYielded = false;

  constructor(
    mode: Mode,
    items: readonly FutureLike<unknown>[],
    keys: string[] | null,
    biased: boolean,
  ) {
    this.#mode = mode;
    this.#items = items;
    this.#keys = keys;
    this.#biased = biased;
  }

  [Symbol.iterator](): Iterator<Suspend, unknown, unknown> {
    if (this.#state !== S.Init)
      throw new Error(`tokio-ts: this ${MODE_NAMES[this.#mode]}() future was already polled`);
    return this;
  }

  next(): IteratorResult<Suspend, unknown> {
    if (this.#state === S.Init) {
      // Tokio's select! returns Pending when the task's budget is used up,
      // before polling any branch: its ready branches would win forever and a
      // loop of selects would never yield (macros_select.rs select_is_budget_aware)
      if (
        !this.#budgetYielded &&
        getBudget() <= 0 &&
        (this.#mode === Mode.Select || this.#mode === Mode.Race)
      ) {
        this.#budgetYielded = true;
        return parkForBudget(this);
      }
      return this.#start();
    }
    if (this.#woken.length > 0) this.pollWoken();
    if (this.#remaining === 0) return this.#finish();
    this.#parent!.waitingOn = this;
    return SUSPENDED;
  }

  /** A branch was woken: the parent polls it (scheduler, `Task.branch`). */
  childWoken(child: Task): void {
    if (child.inQueue) return;
    child.inQueue = true; // here: "in the woken list"
    this.#woken.push(child);
    this.#parent!.wake();
  }

  /**
   * Polls the woken branches inline, in the parent's poll (Tokio's select
   * polls its branches when it is polled). Branches woken during this pass
   * (one gave another a message, or one used up its budget) wait for the
   * parent's next poll: the parent was woken again, and yields first. @internal
   */
  pollWoken(): void {
    const woken = this.#woken;
    const n = woken.length;
    if (n === 0) return;
    const sched = this.#parent!.sched;
    const stopEarly = this.#mode === Mode.Select || this.#mode === Mode.Race;
    const wasStarting = this.#starting;
    this.#starting = true; // the parent is running: taskDone must not wake it
    let start = 0;
    if (!stopEarly) {
      // join/tryJoin: in branch order from this poll's start (0 when biased)
      if (n > 1) this.#orderWoken(woken);
    } else if (!this.#biased && n > 1) {
      // select: start at a random one of them, as Tokio's select starts at a
      // random branch each poll
      start = Math.floor(sched.random() * n);
    }
    for (let k = 0; k < n; k++) woken[k]!.inQueue = false;
    for (let k = 0; k < n; k++) {
      const c = woken[(start + k) % n]!;
      // (a decided select has cancelled the others: they are no longer Scheduled)
      if (c.state === State.Scheduled && !c.inQueue) sched.pollBranch(c);
      if (stopEarly && this.#decided !== null) break;
    }
    woken.splice(0, n);
    this.#starting = wasStarting;
  }

  /**
   * join/tryJoin: sorts the woken branches by index, counted from the index
   * this poll starts at, which moves one further each poll unless biased (as
   * Tokio's `join!` polls from a rotating start).
   */
  #orderWoken(woken: Task[]): void {
    if (this.#biased) {
      woken.sort(byIndex);
      return;
    }
    const total = this.#children.length;
    const from = this.#rotate;
    this.#rotate = from + 1 === total ? 0 : from + 1;
    woken.sort((a, b) => ((a.index - from + total) % total) - ((b.index - from + total) % total));
  }

  #start(): IteratorResult<Suspend, unknown> {
    const parent = currentTask();
    this.#parent = parent;
    const items = this.#items!;
    this.#items = null;
    const n = items.length;
    const what = MODE_NAMES[this.#mode]!;
    const gens: Iterator<Suspend, unknown, unknown>[] = new Array(n);
    for (let i = 0; i < n; i++) gens[i] = toIterator(items[i]!, what);
    const sched = parent.sched;
    const children = this.#children;
    for (let i = 0; i < n; i++) children.push(sched.child(gens[i]!, parent, this, i));
    this.#remaining = n;
    this.#state = S.Waiting;
    this.#starting = true;
    const stopEarly = this.#mode === Mode.Select || this.#mode === Mode.Race;
    // select: a random start unless biased; join: the first branch, then the
    // next one at each later poll (Tokio's join!)
    let start = 0;
    if (stopEarly) {
      if (!this.#biased && n > 1) start = Math.floor(sched.random() * n);
    } else if (!this.#biased && n > 1) this.#rotate = 1;
    for (let k = 0; k < n; k++) {
      const child = children[(start + k) % n]!;
      if (child.state !== State.Done) sched.pollBranch(child);
      if (stopEarly && this.#decided !== null) break;
      if (this.#mode === Mode.TryJoin && this.#decided !== null) break;
    }
    this.#starting = false;
    if (this.#remaining === 0) return this.#finish();
    parent.waitingOn = this;
    return SUSPENDED;
  }

  taskDone(child: Task): void {
    this.#remaining--;
    const mode = this.#mode;
    if (this.#state === S.Waiting && this.#decided === null) {
      if (mode === Mode.Select || mode === Mode.Race) {
        if (child.outcome !== Outcome.Cancelled) {
          this.#decided = child;
          this.#cancelAll(child);
        }
      } else if (child.outcome === Outcome.Err) {
        this.#decided = child;
        if (mode === Mode.TryJoin) this.#cancelAll(child);
      }
    }
    if (this.#remaining === 0 && !this.#starting) this.#parent!.wake();
  }

  #cancelAll(except: Task | null): void {
    const children = this.#children;
    const sched = this.#parent!.sched;
    for (let i = 0; i < children.length; i++) {
      const c = children[i]!;
      if (c !== except && c.state !== State.Done) sched.cancelNow(c);
    }
  }

  #finish(): IteratorResult<Suspend, unknown> {
    this.#state = S.Finished;
    const mode = this.#mode;
    const d = this.#decided;
    const children = this.#children;
    this.#children = [];
    if (mode === Mode.Select || mode === Mode.Race) {
      if (d === null) throw new Error(`tokio-ts: every ${MODE_NAMES[mode]}() branch was cancelled`);
      if (d.outcome === Outcome.Err) throw d.result;
      return {
        done: true,
        value: mode === Mode.Select ? { key: this.#keys![d.index], value: d.result } : d.result,
      };
    }
    if (d !== null) throw d.result;
    const keys = this.#keys;
    if (keys === null) {
      const out = new Array(children.length);
      for (let i = 0; i < children.length; i++) out[i] = children[i]!.result;
      return { done: true, value: out };
    }
    const rec: Record<string, unknown> = {};
    for (let i = 0; i < children.length; i++) rec[keys[i]!] = children[i]!.result;
    return { done: true, value: rec };
  }

  cancelWait(): Future<unknown> | undefined {
    if (this.#parent === null) {
      this.#state = S.Finished; // cancelled while parked for budget: no branch started
      return undefined;
    }
    this.#state = S.Cancelling;
    this.#cancelAll(null);
    if (this.#remaining === 0) return undefined;
    return new DrainBranches(this);
  }

  /** @internal */
  get remaining(): number {
    return this.#remaining;
  }

  /** @internal */
  get parent(): Task {
    return this.#parent!;
  }

  subtasks(): Task[] {
    return this.#children;
  }

  describe(): string {
    const keys = this.#keys;
    const inner = keys !== null ? keys.join(', ') : `${this.#children.length} branches`;
    return `${MODE_NAMES[this.#mode]}(${inner})`;
  }
}

function byIndex(a: Task, b: Task): number {
  return a.index - b.index;
}

/** Parks the cancelled parent until its branches' cleanup has finished. */
class DrainBranches implements Future<void>, Iterator<Suspend, void, unknown>, Waiting {
  readonly #c: CombinatorFuture;
  constructor(c: CombinatorFuture) {
    this.#c = c;
  }
  [Symbol.iterator](): Iterator<Suspend, void, unknown> {
    return this;
  }
  next(): IteratorResult<Suspend, void> {
    this.#c.pollWoken(); // cancelled branches whose cleanup was woken
    if (this.#c.remaining === 0) return { done: true, value: undefined };
    this.#c.parent.waitingOn = this;
    return SUSPENDED;
  }
  cancelWait(): void {}
  describe(): string {
    return `waiting for cancelled branches of ${this.#c.describe()}`;
  }
  subtasks(): Task[] {
    return this.#c.subtasks();
  }
}
