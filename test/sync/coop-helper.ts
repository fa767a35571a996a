import assert from 'node:assert/strict';
import { type Future, spawn } from 'tokio-ts';

/** Tokio's initial coop budget: a ready leaf yields after this many completions. */
export const BUDGET = 128;

/**
 * Asserts that `step` (a leaf that completes without waiting) spends coop
 * budget: a task looping on it lets another task run within one budget.
 * Errors thrown by `step` count as completions (a closed channel still spends).
 */
export function* assertCooperative(what: string, step: () => Future<unknown>): Future<number> {
  let otherRan = false;
  const other = spawn(function* () {
    otherRan = true;
  });
  let n = 0;
  while (!otherRan) {
    try {
      yield* step();
    } catch {
      // a failure is a completion too
    }
    n++;
    assert.ok(n <= BUDGET + 1, `${what}: another task could not run in ${n} ready operations`);
  }
  yield* other;
  return n;
}
