/**
 * The task a worker runs on itself while it starts (before `build()`
 * returns): a small fork-join through the real task path (spawn, slot, local
 * run, join, steals when a peer is idle), so V8 has compiled that path before
 * the first user tasks arrive instead of interpreting it during the first
 * run (the first few thousand tasks ran 3-5x slower).
 * @internal
 */
import type { Future } from '../future/future.js';
import { spawn } from '../task/spawn.js';
import { defineTask, type TaskDef } from './task-def.js';

/** Tasks in the warm-up tree: 2 * fib(n + 1) - 1 (n = 14: 1,219). */
export const WARM_N = 14;

/** @internal */
export const warmFork: TaskDef<[number], number> = defineTask(
  import.meta.url,
  function* tokioTsWarmFork(n: number): Future<number> {
    if (n < 2) return n;
    const a = spawn(warmFork, n - 1);
    const b = spawn(warmFork, n - 2);
    return (yield* a) + (yield* b);
  },
);
