/**
 * Time: sleeps, intervals, timeouts and instants on the runtime's clock, which
 * tests can pause (`test(name, { startPaused: true }, …)`).
 */

export { advance, isPaused, pause, resume } from './clock.js';
export { Elapsed } from './error.js';
export { Instant } from './instant.js';
export { Interval, interval, intervalAt, MissedTickBehavior } from './interval.js';
export { type RetryPolicy, retry } from './retry.js';
export { Sleep, sleep, sleepUntil } from './sleep.js';
export { timeout, timeoutAt } from './timeout.js';
