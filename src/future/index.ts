/**
 * Futures: the protocol, the low-level `suspend`, promise interop and the
 * combinators. See the package README for a tour.
 */

export { defer, pending, ready } from './basic.js';
export { call } from './call.js';
export {
  type JoinRecord,
  type JoinTuple,
  join,
  race,
  type SelectOptions,
  type SelectResult,
  select,
  tryJoin,
} from './combinators.js';
export { type Future, type FutureLike, isFuture, type Output, type Suspend } from './future.js';
export { type CancelHook, suspend, type Waker } from './suspend.js';
