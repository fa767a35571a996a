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
import { JoinHandle } from '../task/join-handle.js';
import type { Waiting } from './context.js';
import type { LinkedList, ListNode } from './linked-list.js';
import type { Scheduler } from './scheduler.js';
import { type Outcome, Phase, State } from './task-state.js';

/** @internal */
export { Outcome, Phase, State } from './task-state.js';

// Bit layout of `Task.#b` (module constants, which the JIT folds; an enum is
// an object whose properties are loaded).
const B_OUTCOME = 0b11;
const B_OBSERVED = 1 << 2;
const B_BRANCH = 1 << 3;
const B_PHASE_SHIFT = 4;
const B_PHASE = 0b11 << 4;
const B_CANCEL_REQUESTED = 1 << 6;
const B_FRESH = 1 << 7;
const B_JOINING = 1 << 8;
const B_JOIN_PARKED = 1 << 9;
const B_LOW = (1 << 10) - 1;
const B_INDEX_SHIFT = 10;

/**
 * Something that can name a task without the task storing the name: the
 * multi-thread runtime's tasks are named after their task definition, and
 * keeping that name in the task's lazy extra record would allocate the record
 * for every remote task (~16 % of their allocation). @internal
 */
export interface NamesTask {
  readonly taskName: string;
}

/** Notified when a task completes (combinators, scopes, join sets). @internal */
export interface TaskObserver {
  taskDone(task: Task): void;
  /** The task's name, if the observer knows it (see {@link NamesTask}). */
  readonly taskName?: string;
  /** A branch (`task.branch`) was woken: poll it within the parent's next poll. */
  childWoken?(task: Task): void;
}

/**
 * Something a task owns that must be dropped when the task's future ends (a
 * `JoinSet` aborts its tasks): Rust drops what a task owns, JS has no drop.
 * @internal
 */
export interface OwnedByTask {
  ownerEnded(task: Task): void;
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

/**
 * A task record is also its task's `JoinHandle` (the public class is its base
 * class: the handle's methods, no fields): a spawn+join allocates one object
 * fewer, and the handle's join state is a bit of the record.
 * @internal
 */
// (the record has its handle's methods: the prototype is set below)
export interface Task extends JoinHandle<unknown> {}
/** @internal */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: see above
export class Task implements ListNode<Task> {
  // (`declare`: assigned by the constructor, not defined as `undefined` first)
  declare readonly id: number;
  declare readonly sched: Scheduler;
  declare gen: Iterator<Suspend, unknown, unknown> | null;
  state: State = State.Scheduled;
  inQueue = false;
  notified = false;
  waitingOn: Waiting | null = null;
  result: unknown = undefined;
  /** the first joiner (the common case: one), then any others */
  joiner: JoinWaiter | null = null;
  declare observer: TaskObserver | null;
  /** parent task for combinator branches (dump and cancellation) */
  declare readonly parent: Task | null;
  /** alive-list links (root tasks that have suspended once; see `Scheduler.aliveTasks`) */
  pv: Task | null = null;
  nx: Task | null = null;
  list: LinkedList<Task> | null = null;
  // The phase, the cancel request, the outcome, `observed`, alive-list
  // membership and the combinator index, packed in one small integer: each is
  // written once or twice in a task's life, off the poll path, and a field is
  // 8 bytes of every parked task. (The fields written at every suspension
  // stay plain fields: packing them costs more time than it saves memory.)
  #b = 0;

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
    if (locals !== null) this.locals = locals;
  }

  // Rarely used state lives in one lazily created object, so a task that is
  // spawned, run and joined allocates and initialises fewer fields (GC is the
  // largest cost of spawn+join). The accessors keep the field names.
  #x: TaskExtra | null = null;

