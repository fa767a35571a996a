/**
 * tokio-ts: Tokio's async runtime for TypeScript. The prelude re-exports what
 * most programs need; the subpaths (`tokio-ts/sync`, `tokio-ts/time`, …) hold
 * the rest.
 */

export {
  call,
  defer,
  type Future,
  type FutureLike,
  join,
  pending,
  race,
  ready,
  type Suspend,
  select,
  suspend,
  tryJoin,
} from './future/index.js';
export { Builder, type BuilderOptions, type MainOptions, main, Runtime } from './runtime/index.js';
export {
  AbortHandle,
  consumeBudget,
  JoinError,
  JoinHandle,
  type JoinResult,
  JoinSet,
  type Scope,
  scope,
  spawn,
  type TaskId,
  yieldNow,
} from './task/index.js';
export { Instant, interval, sleep, timeout } from './time/index.js';
export { spawnBlocking } from './worker/index.js';
