/**
 * `diagnostics_channel` tracing channels, for APM tools: `tokio-ts:task`
 * (a task's life: start when it is spawned, end when it completes) and
 * `tokio-ts:poll` (each poll). They publish while the console's
 * instrumentation is on (`Builder.console()`, `TOKIO_TS_CONSOLE`, or
 * {@link enableTracing}), only when someone subscribed.
 * @internal
 */
import diagnostics from 'node:diagnostics_channel';
import type { Task } from '../runtime/task.js';
import type { TaskStats } from './collector.js';

/** The message published on both channels. */
export interface TaskEvent {
  /** The task's id. */
  id: number;
  /** Its name, if it has one. */
  name: string | undefined;
  /** The id of the task that spawned it (or polls it, for a combinator branch). */
  parent: number | null;
  /** Where it was spawned, when known. */
  location: string | undefined;
  /** Polls so far. */
  polls: number;
}

const taskStart = diagnostics.channel('tracing:tokio-ts:task:start');
const taskEnd = diagnostics.channel('tracing:tokio-ts:task:end');
const pollStart = diagnostics.channel('tracing:tokio-ts:poll:start');
const pollEnd = diagnostics.channel('tracing:tokio-ts:poll:end');

function event(s: TaskStats): TaskEvent {
  return { id: s.id, name: s.task.name, parent: s.parent, location: s.location, polls: s.polls };
}

/** True while someone subscribed to either channel (checked once per scheduler batch). @internal */
export function tracingActive(): boolean {
  return (
    taskStart.hasSubscribers ||
    taskEnd.hasSubscribers ||
    pollStart.hasSubscribers ||
    pollEnd.hasSubscribers
  );
}

/** Publishes a task's start from what is known at its spawn (no record exists yet). @internal */
export function publishSpawn(
  task: Task,
  parent: number | null,
  location: string | undefined,
): void {
  if (taskStart.hasSubscribers)
    taskStart.publish({ id: task.id, name: task.name, parent, location, polls: 0 });
}

/** @internal */
export function publishTask(what: 'start' | 'end', s: TaskStats): void {
  const ch = what === 'start' ? taskStart : taskEnd;
  if (ch.hasSubscribers) ch.publish(event(s));
}

/** @internal */
export function publishPoll(what: 'start' | 'end', s: TaskStats): void {
  const ch = what === 'start' ? pollStart : pollEnd;
  if (ch.hasSubscribers) ch.publish(event(s));
}
