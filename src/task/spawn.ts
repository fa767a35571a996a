/**
 * `spawn` and the small task utilities: `yieldNow`, `consumeBudget`,
 * `unconstrained`, `currentTaskId`.
 */
import type { Future, FutureLike, Output, Suspend } from '../future/future.js';
import {
  BUDGET,
  coopProceed,
  ctx,
  currentTask,
  getBudget,
  parkForBudget,
  SUSPENDED,
  setBudget,
  UNCONSTRAINED_BUDGET,
  type Waiting,
} from '../runtime/context.js';
import {
  currentScheduler,
  type SpawnOptions,
  spawnArgsError,
  spawnName,
} from '../runtime/runtime.js';
import type { TaskDef } from '../worker/task-def.js';
import type { TaskId } from './error.js';
import { handleOf, type JoinHandle } from './join-handle.js';

/**
 * What `spawn` accepts for a Future argument of type `F`: `F` itself when it is a
 * {@link FutureLike}; otherwise a message type naming the mistake, which is the
 * first line of the type error ("…is not assignable to parameter of type
 * 'tokio-ts: …'").
 */
export type SpawnArg<F> =
  F extends PromiseLike<unknown>
    ? 'tokio-ts: spawn() takes a Future, not a Promise: wrap it with call(), e.g. spawn(call(() => fetch(url)))'
    : F extends FutureLike<unknown>
      ? F
      : F extends (() => Iterator<unknown>) | Iterator<unknown>
        ? 'tokio-ts: this generator yields something that is not a Future step: use yield* (not yield) to wait for a Future'
        : FutureLike<unknown>;

/** Spawns a task definition (`tokio-ts/worker`'s `defineTask`) on a worker thread. */
export function spawn<A extends unknown[], R>(def: TaskDef<A, R>, ...args: A): JoinHandle<R>;
/**
 * Spawns `fn(...args)`: `fn` (a generator function, or any function returning
 * a Future) is called inside the runtime with the arguments, no closure made.
 */
export function spawn<A extends [unknown, ...unknown[]], T>(
  fn: (...args: A) => Future<T>,
  ...args: A
): JoinHandle<T>;
// (The Future overload comes last: when no overload matches, TypeScript 7
// reports only the last one's error, and that is the one with the message.)
/**
 * Spawns a new task: it starts on the next turn of the scheduler (never inside
 * `spawn`) and runs detached, as in Tokio: it outlives the task that spawned it,
 * and dropping the handle does not stop it. Use `handle.abort()`, a `JoinSet`
 * or a `scope` to give it an owner.
 *
 * Three forms: a future (`spawn(work(1))`), a factory with options
 * (`spawn(function* () {…}, { name })`), and a generator function with its
 * arguments (`spawn(work, 1, 2)`, which starts `work(1, 2)` inside the
 * runtime). The last is the fast form for hot loops: no closure per task.
 * An inline `function* () {…}` is a new generator function each time it is
 * evaluated, and V8 gives every one its own prototype object: a spawn+join
 * of one took 1.9–2.8 µs on Node 20–26, ~11× the fast form (`bench/RESULTS.md`).
 *
 * @example
 * ```ts
 * import { main, spawn } from 'tokio-ts';
 *
 * function* square(n: number) {
 *   return n * n;
 * }
 *
 * main(function* () {
 *   const h = spawn(function* () { return 'from a task'; }, { name: 'worker' });
 *   console.log(yield* h); // from a task
 *   let sum = 0;
 *   for (let i = 0; i < 1000; i++) sum += yield* spawn(square, i); // the fast form
 *   console.log(sum); // 332833500
 * });
 * ```
 *
 * ## Errors
 * Throws `TypeError` if `fut` is not a Future (a Promise must be wrapped in
 * `call`), or if arguments follow a function that declares no parameters
 * (`fn.length === 0`: such a function takes an options object only). Which
 * form applies is decided by `fn.length`: a function whose parameters are all
 * optional or defaulted (`function* (x?: T)` declares one, `function* (x = 1)`
 * none) is best spawned as `spawn(fn(x), { name })`.
 */
export function spawn<T = unknown, F = FutureLike<T>>(
  fut: SpawnArg<F>,
  opts?: SpawnOptions,
): JoinHandle<Output<F>>;
export function spawn(fut: unknown, arg?: unknown): JoinHandle<unknown> {
  // `arguments`, not a rest parameter: the array a rest parameter makes was one
  // allocation per spawn, and `spawn(fn, x)` is the hot-loop form.
  // biome-ignore lint/complexity/noArguments: see above
  const argc = arguments.length;
  if (typeof fut === 'function') {
    let arity = lastArity;
    if (fut !== lastFn) {
      arity = fut.length;
      lastFn = fut;
      lastArity = arity;
    }
    if (arity > 0) {
      const sched = currentScheduler();
      return handleOf(
        argc === 2
          ? sched.spawnCall1(fut as never, arg)
          : // biome-ignore lint/complexity/noArguments: see above
            sched.spawnCall(fut as never, Array.prototype.slice.call(arguments, 1)),
      );
    }
  } else if (defSpawner !== null && typeof fut === 'object' && fut !== null && DEF_KEY in fut)
    return argc === 2
      ? defSpawner(fut, null, arg) // `spawn(def, x)`: no arguments array either
      : // biome-ignore lint/complexity/noArguments: see above
        defSpawner(fut, Array.prototype.slice.call(arguments, 1), undefined);
  if (argc > 2)
    throw spawnArgsError(
      'spawn',
      typeof fut === 'function'
        ? `got ${argc - 1} arguments for a function that declares no parameters`
        : `got ${argc} arguments`,
    );
  const name = spawnName(arg, 'spawn');
  return handleOf(currentScheduler().spawn(fut, name));
}

