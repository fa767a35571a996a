/**
 * The per-thread execution context: which task is being polled and how much of
 * its cooperative budget is left, plus the suspension sentinel every leaf
 * future yields.
 *
 * How and why: leaves (a channel's `recv`, a `sleep`) need the current task to
 * park it, and the budget to decide whether a ready result may be taken without
 * yielding. Both live in one module-level object so the hot path is a property
 * read, with no `AsyncLocalStorage` (which slows promise-heavy code 2–3×).
 * @internal
 */
import type { Future, Suspend } from '../future/future.js';
import { WorkerError } from '../worker/error.js';
import type { Scheduler } from './scheduler.js';
import type { Task } from './task.js';

/** Tokio's initial coop budget per poll (`Budget::initial()`). */
export const BUDGET = 128;

/**
 * The budget of an `unconstrained` task: a large small-integer, not Infinity
 * (a double would make the budget a boxed number that every budget check
 * unboxes). Running out after a billion operations yields once. @internal
 */
export const UNCONSTRAINED_BUDGET = 0x3fff_ffff;

/**
 * `current`: the task being polled. `entered`: the scheduler a future factory
 * passed to `spawn`/`blockOn` is being called for (so `sleep()`, `timeout()`
 * and friends inside it bind to that runtime, not the caller's). @internal
 */
export const ctx: { current: Task | null; entered: Scheduler | null } = {
  current: null,
  entered: null,
};

/**
 * Set on the threads a runtime starts for itself (`'worker'` for a
 * multi-thread runtime's workers, `'blocking'` for blocking-pool threads),
 * null elsewhere. Those threads import the modules that define tasks, so a
 * module's unguarded top-level program runs there too. @internal
 */
let runtimeThreadKind: 'worker' | 'blocking' | null = null;

/** Called once by a runtime thread's entry script. @internal */
export function markRuntimeThread(kind: 'worker' | 'blocking'): void {
  runtimeThreadKind = kind;
}

/**
 * Throws if this is one of a runtime's own threads: `what` (starting a
 * program or a runtime there) is almost surely a task module's top-level code
 * run again by every worker, which would start threads that import the same
 * module again, without end. With `only`, just on that kind of thread. @internal
 */
export function refuseOnRuntimeThread(what: string, only?: 'blocking'): void {
  if (runtimeThreadKind === null || (only !== undefined && runtimeThreadKind !== only)) return;
  const thread = runtimeThreadKind === 'worker' ? 'a worker thread' : 'a blocking-pool thread';
  throw new WorkerError(
    'runtime-thread',
    `tokio-ts: ${what} on ${thread} of a runtime. Every such thread imports the modules that define tasks (defineTask/defineBlocking), so their top-level code runs there too: guard the program with \`if (isMainThread)\` (from node:worker_threads), or keep the definitions in a module of their own`,
  );
}

/**
 * The coop budget left in the current poll. A module variable, not a field of
 * `ctx`: every ready leaf reads and writes it, and the module's context slot
 * is cheaper than an object field (a Mutex + Semaphore acquire/release loop
 * ran ~4 % faster).
 */
let budget = BUDGET;

/** The budget left in the current poll. @internal */
export function getBudget(): number {
  return budget;
}

/** Sets the budget (the scheduler, at the start and end of a poll; `unconstrained`). @internal */
export function setBudget(b: number): void {
  budget = b;
}

/** The token every suspended leaf yields. @internal */
export const SUSPEND = Object.freeze({ tokioTsSuspend: true }) as unknown as Suspend;

/** The shared, immutable iterator result of a suspension. @internal */
export const SUSPENDED: IteratorResult<Suspend, never> = Object.freeze({
  done: false,
  value: SUSPEND,
}) as IteratorResult<Suspend, never>;

/**
 * What a parked task waits on. Leaves implement it: `cancelWait` undoes the
 * registration (and gives back a message/permit that was granted but not yet
 * consumed); it may return a Future the runtime drives before it returns the
 * task's generator. `describe` feeds task dumps.
 * @internal
 */
export interface Waiting {
  cancelWait(): Future<unknown> | undefined | void;
  describe(): string;
}

/**
 * Thrown when a leaf is driven outside any task: by `next()`, `for…of`, a
 * spread or an iterator helper (`fut.map(…)`, `fut.toArray()`, Node 22+).
 * @internal
 */
export function notInTask(): TypeError {
  return new TypeError(
    'tokio-ts: a Future can only be driven by the runtime: yield* it inside a task ' +
      '(spawn, blockOn, main), not by calling next() yourself, for…of, [...fut] or ' +
      'iterator helpers (fut.map(…), fut.toArray())',
  );
}

/** The task being polled; throws if none. @internal */
export function currentTask(): Task {
  const t = ctx.current;
  if (t === null) throw notInTask();
  return t;
}

/**
 * Spends one unit of coop budget. Returns false (and counts a forced yield) when
 * the budget is used up: the caller must then suspend with {@link parkForBudget}.
 * @internal
 */
export function coopProceed(): boolean {
  if (budget > 0) {
    budget--;
    return true;
  }
  return false;
}

/**
 * Suspends the current task with an immediate self-wake, so that others run
 * first. The leaf is polled again and must retry. @internal
 */
export function parkForBudget(leaf: Waiting): IteratorResult<Suspend, never> {
  const t = currentTask();
  t.sched.forcedYields++;
  t.waitingOn = leaf;
  t.sched.schedule(t);
  return SUSPENDED;
}
