/**
 * The runtime's task record: one generator plus everything the scheduler needs
 * to drive, park, cancel and complete it.
 *
 * How and why: every field is assigned in the constructor (stable hidden class),
 * states are small integers, and the completion side (join waiters, promise,
 * JoinError) is created lazily, so a parked task costs a few hundred bytes.
 * @internal
 */
import type { Future, Suspend } from '../future/future.js';
import type { Waiting } from './context.js';
import type { LinkedList, ListNode } from './linked-list.js';
import type { Scheduler } from './scheduler.js';

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

/** Notified when a task completes (combinators, scopes, join sets). @internal */
export interface TaskObserver {
  taskDone(task: Task): void;
}

/** A node of a task's chain of task-local values. @internal */
export interface LocalNode {
  readonly key: object;
  readonly value: unknown;
  readonly parent: LocalNode | null;
}

/** Something waiting for a task to finish (a `yield* handle`). @internal */
export interface JoinWaiter extends ListNode<JoinWaiter> {
  taskFinished(): void;
}

/** @internal */
export class Task implements ListNode<Task> {
  readonly id: number;
  name: string | undefined;
  readonly sched: Scheduler;
  gen: Iterator<Suspend, unknown, unknown> | null;
  /** hook or cleanup iterator */
  aux: Iterator<Suspend, unknown, unknown> | null = null;
  state: State = State.Scheduled;
  phase: Phase = Phase.Main;
  inQueue = false;
  notified = false;
  cancelRequested = false;
  /** an error to throw into the generator at its next resume (bare `yield`) */
  inject: unknown = undefined;
  waitingOn: Waiting | null = null;
  outcome: Outcome = Outcome.None;
  result: unknown = undefined;
  /** set when a `finally` suspended during cancellation */
  cancelError: Error | null = null;
  deferred: Future<unknown>[] | null = null;
  /** the first joiner (the common case: one), then any others */
  joiner: JoinWaiter | null = null;
  joiners: LinkedList<JoinWaiter> | null = null;
  observer: TaskObserver | null;
  /** the JoinHandle's promise, created on first `then` */
  promise: Promise<unknown> | null = null;
  settle: ((ok: boolean, v: unknown) => void) | null = null;
  /** the JoinError, created once */
  joinError: Error | null = null;
  /** someone observed the outcome (joined, awaited, collected by a set) */
  observed = false;
  locals: LocalNode | null;
  /** > 0 while inside `unconstrained()` */
  unconstrained = 0;
  /** parent task for combinator branches (dump and cancellation) */
  readonly parent: Task | null;
  /** alive-list links (root tasks only) */
  pv: Task | null = null;
  nx: Task | null = null;
  list: LinkedList<Task> | null = null;
  /** index inside a combinator */
  index = 0;
  spawnedAt: string | undefined = undefined;
  polls = 0;

  constructor(
    id: number,
    sched: Scheduler,
    gen: Iterator<Suspend, unknown, unknown>,
    name: string | undefined,
    parent: Task | null,
    observer: TaskObserver | null,
    locals: LocalNode | null,
  ) {
    this.id = id;
    this.sched = sched;
    this.gen = gen;
    this.name = name;
    this.parent = parent;
    this.observer = observer;
    this.locals = locals;
  }

  isDone(): boolean {
    return this.state === State.Done;
  }

  /** Schedules the task (once, however often it is called). */
  wake(): void {
    this.sched.schedule(this);
  }
}
