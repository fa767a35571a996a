/** Tasks: spawn, handles, join sets, scopes, task-locals and coop utilities. */

export { spawnBlocking } from '../worker/spawn-blocking.js';
export { JoinError, SuspendedDuringCancelError, type TaskId } from './error.js';
export { AbortHandle, AbortOnDropHandle, JoinHandle } from './join-handle.js';
export { type JoinResult, JoinSet } from './join-set.js';
export { type Scope, scope } from './scope.js';
export {
  consumeBudget,
  currentTaskId,
  hasBudgetRemaining,
  spawn,
  unconstrained,
  yieldNow,
} from './spawn.js';
export { TaskLocal, TaskLocalFuture } from './task-local.js';
