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
  /** the first joiner (the common case: one), then any others */
  joiner: JoinWaiter | null = null;
  observer: TaskObserver | null;
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
    if (name !== undefined) this.name = name;
    this.parent = parent;
    this.observer = observer;
    this.locals = locals;
  }

  // Rarely used state lives in one lazily created object, so a task that is
  // spawned, run and joined allocates and initialises fewer fields (GC is the
  // largest cost of spawn+join). The accessors keep the field names.
  #x: TaskExtra | null = null;

  #extra(): TaskExtra {
    if (this.#x === null) this.#x = new TaskExtra();
    return this.#x;
  }

  get name(): string | undefined {
    return this.#x === null ? undefined : this.#x.name;
  }
  set name(v: string | undefined) {
    this.#extra().name = v;
  }
  get spawnedAt(): string | undefined {
    return this.#x === null ? undefined : this.#x.spawnedAt;
  }
  set spawnedAt(v: string | undefined) {
    this.#extra().spawnedAt = v;
  }
  /** set when a `finally` suspended during cancellation */
  get cancelError(): Error | null {
    return this.#x === null ? null : this.#x.cancelError;
  }
  set cancelError(v: Error | null) {
    this.#extra().cancelError = v;
  }
  get deferred(): Future<unknown>[] | null {
    return this.#x === null ? null : this.#x.deferred;
  }
  set deferred(v: Future<unknown>[] | null) {
    if (v !== null || this.#x !== null) this.#extra().deferred = v;
  }
  get joiners(): LinkedList<JoinWaiter> | null {
    return this.#x === null ? null : this.#x.joiners;
  }
  set joiners(v: LinkedList<JoinWaiter> | null) {
    this.#extra().joiners = v;
  }
  /** the JoinHandle's promise, created on first `then` */
  get promise(): Promise<unknown> | null {
    return this.#x === null ? null : this.#x.promise;
  }
  set promise(v: Promise<unknown> | null) {
    this.#extra().promise = v;
  }
  get settle(): ((ok: boolean, v: unknown) => void) | null {
    return this.#x === null ? null : this.#x.settle;
  }
  set settle(v: ((ok: boolean, v: unknown) => void) | null) {
    if (v !== null || this.#x !== null) this.#extra().settle = v;
  }
  /** the JoinError, created once */
  get joinError(): Error | null {
    return this.#x === null ? null : this.#x.joinError;
  }
  set joinError(v: Error | null) {
    this.#extra().joinError = v;
  }

  isDone(): boolean {
    return this.state === State.Done;
  }

  /** Schedules the task (once, however often it is called). */
  wake(): void {
    this.sched.schedule(this);
  }
}

/** The rarely used part of a task. @internal */
class TaskExtra {
  name: string | undefined = undefined;
  spawnedAt: string | undefined = undefined;
  cancelError: Error | null = null;
  deferred: Future<unknown>[] | null = null;
  joiners: LinkedList<JoinWaiter> | null = null;
  promise: Promise<unknown> | null = null;
  settle: ((ok: boolean, v: unknown) => void) | null = null;
  joinError: Error | null = null;
}
