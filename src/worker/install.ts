/**
 * Wires the worker module into the core: the multi-thread factory of
 * `Builder.build()` and the `spawn(def, ...args)` form of `spawn`.
 * @internal
 */
import { setMultiThreadFactory } from '../runtime/builder.js';
import { ctx } from '../runtime/context.js';
import { currentScheduler } from '../runtime/runtime.js';
import { setDefSpawner } from '../task/spawn.js';
import { currentWorkerOrigin, currentWorkerRuntime } from './context.js';
import { WorkerError } from './error.js';
import { MultiThreadRuntime } from './multi-thread.js';
import { DEF_MARK, type TaskDef } from './task-def.js';

setMultiThreadFactory((opts) => new MultiThreadRuntime(opts));

setDefSpawner((def, args, a0) => {
  const d = def as TaskDef<unknown[], unknown>;
  if (d[DEF_MARK] !== 'task')
    throw new TypeError(`tokio-ts: ${d.name} is a blocking definition: use spawnBlocking`);
  const wo = currentWorkerOrigin();
  if (wo !== null) {
    const t = ctx.current;
    return wo.spawn(t !== null ? t.sched : currentWorkerRuntime()!.sched, d, args, a0);
  }
  const owner = ctx.current?.sched.owner;
  if (owner instanceof MultiThreadRuntime) return owner.spawnDef(d, args, a0);
  void currentScheduler;
  throw new WorkerError(
    'no-runtime',
    `tokio-ts: spawn(${d.name}) needs a multi-thread runtime: call it inside rt.blockOn of ` +
      'Runtime.builder().multiThread().build(), or use rt.spawn(def, ...args)',
  );
});
