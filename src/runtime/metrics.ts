/**
 * `RuntimeMetrics` and `TaskDump`: what a runtime can tell about itself.
 */
import type { Scheduler } from './scheduler.js';

/**
 * A live view of a runtime's counters (Tokio's `RuntimeMetrics`): reading a
 * field reads the current value.
 *
 * @example
 * ```ts
 * import { Runtime } from 'tokio-ts/runtime';
 *
 * const m = Runtime.current().metrics();
 * console.log(m.numWorkers, m.numAliveTasks, m.workerPollCount(0));
 * ```
 */
export class RuntimeMetrics {
  readonly #s: Scheduler;

  /** @internal */
  constructor(s: Scheduler) {
    this.#s = s;
    s.trackBusy = true; // workerTotalBusyDuration counts from here
  }

  /** Worker threads driving tasks (1 for the current-thread runtime). */
  get numWorkers(): number {
    return 1;
  }
  /** Spawned tasks that have not completed. */
  get numAliveTasks(): number {
    return this.#s.aliveCount;
  }
  /** Tasks spawned since the runtime was built. */
  get spawnedTasksCount(): number {
    return this.#s.spawned;
  }
  /** Tasks waiting in the run queue. */
  get globalQueueDepth(): number {
    return this.#s.queueDepth;
  }
  /** Times a task was made to yield because its coop budget ran out. */
  get budgetForcedYieldCount(): number {
    return this.#s.forcedYields;
  }
  /** Pending timer entries on the runtime's timing wheel. */
  get timerEntries(): number {
    return this.#s.timerEntries();
  }
  get blockingThreads(): number {
    return 0;
  }
  get idleBlockingThreads(): number {
    return 0;
  }
  get blockingQueueDepth(): number {
    return 0;
  }
  /** Polls performed by worker `i`. */
  workerPollCount(i: number): number {
    return i === 0 ? this.#s.polls : 0;
  }
  /** Times worker `i` ran out of work. */
  workerParkCount(i: number): number {
    return i === 0 ? this.#s.parks : 0;
  }
  workerStealCount(_i: number): number {
    return 0;
  }
  workerLocalQueueDepth(i: number): number {
    return i === 0 ? this.#s.queueDepth : 0;
  }
  /**
   * Milliseconds worker `i` spent polling tasks (not parked), counted from
   * the runtime's first `metrics()` call (measuring costs clock reads).
   */
  workerTotalBusyDuration(i: number): number {
    return i === 0 ? this.#s.busyMs : 0;
  }
}

/** One task in a {@link Runtime.dump}. */
export interface TaskDump {
  id: number;
  name: string | undefined;
  state: 'scheduled' | 'running' | 'parked' | 'cancelling' | 'cleanup' | 'done';
  /** What the task waits on ("join task 4", "mpsc recv", "sleep until +250 ms"). */
  waitingOn: string | undefined;
  /** Where it was spawned (with `captureSpawnLocation`). */
  spawnedAt: string | undefined;
  /** Branches of the combinator it waits in (select/join/scope children). */
  children: TaskDump[];
}