// `fn.length` of the function spawned last: reading a function's `length`
// calls V8's native accessor (~9 ns, a tenth of a spawn+join on Node 26), and
// a hot loop spawns the same function every time. (It keeps that one
// function alive until another is spawned.)
let lastFn: unknown = null;
let lastArity = 0;

const DEF_KEY = Symbol.for('tokio-ts.taskDef');
/** `args` null: the definition's only argument is `a0`. */
type DefSpawner = (def: object, args: unknown[] | null, a0: unknown) => JoinHandle<unknown>;
let defSpawner: DefSpawner | null = null;

/** Installed by the worker module: how `spawn(def, ...args)` runs a task definition. @internal */
export function setDefSpawner(f: DefSpawner): void {
  defSpawner = f;
}

/**
 * Yields to the scheduler once: the task goes to the back of the run queue.
 *
 * @example
 * ```ts
 * import { main, spawn, yieldNow } from 'tokio-ts';
 *
 * main(function* () {
 *   spawn(function* () { console.log('other task'); });
 *   yield* yieldNow(); // lets the spawned task run first
 *   console.log('main');
 * });
 * ```
 *
 * ## Cancel safety
 * Cancel safe.
 */
export function yieldNow(): Future<void> {
  return new YieldNow();
}

class YieldNow implements Future<void>, Iterator<Suspend, void, unknown>, Waiting {
  #yielded = false;
  [Symbol.iterator](): Iterator<Suspend, void, unknown> {
    return this;
  }
  next(): IteratorResult<Suspend, void> {
    if (this.#yielded) return { done: true, value: undefined };
    this.#yielded = true;
    const t = currentTask();
    t.waitingOn = this;
    t.sched.schedule(t);
    return SUSPENDED;
  }
  cancelWait(): void {}
  describe(): string {
    return 'yieldNow';
  }
}

/**
 * Spends one unit of the task's coop budget, yielding only if it is used up.
 * Put it in loops that do work without ever waiting.
 *
 * The budget is Tokio's: 128 units per poll of a task, spent by every leaf
 * that completes without waiting (a channel with a message, a free lock, a
 * finished join). It is one budget per task: `select`/`join`/`race`/`tryJoin`
 * branches and a `timeout`'s future spend the budget of the task that polls
 * them. A task that runs out yields to the other tasks; yielding to Node's
 * event loop is the scheduler's batch rule (see `Builder.eventInterval`).
 *
 * @example
 * ```ts
 * import { main, consumeBudget } from 'tokio-ts';
 *
 * main(function* () {
 *   let sum = 0;
 *   for (let i = 0; i < 1000; i++) { sum += i; yield* consumeBudget(); }
 *   console.log(sum); // 499500
 * });
 * ```
 *
 * ## Cancel safety
 * Cancel safe.
 */
export function consumeBudget(): Future<void> {
  return new ConsumeBudget();
}

class ConsumeBudget implements Future<void>, Iterator<Suspend, void, unknown>, Waiting {
  #parked = false;
  [Symbol.iterator](): Iterator<Suspend, void, unknown> {
    return this;
  }
  next(): IteratorResult<Suspend, void> {
    if (this.#parked || coopProceed()) return { done: true, value: undefined };
    this.#parked = true;
    return parkForBudget(this);
  }
  cancelWait(): void {}
  describe(): string {
    return 'consumeBudget (forced yield)';
  }
}

/**
 * True while the current task has coop budget left, so the next ready
 * operation will not force a yield (Tokio's `coop::has_budget_remaining`).
 * Outside a task there is no budget to run out of: true.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { consumeBudget, hasBudgetRemaining } from 'tokio-ts/task';
 *
 * main(function* () {
 *   console.log(hasBudgetRemaining()); // true
 *   for (let i = 0; i < 128; i++) yield* consumeBudget();
 *   console.log(hasBudgetRemaining()); // false: the next ready operation yields first
 * });
 * ```
 */
export function hasBudgetRemaining(): boolean {
  return ctx.current === null || getBudget() > 0;
}

/**
 * Runs `fut` with the coop budget switched off: ready futures inside it never
 * force a yield. It may starve other tasks; use it sparingly.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { ready } from 'tokio-ts/future';
 * import { unconstrained } from 'tokio-ts/task';
 *
 * main(function* () {
 *   const v = yield* unconstrained(function* () { return yield* ready(1); });
 *   console.log(v); // 1
 * });
 * ```
 */
export function* unconstrained<T>(fut: FutureLike<T>): Generator<Suspend, T, unknown> {
  const task = currentTask();
  const f = typeof fut === 'function' ? fut() : fut;
  task.unconstrained++;
  setBudget(UNCONSTRAINED_BUDGET);
  try {
    return yield* f as Future<T> as Iterable<Suspend, T, unknown>;
  } finally {
    task.unconstrained--;
    if (task.unconstrained === 0 && ctx.current === task) setBudget(BUDGET);
  }
}

/**
 * The id of the task being run, or `undefined` outside any task.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { currentTaskId } from 'tokio-ts/task';
 *
 * main(function* () { console.log(typeof currentTaskId()); }); // number
 * ```
 */
export function currentTaskId(): TaskId | undefined {
  return ctx.current?.id;
}
