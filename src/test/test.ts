/**
 * `test`: a `node:test` test whose body runs as a task on a fresh runtime.
 */
import nodeTest from 'node:test';
import type { Future, FutureLike } from '../future/future.js';
import { dumpText } from '../runtime/dump-text.js';
import { userLocation } from '../runtime/location.js';
import { enterThreadRuntime, Runtime } from '../runtime/runtime.js';

/** Options of {@link test}. */
export interface TestOptions {
  /** Start the runtime's clock paused: sleeps auto-advance, so time-based tests are instant and exact. */
  startPaused?: boolean;
  /**
   * Fail the test after this many real milliseconds, with a dump of its tasks
   * (also under other frameworks: `runTest` enforces it itself).
   */
  timeout?: number;
  /** Do not fail when tasks spawned by the body are still alive at its end. */
  allowLeaks?: boolean;
  /**
   * Shuffle the run queue with this seed: a reproducible interleaving. Loop
   * over seeds to explore schedules; print the seed of a failure.
   */
  seed?: number;
  /** Skip the test (node:test's `skip`). */
  skip?: boolean | string;
  /** Run only this test (node:test's `only`). */
  only?: boolean;
}

/**
 * Declares a `node:test` test whose body runs as a task on a fresh runtime.
 * The test fails if the body throws, or if tasks it spawned are still alive
 * when it returns (they are cancelled, and listed in the failure), unless
 * `allowLeaks` is set. A body that deadlocks (Node's event loop runs out of
 * work while it waits) fails with the runtime's explanation and task dump.
 * While it runs, the runtime is also the thread's runtime: a task spawned
 * from a Node callback (a timer, an EventEmitter listener) lands on it and
 * sees its paused clock.
 *
 * @example
 * ```ts
 * import { test } from 'tokio-ts/test';
 * import { sleep } from 'tokio-ts/time';
 * import assert from 'node:assert/strict';
 *
 * test('an hour passes in no time', { startPaused: true }, function* () {
 *   yield* sleep(3_600_000);
 *   assert.ok(true);
 * });
 * ```
 */
export function test(name: string, fn: FutureLike<void> | (() => Future<unknown>)): void;
export function test(
  name: string,
  opts: TestOptions,
  fn: FutureLike<void> | (() => Future<unknown>),
): void;
export function test(
  name: string,
  a: TestOptions | FutureLike<void> | (() => Future<unknown>),
  b?: FutureLike<void> | (() => Future<unknown>),
): void {
  const opts: TestOptions = b === undefined ? {} : (a as TestOptions);
  const fn = (b === undefined ? a : b) as FutureLike<unknown>;
  const nodeOpts: { skip?: boolean | string; only?: boolean } = {};
  if (opts.skip !== undefined) nodeOpts.skip = opts.skip;
  if (opts.only !== undefined) nodeOpts.only = opts.only;
  const at = userLocation(new Error().stack);
  nodeTest(name, nodeOpts, async () => {
    await runIn(fn, opts, at);
  });
}

/**
 * Runs `fn` on a fresh runtime as {@link test} does, for use inside other test
 * frameworks (vitest, jest) or `node:test` subtests. Resolves with the body's
 * value. Under vitest, use `startPaused` rather than `vi.useFakeTimers()`
 * (which freezes the runtime), and `timeout`: vitest keeps the event loop
 * alive, so a deadlock is only seen as a timeout, which fails with a task dump.
 *
 * @example
 * ```ts
 * import { runTest } from 'tokio-ts/test';
 * import { sleep } from 'tokio-ts/time';
 *
 * const v = await runTest(function* () { yield* sleep(1000); return 1; }, { startPaused: true });
 * console.log(v); // 1
 * ```
 */
export function runTest<T>(fn: FutureLike<T>, opts: TestOptions = {}): Promise<T> {
  return runIn(fn, opts, userLocation(new Error().stack));
}

/** {@link runTest}, with the user's test location `at` for the kit's own failures. */
async function runIn<T>(fn: FutureLike<T>, opts: TestOptions, at: string | undefined): Promise<T> {
  const b = Runtime.builder().startPaused(opts.startPaused ?? false);
  if (opts.seed !== undefined) b.scheduleSeed(opts.seed);
  const rt = b.build();
  let failBody: (e: Error) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    failBody = reject;
  });
  const fail = (why: string) => failBody(kitError(`tokio-ts: ${why}\n${dumpText(rt.dump())}`, at));
  const watch = watchDeadlock(() =>
    fail('the test body can never finish: nothing is left that could wake it (deadlock)'),
  );
  const timer =
    opts.timeout === undefined
      ? undefined
      : setTimeout(
          () => fail(`the test body did not finish within ${opts.timeout} ms`),
          opts.timeout,
        );
  // a Node callback in the test (a timer, a listener) spawns onto this runtime
  const leave = enterThreadRuntime(rt);
  try {
    const value = await Promise.race([rt.blockOn(fn), failed]);
    watch.end();
    clearTimeout(timer);
    const left = rt.dump();
    if (left.length > 0 && opts.allowLeaks !== true) {
      throw kitError(
        `the test left ${left.length} task(s) running (use JoinSet/scope, abort them, or allowLeaks):\n${dumpText(left)}`,
        at,
      );
    }
    return value;
  } finally {
    watch.end();
    clearTimeout(timer);
    await rt.shutdown(1000);
    leave();
  }
}

/** An Error of the kit whose stack starts at the user's test (`at`), not in the kit. */
function kitError(message: string, at: string | undefined): Error {
  const e = new Error(message);
  if (at !== undefined) e.stack = `Error: ${message}\n    at ${at}`;
  return e;
}

interface Deadlock {
  end(): void;
}

/**
 * Deadlock detection for test bodies. When Node's event loop runs out of work
 * ('beforeExit') while a body is still pending, nothing can ever wake it. The
 * test runner's own 'beforeExit' listener would cancel the test with "Promise
 * resolution is still pending"; so while bodies run, the other listeners are
 * set aside, and the kit's listener fails every pending body with the runtime's
 * explanation, then puts them back.
 */
const pendingBodies = new Set<() => void>();
let setAside: ((...args: unknown[]) => void)[] = [];

function onBeforeExit(): void {
  const bodies = [...pendingBodies];
  pendingBodies.clear();
  restoreListeners();
  for (const fail of bodies) fail();
}

function restoreListeners(): void {
  process.off('beforeExit', onBeforeExit);
  for (const l of setAside) process.on('beforeExit', l);
  setAside = [];
}

function watchDeadlock(fail: () => void): Deadlock {
  if (pendingBodies.size === 0) {
    setAside = process.listeners('beforeExit') as ((...args: unknown[]) => void)[];
    for (const l of setAside) process.off('beforeExit', l);
    process.on('beforeExit', onBeforeExit);
  }
  pendingBodies.add(fail);
  return {
    end() {
      if (pendingBodies.delete(fail) && pendingBodies.size === 0) restoreListeners();
    },
  };
}
