/**
 * Debug mode for futures that are created and never driven (`tx.send(x);` or
 * `sleep(100);` without `yield*`): on with `TOKIO_TS_DEBUG=1` or
 * `Builder.debug(true)`. Tracked futures record where they were created; when
 * the poll of the task that created them ends, those never driven are
 * reported on stderr. Off, it costs one boolean check per tracked creation.
 * @internal
 */
import { ctx } from './context.js';
import { userLocation } from './location.js';
import type { Task } from './task.js';

/** True in debug mode (read on each tracked creation; live binding). @internal */
export let debugFutures = process.env.TOKIO_TS_DEBUG === '1';

/** Switches debug mode on for the process (`Builder.debug(true)`). @internal */
export function enableDebugFutures(): void {
  debugFutures = true;
}

interface Created {
  readonly fut: object;
  readonly task: Task;
  readonly at: string | undefined;
  readonly what: string;
}

const created: Created[] = [];

/** Told of each never-driven future besides stderr (the console's warnings). */
let undrivenListener: ((task: Task, what: string, at: string | undefined) => void) | null = null;

/** Sets (or, with null, removes) the listener of never-driven futures. @internal */
export function setUndrivenListener(
  l: ((task: Task, what: string, at: string | undefined) => void) | null,
): void {
  undrivenListener = l;
}
const driven = new WeakSet<object>();

/** Records that `fut` (made by `what`, e.g. 'sleep(…)') was created by the running task. @internal */
export function trackCreated(fut: object, what: string): void {
  const task = ctx.current;
  if (task !== null) created.push({ fut, task, at: userLocation(new Error().stack), what });
}

/** Records that `fut` is being driven. @internal */
export function markDriven(fut: object): void {
  driven.add(fut);
}

/** Reports the futures `task` created during its poll that were never driven. @internal */
export function reportUndriven(task: Task): void {
  if (created.length === 0) return;
  let kept = 0;
  for (const c of created) {
    if (c.task !== task) created[kept++] = c;
    else if (!driven.has(c.fut)) {
      process.stderr.write(
        `tokio-ts debug: the future of ${c.what} created at ${c.at ?? '(unknown)'} was never driven: a Future does nothing until it is awaited (yield* it, or spawn it)\n`,
      );
      if (undrivenListener !== null) undrivenListener(task, c.what, c.at);
    }
  }
  created.length = kept;
}
