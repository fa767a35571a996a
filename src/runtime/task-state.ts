/**
 * The small-integer states of a task record, in a module of their own: the
 * task record extends the public `JoinHandle`, whose module needs these
 * values and must not import the task module back (a cycle would leave the
 * base class undefined when the task module is evaluated first).
 * @internal
 */

/** Scheduling states. @internal */
export enum State {
  Scheduled = 1,
  Running = 2,
  Parked = 3,
  Done = 4,
}

/** Which iterator the task is driving. @internal */
export enum Phase {
  /** the task's own generator */
  Main = 0,
  /** a Future returned by a cancel hook, before the generator is returned */
  Hook = 1,
  /** the `defer`red futures, after the generator finished */
  Cleanup = 2,
  Done = 3,
}

/** How the task's main generator ended. @internal */
export enum Outcome {
  None = 0,
  Ok = 1,
  Err = 2,
  Cancelled = 3,
}
