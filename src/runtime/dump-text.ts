/**
 * The text form of a task dump, one line per live task, as `main` and the test
 * kit print it when explaining a deadlock or a leak.
 * @internal
 */
import type { TaskDump } from './metrics.js';

/** `  task 3 'name': parked, waiting on mpsc recv`, one line per task. @internal */
export function dumpText(tasks: readonly TaskDump[]): string {
  return tasks
    .map(
      (t) =>
        `  task ${t.id}${t.name ? ` '${t.name}'` : ''}: ${t.state}${t.waitingOn ? `, waiting on ${t.waitingOn}` : ''}`,
    )
    .join('\n');
}
