/** Errors of the task module. */

/** The id of a task: unique within the process. */
export type TaskId = number;

/**
 * A task did not complete successfully: it was cancelled (`kind: 'cancelled'`)
 * or threw (`kind: 'failed'`, the thrown value is `cause`). Joining such a task
 * (`yield* handle`, `await handle`) throws it.
 *
 * @example
 * ```ts
 * import { spawn, pending, JoinError } from 'tokio-ts';
 *
 * const h = spawn(pending());
 * h.abort();
 * try { await h; } catch (e) { console.log((e as JoinError).isCancelled()); } // true
 * ```
 */
export class JoinError extends Error {
  readonly kind: 'cancelled' | 'failed';
  readonly taskId: TaskId;

  constructor(kind: 'cancelled' | 'failed', taskId: TaskId, cause?: unknown) {
    super(
      kind === 'cancelled'
        ? `task ${taskId} was cancelled`
        : `task ${taskId} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      cause === undefined ? undefined : { cause },
    );
    this.name = 'JoinError';
    this.kind = kind;
    this.taskId = taskId;
  }

  /** True if the task was cancelled (aborted, shut down, lost a `select`). */
  isCancelled(): boolean {
    return this.kind === 'cancelled';
  }

  /** True if the task threw; `cause` holds what it threw. */
  isFailed(): boolean {
    return this.kind === 'failed';
  }
}

/**
 * Recorded on a task (as the `cause` of its cancellation `JoinError`, and
 * reported on stderr) when one of its `finally` blocks tried to suspend while
 * the task was being cancelled. The runtime does not resume such a block: use
 * `yield* defer(future)` for cleanup that must wait.
 */
export class SuspendedDuringCancelError extends Error {
  readonly kind = 'suspended-during-cancel';
  constructor(taskId: TaskId, name: string | undefined) {
    super(
      `a finally block of task ${name === undefined ? taskId : `'${name}' (${taskId})`} ` +
        'suspended during cancellation; it was not resumed. Use defer() for async cleanup',
    );
    this.name = 'SuspendedDuringCancelError';
  }
}
