/**
 * The console's collector: per-task aggregates kept in place from the
 * scheduler's instrumentation points, and the snapshot the UI pulls.
 *
 * How and why: one record per task, created at its first event (so a console
 * attached to a running runtime picks tasks up as they act), updated with a
 * few additions per event: no object per event. Completed tasks are kept for
 * a while (the last {@link RETAIN_DONE} that lived at least
 * {@link SHORT_LIVED_MS}) so a finished task can still be looked at. Spawn locations cost a stack trace (~µs), so they are taken for at
 * most {@link LOCATION_BUDGET} spawns a second: long-lived tasks get theirs,
 * a spawn+join loop stays cheap.
 * @internal
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Instrument } from '../runtime/instrument.js';
import { userLocation } from '../runtime/location.js';
import type { Scheduler } from '../runtime/scheduler.js';
import { State, type Task } from '../runtime/task.js';
import { publishPoll, publishTask } from './tracing.js';

/** Tasks that end sooner than this are not kept once done (see `complete`). */
export const SHORT_LIVED_MS = 10;
/** Completed tasks kept for the UI. */
export const RETAIN_DONE = 1000;
/** Spawn locations taken per second at most (a stack trace each). */
export const LOCATION_BUDGET = 200;
/** Poll-time histogram: bucket i counts polls of [2^(i-1), 2^i) µs; the last is open. */
export const HIST_BUCKETS = 20;

/** Thresholds of the warnings (ms, counts); tests lower them. */
export interface WarningThresholds {
  /** A single poll longer than this blocks the event loop (tokio-console: 10 ms... is ours too). */
  longPollMs: number;
  /** A task that woke itself this many times in a row without waiting on anything. */
  selfWakeRun: number;
  /** A task holding a lock that has been parked on something else for this long. */
  lockHeldMs: number;
}

export const DEFAULT_THRESHOLDS: WarningThresholds = {
  longPollMs: 10,
  selfWakeRun: 1000,
  lockHeldMs: 1000,
};

/** One task's aggregates. @internal */
export class TaskStats {
  readonly id: number;
  readonly task: Task;
  parent: number | null;
  kind: 'task' | 'branch' | 'scoped';
  location: string | undefined;
  polls = 0;
  busyMs = 0;
  scheduledMs = 0;
  wakes = 0;
  selfWakes = 0;
  selfWakeRun = 0;
  maxSelfWakeRun = 0;
  longPolls = 0;
  maxPollMs = 0;
  /** The poll-time histogram, allocated at the second poll (most tasks poll once). */
  hist: Uint32Array | null = null;
  /** The bucket of the first poll, until `hist` exists. */
  firstBucket = -1;
  readonly createdAt: number;
  endedAt = 0;
  lastWakeAt = 0;
  lastPollEndAt: number;
  pollStartAt = 0;
  /** Time spent parked while holding a lock, measured when it resumes. */
  parkedSince = 0;

  constructor(task: Task, now: number, parent: number | null, kind: 'task' | 'branch' | 'scoped') {
    this.id = task.id;
    this.task = task;
    this.parent = parent;
    this.kind = kind;
    this.location = undefined;
    this.createdAt = now;
    this.lastPollEndAt = now;
  }
}

/** A warning, as tokio-console's lints. */
export interface Warning {
  kind: 'long-poll' | 'self-wake-loop' | 'lock-held-across-wait';
  taskId?: number;
  message: string;
  at: number;
}

let locationWindow = 0;
let locationsLeft = LOCATION_BUDGET;

function takeLocation(): string | undefined {
  const now = performance.now();
  if (now - locationWindow > 1000) {
    locationWindow = now;
    locationsLeft = LOCATION_BUDGET;
  }
  if (locationsLeft === 0) return undefined;
  locationsLeft--;
  return userLocation(new Error().stack);
}

/** The collector for one runtime. @internal */
export class Collector implements Omit<Instrument, 'resource' | 'acquired'> {
  readonly tasks = new Map<number, TaskStats>();
  readonly warnings: Warning[] = [];
  readonly sched: Scheduler;
  readonly thresholds: WarningThresholds;
  readonly startedAt = performance.now();
  #done: number[] = [];
  #doneHead = 0;
  #stack: TaskStats[] = [];
  #current: TaskStats | null = null;
  readonly #delay = monitorEventLoopDelay({ resolution: 10 });
  /** The poll that was running when the event loop stalled the most. */
  worstPoll: { taskId: number; ms: number } | null = null;
  totalPolls = 0;

  constructor(sched: Scheduler, thresholds: Partial<WarningThresholds> = {}) {
    this.sched = sched;
    this.thresholds = { ...DEFAULT_THRESHOLDS, ...thresholds };
    this.#delay.enable();
  }

  close(): void {
    this.#delay.disable();
  }

