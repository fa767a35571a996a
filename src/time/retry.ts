/**
 * `retry`: run a fallible operation again, with exponential backoff and
 * jitter, on the runtime clock (so a paused clock makes it instant and
 * exact in tests).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { Instant, retry } from 'tokio-ts/time';
 *
 * main(function* () {
 *   const t0 = Instant.now();
 *   let calls = 0;
 *   const v = yield* retry(function* () {
 *     if (++calls < 3) throw new Error('flaky');
 *     return 'ok';
 *   }, { attempts: 5, initialDelay: 100 });
 *   console.log(v, calls, Instant.now().durationSince(t0)); // ok 3 300
 * }, { startPaused: true });
 * ```
 */
import type { Future, Suspend } from '../future/future.js';
import { Elapsed } from './error.js';
import { Instant } from './instant.js';
import { sleep } from './sleep.js';
import { timeoutAt } from './timeout.js';

/** How `retry` retries. Durations in ms. */
export interface RetryPolicy {
  /** Attempts in all, the first included (default 3). */
  attempts?: number;
  /** The delay after the first failure (default 100 ms). */
  initialDelay?: number;
  /** Each further delay is the previous one times `factor` (default 2). */
  factor?: number;
  /** The longest delay (default: no limit). */
  maxDelay?: number;
  /**
   * Randomises each delay `d`: `'none'` (default) waits `d`; `'full'` a
   * random time in [0, d]; `'equal'` d/2 plus a random time in [0, d/2].
   * Delays are whole milliseconds.
   */
  jitter?: 'none' | 'full' | 'equal';
  /**
   * A time budget from the call, over all attempts and delays: an attempt
   * still running then is cancelled, and a delay that would end after it is
   * not started; either way `retry` throws `Elapsed` (its `cause` is the
   * last error).
   */
  deadline?: number;
  /** Whether a failure is worth another attempt (default: every error). `attempt` counts from 1. */
  retryIf?: (err: unknown, attempt: number) => boolean;
}

type Gen<T> = Generator<Suspend, T, unknown>;

function checkDelay(v: unknown, what: string): void {
  if (v !== undefined && (typeof v !== 'number' || Number.isNaN(v) || v < 0))
    throw new RangeError(`retry: ${what} must be a number >= 0, got ${String(v)}`);
}

/**
 * Runs `make()` and, if the future it returns throws, runs a new one after
 * a delay that grows by `factor` from `initialDelay` (capped at `maxDelay`,
 * randomised by `jitter`), up to `attempts` times, while `retryIf` agrees
 * and within `deadline`. Returns the first success; throws the last error
 * (or the error `retryIf` refused), or `Elapsed` past the deadline.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { Elapsed, retry, sleep } from 'tokio-ts/time';
 *
 * main(function* () {
 *   try {
 *     yield* retry(function* () { yield* sleep(400); throw new Error('slow and failing'); },
 *       { attempts: 10, initialDelay: 100, deadline: 1000 });
 *   } catch (e) {
 *     console.log(e instanceof Elapsed, ((e as Error).cause as Error).message); // true slow and failing
 *   }
 * }, { startPaused: true });
 * ```
 *
 * ## Cancel safety
 * Cancelling it cancels the running attempt (its `finally` blocks run) or
 * the delay; no further attempt starts.
 *
 * ## Errors
 * `TypeError` if `make` is not a function; `RangeError` for a bad policy
 * (attempts below 1, negative or NaN durations, an unknown jitter).
 */
export function retry<T>(make: () => Future<T>, policy: RetryPolicy = {}): Future<T> {
  if (typeof make !== 'function')
    throw new TypeError('retry(make, policy): make must be a function returning a Future');
  const attempts = policy.attempts ?? 3;
  if (!Number.isInteger(attempts) || attempts < 1)
    throw new RangeError(`retry: attempts must be an integer >= 1, got ${String(attempts)}`);
  checkDelay(policy.initialDelay, 'initialDelay');
  checkDelay(policy.factor, 'factor');
  checkDelay(policy.maxDelay, 'maxDelay');
  checkDelay(policy.deadline, 'deadline');
  const jitter = policy.jitter ?? 'none';
  if (jitter !== 'none' && jitter !== 'full' && jitter !== 'equal')
    throw new RangeError(`retry: jitter must be 'none', 'full' or 'equal', got ${String(jitter)}`);
  if (policy.retryIf !== undefined && typeof policy.retryIf !== 'function')
    throw new TypeError('retry: retryIf must be a function');
  return run(make, policy, attempts, jitter);
}

function* run<T>(
  make: () => Future<T>,
  p: RetryPolicy,
  attempts: number,
  jitter: 'none' | 'full' | 'equal',
): Gen<T> {
  const budget = p.deadline;
  const deadline = budget === undefined ? null : Instant.now().add(budget);
  const factor = p.factor ?? 2;
  const maxDelay = p.maxDelay ?? Number.POSITIVE_INFINITY;
  let base = p.initialDelay ?? 100;
  let last: unknown;
  for (let attempt = 1; ; attempt++) {
    try {
      return deadline === null ? yield* make() : yield* timeoutAt(deadline, make);
    } catch (e) {
      if (deadline !== null && e instanceof Elapsed && Instant.now().ms >= deadline.ms)
        throw elapsed(budget!, last);
      if (attempt >= attempts || (p.retryIf !== undefined && !p.retryIf(e, attempt))) throw e;
      last = e;
    }
    const d = Math.min(base, maxDelay);
    base *= factor;
    const delay =
      jitter === 'none'
        ? Math.round(d)
        : jitter === 'full'
          ? Math.round(Math.random() * d)
          : Math.round(d / 2 + Math.random() * (d / 2));
    if (deadline !== null && Instant.now().ms + delay >= deadline.ms) throw elapsed(budget!, last);
    yield* sleep(delay);
  }
}

function elapsed(ms: number, cause: unknown): Elapsed {
  const e = new Elapsed(ms);
  if (cause !== undefined) Object.defineProperty(e, 'cause', { value: cause, configurable: true });
  return e;
}
