/** Errors of the worker module. */

/**
 * A multi-thread operation failed: `kind` says how.
 * - `'crashed'`: the thread running the task exited (e.g. `process.exit` in it);
 *   the runtime replaced it.
 * - `'uncloneable'`: an argument or result cannot be structured-cloned.
 * - `'no-runtime'`: `spawn(def)` outside a multi-thread runtime.
 * - `'unknown-definition'`: the worker imported the module but found no
 *   definition of that name.
 * - `'shutdown'`: the runtime was shut down.
 * - `'out-of-memory'`: the thread running the task reached its heap cap
 *   (`Builder.workerResourceLimits`, Node's `ERR_WORKER_OUT_OF_MEMORY`); the
 *   runtime replaced it.
 * - `'runtime-thread'`: `main()`, a multi-thread runtime or a blocking pool
 *   was started on one of a runtime's own threads — almost always a task
 *   module's top-level program, which every worker runs again when it imports
 *   the module, lacking an `if (isMainThread)` guard.
 *
 * @example
 * ```ts
 * import { WorkerError } from 'tokio-ts/worker';
 *
 * const e = new WorkerError('crashed', 'worker 1 exited with code 3');
 * console.log(e.kind); // crashed
 * ```
 */
export class WorkerError extends Error {
  readonly kind:
    | 'crashed'
    | 'out-of-memory'
    | 'uncloneable'
    | 'no-runtime'
    | 'unknown-definition'
    | 'shutdown'
    | 'runtime-thread';

  constructor(kind: WorkerError['kind'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WorkerError';
    this.kind = kind;
  }
}

/**
 * An error thrown by a task on another thread, rebuilt on the joining thread:
 * `name`, `message` and `stack` are the remote error's (the stack shows the
 * worker's frames); `remoteKind` is its `kind` property if it had one.
 *
 * @example
 * ```ts
 * import { RemoteError } from 'tokio-ts/worker';
 *
 * const e = new RemoteError({ name: 'TypeError', message: 'bad', stack: 'TypeError: bad\n    at fn' });
 * console.log(e.name, e.kind); // TypeError remote
 * ```
 */
export class RemoteError extends Error {
  readonly kind = 'remote';
  readonly remoteKind: unknown;

  constructor(data: { name?: string; message?: string; stack?: string; kind?: unknown }) {
    super(data.message ?? '');
    this.name = data.name ?? 'Error';
    this.remoteKind = data.kind;
    if (data.stack !== undefined) this.stack = data.stack;
  }
}

/** True if `e` (a Worker's 'error' event) says the thread ran out of memory. @internal */
export function isOutOfMemory(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
}

/** The WorkerError for a task whose thread exited (`oom`: out of its heap cap). @internal */
export function threadLost(oom: boolean, what: string, code: number | undefined): WorkerError {
  return oom
    ? new WorkerError(
        'out-of-memory',
        `tokio-ts: the thread running ${what} ran out of memory (its resourceLimits); the runtime replaced it`,
      )
    : new WorkerError(
        'crashed',
        `tokio-ts: the thread running ${what} exited${code === undefined ? '' : ` with code ${code}`}; the runtime replaced it`,
      );
}

/** Turns a thrown value into cloneable data. @internal */
export function errorData(e: unknown): {
  name?: string;
  message?: string;
  stack?: string;
  kind?: unknown;
} {
  if (e instanceof Error) {
    const kind = (e as { kind?: unknown }).kind;
    return {
      name: e.name,
      message: e.message,
      stack: e.stack,
      kind: typeof kind === 'string' || typeof kind === 'number' ? kind : undefined,
    };
  }
  return { name: 'Error', message: `non-Error thrown: ${String(e)}` };
}