  #stats(task: Task): TaskStats | undefined {
    if (task.sched !== this.sched) return undefined;
    let s = this.tasks.get(task.id);
    if (s === undefined) s = this.#create(task);
    return s;
  }

  #create(task: Task): TaskStats {
    const parentTask = task.parent ?? this.#current?.task ?? null;
    const kind = task.parent === null ? 'task' : task.branch ? 'branch' : 'scoped';
    const s = new TaskStats(
      task,
      performance.now(),
      parentTask === null ? null : parentTask.id,
      kind,
    );
    this.tasks.set(task.id, s);
    return s;
  }

  spawn(task: Task): void {
    const s = this.#stats(task);
    if (s === undefined) return;
    if (s.kind !== 'branch') s.location = takeLocation();
    s.lastWakeAt = s.createdAt;
    publishTask('start', s);
  }

  pollStart(task: Task): void {
    const s = this.#stats(task);
    if (s === undefined) return;
    const now = performance.now();
    if (s.lastWakeAt !== 0) {
      s.scheduledMs += now - s.lastWakeAt;
      s.lastWakeAt = 0;
    }
    s.pollStartAt = now;
    if (this.#current !== null) this.#stack.push(this.#current);
    this.#current = s;
    publishPoll('start', s);
  }

  pollEnd(task: Task): void {
    const s = this.#current;
    if (s === null || s.task !== task) return;
    this.#current = this.#stack.pop() ?? null;
    const now = performance.now();
    const ms = now - s.pollStartAt;
    s.polls++;
    this.totalPolls++;
    s.busyMs += ms;
    s.lastPollEndAt = now;
    if (ms > s.maxPollMs) s.maxPollMs = ms;
    const us = ms * 1000;
    const bucket = us < 1 ? 0 : Math.min(HIST_BUCKETS - 1, 1 + Math.floor(Math.log2(us)));
    if (s.hist !== null) s.hist[bucket]!++;
    else if (s.firstBucket < 0) s.firstBucket = bucket;
    else {
      s.hist = new Uint32Array(HIST_BUCKETS);
      s.hist[s.firstBucket]!++;
      s.hist[bucket]!++;
    }
    if (ms > this.thresholds.longPollMs) {
      s.longPolls++;
      if (this.worstPoll === null || ms > this.worstPoll.ms) this.worstPoll = { taskId: s.id, ms };
      this.#warn({
        kind: 'long-poll',
        taskId: s.id,
        message: `task ${label(s)} blocked the event loop for ${ms.toFixed(1)} ms in one poll (over ${this.thresholds.longPollMs} ms): move CPU work to spawnBlocking or yield with yieldNow()`,
        at: now,
      });
    }
    if (task.state === State.Parked) {
      s.selfWakeRun = 0;
      s.parkedSince = now;
    }
    publishPoll('end', s);
  }

  wake(task: Task, self: boolean): void {
    const s = this.#stats(task);
    if (s === undefined) return;
    s.wakes++;
    if (s.lastWakeAt === 0) s.lastWakeAt = performance.now();
    if (self) {
      s.selfWakes++;
      s.selfWakeRun++;
      if (s.selfWakeRun > s.maxSelfWakeRun) s.maxSelfWakeRun = s.selfWakeRun;
      if (s.selfWakeRun === this.thresholds.selfWakeRun) {
        this.#warn({
          kind: 'self-wake-loop',
          taskId: s.id,
          message: `task ${label(s)} woke itself ${s.selfWakeRun} times in a row without waiting on anything (a busy loop of yieldNow() or always-ready futures)`,
          at: performance.now(),
        });
      }
    }
  }

  complete(task: Task): void {
    const s = this.tasks.get(task.id);
    if (s === undefined || s.task !== task) return;
    s.endedAt = performance.now();
    publishTask('end', s);
    // A task that lived less than SHORT_LIVED_MS is forgotten at once: keeping
    // it would carry it past a young-generation GC (a spawn+join loop then
    // pays for promotions); the runtime's counters still count it.
    if (s.endedAt - s.createdAt < SHORT_LIVED_MS) {
      this.tasks.delete(s.id);
      return;
    }
    if (this.#done.length < RETAIN_DONE) this.#done.push(s.id);
    else {
      const old = this.#done[this.#doneHead]!;
      this.tasks.delete(old);
      this.#done[this.#doneHead] = s.id;
      this.#doneHead = (this.#doneHead + 1) % RETAIN_DONE;
    }
  }

  #warn(w: Warning): void {
    // one warning of a kind per task: the latest replaces the earlier
    const i = this.warnings.findIndex((x) => x.kind === w.kind && x.taskId === w.taskId);
    if (i >= 0) this.warnings[i] = w;
    else {
      if (this.warnings.length >= 200) this.warnings.shift();
      this.warnings.push(w);
    }
  }

  /** Event-loop delay (ms) seen since the console started. */
  loopDelay(): { meanMs: number; maxMs: number; p99Ms: number } {
    const h = this.#delay;
    const ok = h.count > 0;
    return {
      meanMs: ok ? h.mean / 1e6 : 0,
      maxMs: ok ? h.max / 1e6 : 0,
      p99Ms: ok ? h.percentile(99) / 1e6 : 0,
    };
  }
}

/** The poll-time histogram of `s` as an array (see {@link HIST_BUCKETS}). @internal */
export function histogram(s: TaskStats): number[] {
  if (s.hist !== null) return Array.from(s.hist);
  const out = new Array<number>(HIST_BUCKETS).fill(0);
  if (s.firstBucket >= 0) out[s.firstBucket] = 1;
  return out;
}

/** `name (id)` or `id`. @internal */
export function label(s: TaskStats): string {
  return s.task.name !== undefined ? `'${s.task.name}' (${s.id})` : String(s.id);
}
