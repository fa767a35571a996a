/**
 * Task definitions: what crosses a thread is a module URL plus a function name;
 * every thread that needs the definition imports the module, whose
 * `defineTask`/`defineBlocking` calls fill this thread's registry.
 */
import type { Future } from '../future/future.js';
import { canonicalModuleUrl, importTaskModule } from './ts-loader.js';

/** Marks definition objects (what `spawn(def, ...args)` recognises). */
export const DEF_MARK: unique symbol = Symbol.for('tokio-ts.taskDef');

/**
 * A task definition made by {@link defineTask}: a generator function any worker
 * of a multi-thread runtime can run, named by its module URL and function name.
 */
export interface TaskDef<A extends unknown[], R> {
  readonly [DEF_MARK]: 'task';
  readonly moduleUrl: string;
  readonly name: string;
  /** The function itself (callable on this thread). */
  readonly fn: (...args: A) => Future<R>;
}

/** A blocking definition made by {@link defineBlocking}: a synchronous function for the blocking pool. */
export interface BlockingDef<A extends unknown[], R> {
  readonly [DEF_MARK]: 'blocking';
  readonly moduleUrl: string;
  readonly name: string;
  readonly fn: (...args: A) => R;
}

const registry = new Map<string, TaskDef<any, any> | BlockingDef<any, any>>();

/**
 * Defines a task that can run on any worker thread. Call it at the top level of
 * a module, with that module's `import.meta.url` and a *named* generator
 * function: workers import the module and find the definition by name. The
 * module is imported on every worker, so keep side effects out of it: a
 * program at its top level must be guarded with `if (isMainThread)` — `main()`
 * or a multi-thread runtime started on one of a runtime's threads throws a
 * `WorkerError` of kind `'runtime-thread'` (the task that needed the module
 * fails with it) rather than run the program again there.
 * Spawn it with `spawn(def, ...args)` on a multi-thread runtime (from the main
 * thread or from inside a worker task); arguments and the result are
 * structured-cloned.
 *
 * The module may be TypeScript (`tasks.ts`) when the program runs under tsx
 * or Node's own type stripping: workers load it the way the main thread did.
 *
 * A task that spawns itself (fork-join) must name the *definition*, not its
 * own function: inside `function* fib(n)`, the name `fib` is the generator
 * function itself, so give the definition another name
 * (`export const fibTask = defineTask(url, function* fib(n) { … spawn(fibTask, n - 1) … })`).
 * Spawning the plain function with arguments (`spawn(fib, n - 1)`) runs it as
 * a task on the current thread, not on another worker.
 *
 * @example
 * ```ts
 * import { isMainThread } from 'node:worker_threads';
 * import { Runtime, spawn } from 'tokio-ts';
 * import { defineTask } from 'tokio-ts/worker';
 *
 * export const double = defineTask(import.meta.url, function* double(x: number) {
 *   return x * 2;
 * });
 *
 * // workers import this module: usually definitions live in their own module;
 * // here the program is guarded so that it runs on the main thread only
 * if (isMainThread) {
 *   const rt = Runtime.builder().multiThread().workerThreads(2).build();
 *   console.log(await rt.blockOn(function* () { return yield* spawn(double, 21); })); // 42
 *   await rt.shutdown();
 * }
 * ```
 *
 * ## Errors
 * Throws `TypeError` if the function is anonymous or the name is already
 * defined in that module. Spawning it never throws: joining the handle throws
 * `JoinError` whose `cause` is a `RemoteError` (the task threw) or a
 * `WorkerError` (`'uncloneable'` argument or result, `'crashed'` worker,
 * `'shutdown'`) — the same as `spawnBlocking`.
 */
export function defineTask<A extends unknown[], R>(
  moduleUrl: string,
  fn: (...args: A) => Future<R>,
): TaskDef<A, R> {
  return define('task', moduleUrl, fn) as TaskDef<A, R>;
}

/**
 * Defines a synchronous function for the blocking pool (`spawnBlocking(def,
 * ...args)`): CPU-bound or blocking work that must not stall the async workers.
 * Same rules as {@link defineTask}: top level, `import.meta.url`, a named function.
 *
 * @example
 * ```ts
 * import { isMainThread } from 'node:worker_threads';
 * import { defineBlocking, spawnBlocking } from 'tokio-ts/worker';
 *
 * export const sum = defineBlocking(import.meta.url, function sum(n: number) {
 *   let s = 0;
 *   for (let i = 0; i < n; i++) s += i;
 *   return s;
 * });
 *
 * if (isMainThread) console.log(await spawnBlocking(sum, 10)); // 45
 * ```
 */
export function defineBlocking<A extends unknown[], R>(
  moduleUrl: string,
  fn: (...args: A) => R,
): BlockingDef<A, R> {
  return define('blocking', moduleUrl, fn) as BlockingDef<A, R>;
}

function define(kind: 'task' | 'blocking', url: string, fn: unknown): unknown {
  if (typeof url !== 'string' || !url.includes(':'))
    throw new TypeError(
      `define${kind === 'task' ? 'Task' : 'Blocking'}: pass import.meta.url as the module URL`,
    );
  const moduleUrl = canonicalModuleUrl(url);
  if (typeof fn !== 'function') throw new TypeError('tokio-ts: a task definition needs a function');
  const name = fn.name;
  if (name === '' || name === 'anonymous')
    throw new TypeError(
      kind === 'task'
        ? 'tokio-ts: defineTask needs a named generator function, defineTask(import.meta.url, function* name(…) {…}): workers find it by its name'
        : 'tokio-ts: defineBlocking needs a named function, defineBlocking(import.meta.url, function name(…) {…}), not an arrow function: workers find it by its name',
    );
  const key = `${moduleUrl}#${name}`;
  if (registry.has(key)) throw new TypeError(`tokio-ts: task definition ${key} is defined twice`);
  const def = Object.freeze({ [DEF_MARK]: kind, moduleUrl, name, fn });
  registry.set(key, def as TaskDef<any, any>);
  return def;
}

/** True if `v` is a task or blocking definition. @internal */
export function isDef(v: unknown): v is TaskDef<any, any> | BlockingDef<any, any> {
  return typeof v === 'object' && v !== null && DEF_MARK in v;
}

/** The registry key of a definition. @internal */
export function defKey(def: { moduleUrl: string; name: string }): string {
  return `${def.moduleUrl}#${def.name}`;
}

/** Finds a definition by key, importing its module first if needed. @internal */
export async function loadDef(key: string): Promise<TaskDef<any, any> | BlockingDef<any, any>> {
  let def = registry.get(key);
  if (def !== undefined) return def;
  const hash = key.lastIndexOf('#');
  await importTaskModule(key.slice(0, hash));
  def = registry.get(key);
  if (def === undefined)
    throw new Error(`tokio-ts: ${key.slice(0, hash)} defines no task '${key.slice(hash + 1)}'`);
  return def;
}

/**
 * The modules that define the task definitions known on this thread (what a
 * starting worker imports ahead of the first spawn). @internal
 */
export function taskModuleUrls(): string[] {
  const urls = new Set<string>();
  for (const def of registry.values()) if (def[DEF_MARK] === 'task') urls.add(def.moduleUrl);
  return [...urls];
}

/** A definition already loaded on this thread, or undefined. @internal */
export function loadedDef(key: string): TaskDef<any, any> | BlockingDef<any, any> | undefined {
  return registry.get(key);
}