  // (not a `#private` method: those add a brand slot to every instance)
  private extra(): TaskExtra {
    if (this.#x === null) this.#x = new TaskExtra();
    return this.#x;
  }

  /** none of the rarely used state was ever set (no cleanup, locals, waiters, name...) */
  get bare(): boolean {
    return this.#x === null;
  }

  /** hook or cleanup iterator */
  get aux(): Iterator<Suspend, unknown, unknown> | null {
    return this.#x === null ? null : this.#x.aux;
  }
  set aux(v: Iterator<Suspend, unknown, unknown> | null) {
    if (v !== null || this.#x !== null) this.extra().aux = v;
  }
  /** an error to throw into the generator at its next resume (bare `yield`) */
  get inject(): unknown {
    return this.#x === null ? undefined : this.#x.inject;
  }
  set inject(v: unknown) {
    if (v !== undefined || this.#x !== null) this.extra().inject = v;
  }
  /** the task-local values (inherited at spawn) */
  get locals(): LocalNode | null {
    return this.#x === null ? null : this.#x.locals;
  }
  set locals(v: LocalNode | null) {
    if (v !== null || this.#x !== null) this.extra().locals = v;
  }
  /** > 0 while inside `unconstrained()` */
  get unconstrained(): number {
    return this.#x === null ? 0 : this.#x.unconstrained;
  }
  set unconstrained(v: number) {
    if (v !== 0 || this.#x !== null) this.extra().unconstrained = v;
  }

  /** which iterator the task is driving */
  get phase(): Phase {
    return (this.#b & B_PHASE) >> B_PHASE_SHIFT;
  }
  set phase(v: Phase) {
    this.#b = (this.#b & ~B_PHASE) | (v << B_PHASE_SHIFT);
  }
  get cancelRequested(): boolean {
    return (this.#b & B_CANCEL_REQUESTED) !== 0;
  }
  set cancelRequested(v: boolean) {
    this.#b = v ? this.#b | B_CANCEL_REQUESTED : this.#b & ~B_CANCEL_REQUESTED;
  }
  /** how the main generator ended */
  get outcome(): Outcome {
    return this.#b & B_OUTCOME;
  }
  set outcome(v: Outcome) {
    this.#b = (this.#b & ~B_OUTCOME) | v;
  }
  /** someone observed the outcome (joined, awaited, collected by a set) */
  get observed(): boolean {
    return (this.#b & B_OBSERVED) !== 0;
  }
  set observed(v: boolean) {
    this.#b = v ? this.#b | B_OBSERVED : this.#b & ~B_OBSERVED;
  }
  /** a combinator branch: its wake-ups go to the combinator, which polls it inside its parent's poll */
  get branch(): boolean {
    return (this.#b & B_BRANCH) !== 0;
  }
  set branch(v: boolean) {
    this.#b = v ? this.#b | B_BRANCH : this.#b & ~B_BRANCH;
  }
  /**
   * A root task that has not suspended yet: queued or in its first poll, and
   * not in the alive list (a task that completes in its first poll never
   * enters it). @internal
   */
  get fresh(): boolean {
    return (this.#b & B_FRESH) !== 0;
  }
  set fresh(v: boolean) {
    this.#b = v ? this.#b | B_FRESH : this.#b & ~B_FRESH;
  }
  /** a join through the handle itself is in progress (see `JoinHandle.next`) */
  get joining(): boolean {
    return (this.#b & B_JOINING) !== 0;
  }
  set joining(v: boolean) {
    this.#b = v ? this.#b | B_JOINING : this.#b & ~B_JOINING;
  }
  /**
   * That join is parked on a leaf, registered as a joiner of this task: the
   * first joiner ({@link joiner}) or, when another joiner came first, the
   * one kept in {@link joinLeaf}. Clearing it clears `joinLeaf`.
   */
  get joinParked(): boolean {
    return (this.#b & B_JOIN_PARKED) !== 0;
  }
  set joinParked(v: boolean) {
    this.#b = v ? this.#b | B_JOIN_PARKED : this.#b & ~B_JOIN_PARKED;
    if (!v && this.#x !== null) this.#x.joinLeaf = null;
  }
  /** the leaf of a parked join through the handle when it is not {@link joiner} */
  get joinLeaf(): JoinWaiter | null {
    return this.#x === null ? null : this.#x.joinLeaf;
  }
  set joinLeaf(v: JoinWaiter | null) {
    if (v !== null || this.#x !== null) this.extra().joinLeaf = v;
  }
  /** index inside a combinator */
  get index(): number {
    return this.#b >>> B_INDEX_SHIFT;
  }
  set index(v: number) {
    this.#b = (this.#b & B_LOW) | (v << B_INDEX_SHIFT);
  }

  get name(): string | undefined {
    const x = this.#x;
    if (x !== null && x.name !== undefined) return x.name;
    // named by its observer or its future (remote tasks and their proxies)
    const o = this.observer;
    if (o !== null && o.taskName !== undefined) return o.taskName;
    const g = this.gen as Partial<NamesTask> | null;
    return g === null ? undefined : g.taskName;
  }
  set name(v: string | undefined) {
    this.extra().name = v;
  }
  get spawnedAt(): string | undefined {
    return this.#x === null ? undefined : this.#x.spawnedAt;
  }
  set spawnedAt(v: string | undefined) {
    this.extra().spawnedAt = v;
  }
  /** set when a `finally` suspended during cancellation */
  get cancelError(): Error | null {
    return this.#x === null ? null : this.#x.cancelError;
  }
  set cancelError(v: Error | null) {
    this.extra().cancelError = v;
  }
  get deferred(): Future<unknown>[] | null {
    return this.#x === null ? null : this.#x.deferred;
  }
  set deferred(v: Future<unknown>[] | null) {
    if (v !== null || this.#x !== null) this.extra().deferred = v;
  }
  /** what this task owns, dropped when its future ends (`JoinSet`s) */
  get owned(): Set<OwnedByTask> | null {
    return this.#x === null ? null : this.#x.owned;
  }
  set owned(v: Set<OwnedByTask> | null) {
    if (v !== null || this.#x !== null) this.extra().owned = v;
  }
  get joiners(): LinkedList<JoinWaiter> | null {
    return this.#x === null ? null : this.#x.joiners;
  }
  set joiners(v: LinkedList<JoinWaiter> | null) {
    this.extra().joiners = v;
  }
  /** the JoinHandle's promise, created on first `then` */
  get promise(): Promise<unknown> | null {
    return this.#x === null ? null : this.#x.promise;
  }
  set promise(v: Promise<unknown> | null) {
    this.extra().promise = v;
  }
  get settle(): ((ok: boolean, v: unknown) => void) | null {
    return this.#x === null ? null : this.#x.settle;
  }
  set settle(v: ((ok: boolean, v: unknown) => void) | null) {
    if (v !== null || this.#x !== null) this.extra().settle = v;
  }
  /** the JoinError, created once */
  get joinError(): Error | null {
    return this.#x === null ? null : this.#x.joinError;
  }
  set joinError(v: Error | null) {
    this.extra().joinError = v;
  }

  /**
   * The scheduler's completion step in one call: phase and state Done, the
   * cleanup iterator, the deferred list and the wait record cleared.
   */
  markDone(): void {
    this.#b = (this.#b & ~B_PHASE) | (Phase.Done << B_PHASE_SHIFT);
    this.state = State.Done;
    this.waitingOn = null;
    const x = this.#x;
    if (x !== null) {
      x.aux = null;
      x.deferred = null;
    }
  }

  isDone(): boolean {
    return this.state === State.Done;
  }

  /** Schedules the task (once, however often it is called). */
  wake(): void {
    this.sched.schedule(this);
  }
}

// The handle's methods, through the prototype chain: a derived class (`extends
// JoinHandle`) was slower to construct (V8 allocates in the base constructor
// and runs the field initialisers after it).
Object.setPrototypeOf(Task.prototype, JoinHandle.prototype);

/** The rarely used part of a task. @internal */
class TaskExtra {
  aux: Iterator<Suspend, unknown, unknown> | null = null;
  inject: unknown = undefined;
  locals: LocalNode | null = null;
  unconstrained = 0;
  name: string | undefined = undefined;
  spawnedAt: string | undefined = undefined;
  cancelError: Error | null = null;
  deferred: Future<unknown>[] | null = null;
  joiners: LinkedList<JoinWaiter> | null = null;
  owned: Set<OwnedByTask> | null = null;
  promise: Promise<unknown> | null = null;
  settle: ((ok: boolean, v: unknown) => void) | null = null;
  joinError: Error | null = null;
  joinLeaf: JoinWaiter | null = null;
}
