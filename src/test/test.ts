/**
 * `test`: a `node:test` test whose body runs as a task on a fresh runtime.
 */
import nodeTest from 'node:test';
import type { Future, FutureLike } from '../future/future.js';
import { enterThreadRuntime, Runtime } from '../runtime/runtime.js';

/** Options of {@link test}. */
export interface TestOptions {
  /** Start the runtime's clock paused: sleeps auto-advance, so time-based tests are instant and exact. */
  startPaused?: boolean;
  /** Fail the test after this many real milliseconds (node:test's timeout). */
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
 * `allowLeaks` is set. While it runs, the runtime is also the thread's
 * runtime: a task spawned from a Node callback (a timer, an EventEmitter
 * listener) lands on it and sees its paused clock.
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
  const nodeOpts: { timeout?: number; skip?: boolean | string; only?: boolean } = {};
  if (opts.timeout !== undefined) nodeOpts.timeout = opts.timeout;
  if (opts.skip !== undefined) nodeOpts.skip = opts.skip;
  if (opts.only !== undefined) nodeOpts.only = opts.only;
  nodeTest(name, nodeOpts, async () => {
    await runTest(fn, opts);
  });
}

/**
 * Runs `fn` on a fresh runtime as {@link test} does, for use inside other test
 * frameworks or `node:test` subtests. Resolves with the body's value.
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
export async function runTest<T>(fn: FutureLike<T>, opts: TestOptions = {}): Promise<T> {
  const b = Runtime.builder().startPaused(opts.startPaused ?? false);
  if (opts.seed !== undefined) b.scheduleSeed(opts.seed);
  const rt = b.build();
  // a Node callback in the test (a timer, a listener) spawns onto this runtime
  const leave = enterThreadRuntime(rt);
  try {
    const value = await rt.blockOn(fn);
    const left = rt.dump();
    if (left.length > 0 && opts.allowLeaks !== true) {
      const lines = left
        .map(
          (t) =>
            `  task ${t.id}${t.name ? ` '${t.name}'` : ''}: ${t.state}${t.waitingOn ? `, waiting on ${t.waitingOn}` : ''}`,
        )
        .join('\n');
      throw new Error(
        `the test left ${left.length} task(s) running (use JoinSet/scope, abort them, or allowLeaks):\n${lines}`,
      );
    }
    return value;
  } finally {
    await rt.shutdown(1000);
    leave();
  }
}
