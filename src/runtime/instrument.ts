/**
 * The runtime's instrumentation points, for the console and for
 * `diagnostics_channel` subscribers.
 *
 * How and why: the scheduler calls a hook at each event it already has
 * (spawn, poll start and end, wake, complete). When nothing listens,
 * `instrument` is null and each point costs one predictable branch on a
 * module variable and allocates nothing (DESIGN §7a); the console sets it
 * while it runs.
 * @internal
 */
import type { Task } from './task.js';

/** What the scheduler reports. @internal */
export interface Instrument {
  /** A task was created (root, scope child or combinator branch). */
  spawn(task: Task): void;
  /** A poll of `task` starts (nested polls of branches included). */
  pollStart(task: Task): void;
  /** The poll of `task` ended; it is parked, queued again or done. */
  pollEnd(task: Task): void;
  /** `task` was woken; `self` when it woke itself during its own poll. */
  wake(task: Task, self: boolean): void;
  /**
   * `task` completed outside its own poll (cancelled while parked, a branch
   * ended by its combinator); one that completes inside its poll is seen
   * done by {@link pollEnd}.
   */
  complete(task: Task): void;
  /** A sync primitive was created (its fair queue, or a channel). */
  resource(r: object): void;
  /** A lock or permit (`acq`, an `Acquire` of a batch semaphore) is now held by the current task. */
  acquired(acq: object): void;
  /**
   * `task` (a program's main task, a test body) can never finish: Node's
   * event loop ran out of work while it waits; `dump` is the runtime's
   * explanation (the process exits or the test fails next).
   */
  deadlock(task: Task, dump: string): void;
}

/**
 * What a resource (a socket, a child process, a Notify, a channel…) tells the
 * console about itself when a snapshot is taken; implemented under the
 * {@link inspect} key by the classes that report `resource(this)`.
 * @internal
 */
export interface ResourceInfo {
  /** e.g. 'tcp stream', 'notify', 'broadcast'. */
  kind: string;
  /** What is parked on it, in queue order: tasks, or the leaf futures tasks wait on. */
  waiters: Iterable<object>;
  /** Plain fields shown as they are (addresses, counts, state). */
  fields: Record<string, unknown>;
  /** Named subsets of the waiters (e.g. `readers`, `writers`), shown as task ids. */
  groups?: Record<string, Iterable<object>>;
}

/** The key of a resource's `ResourceInfo` method. @internal */
export const inspect: unique symbol = Symbol('tokio-ts.inspect');

/** A resource that describes itself to the console. @internal */
export interface Inspectable {
  [inspect](): ResourceInfo;
}

/** The active instrument, or null (the common case). @internal */
export let instrument: Instrument | null = null;

/** Installs (or, with null, removes) the instrument. @internal */
export function setInstrument(i: Instrument | null): void {
  instrument = i;
}
