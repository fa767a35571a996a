/**
 * The console's collector: per-task aggregates kept in place from the
 * scheduler's instrumentation points, and the snapshot the UI pulls.
 *
 * How and why (the cost of a task while the console is on is the goal: a
 * spawn+join loop at most 1.5x its cost with the console off):
 * - One record per task, updated with a few additions per event: no object
 *   per event. A task is registered (put in the `tasks` map) only when its
 *   first poll ends and it is still alive: most tasks of a spawn+join loop
 *   finish in their first poll and never touch the map. Until its first poll
 *   a task waits, without a record, in the slot (the newest spawn: a join
 *   polls it inline at once) or in a ring in spawn order (the run queue is
 *   FIFO, so the task polled next is nearly always the ring's head), both
 *   listed by the snapshot. Its first poll is timed in the slot too.
 * - A coarse clock: `performance.now()` (~20-50 ns) is read once per poll,
 *   at its end; a poll's start is the end of the poll before it in the same
 *   scheduler batch (one read per batch starts it, reset by a microtask once
 *   the batch is over), and a wake or spawn inside a poll takes that poll's
 *   time. Only nested polls (combinator branches) and events outside any poll
 *   (I/O callbacks waking a task) read the clock themselves.
 * - Completed tasks are kept for a while (the last {@link RETAIN_DONE} that
 *   lived at least {@link SHORT_LIVED_MS}) so a finished task can still be
 *   looked at.
 * - Spawn locations cost a stack trace (~1 µs to capture, ~8 µs more to
 *   format), so they are taken for at most {@link LOCATION_BUDGET} spawns a
 *   second, and formatted only when the task gets a record: long-lived tasks
 *   get theirs, a spawn+join loop stays cheap.
 * @internal
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { ctx } from '../runtime/context.js';
import { setUndrivenListener } from '../runtime/debug.js';
import type { Instrument } from '../runtime/instrument.js';
import { userLocation } from '../runtime/location.js';
import type { Scheduler } from '../runtime/scheduler.js';
import { State, type Task } from '../runtime/task.js';
import type { Acquire } from '../sync/batch-semaphore.js';
import type { Resources } from './snapshot.js';
import { publishPoll, publishSpawn, publishTask, tracingActive } from './tracing.js';

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
  /** A task still in (or done with) its first poll after this long never yielded (tokio-console: 1 s). */
  neverYieldedMs: number;
}

export const DEFAULT_THRESHOLDS: WarningThresholds = {
  longPollMs: 10,
  selfWakeRun: 1000,
  lockHeldMs: 1000,
  neverYieldedMs: 1000,
};

/** Spawned tasks whose first poll has not ended, kept in spawn order before they are registered. */
const YOUNG_RING = 1024;
const YOUNG_MASK = YOUNG_RING - 1;
/** The slot's states (see `Collector.#sTask`). */
const SLOT_YOUNG = 0;
const SLOT_POLL = 1;
const SLOT_INLINE = 2;

/**
 * A spawn location as taken: the Error whose stack is formatted only when a
 * record is made (V8 captures the frames at once, ~1 µs, and formats them on
 * the first read of `stack`, ~8 µs: most spawned tasks end without a record),
 * or the formatted location.
 */
type Loc = Error | string | undefined;

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
  /** When it was last woken or spawned, -1 once a poll started (scheduled time runs from here). */
  lastWakeAt: number;
  pollStartAt = 0;
  /** When it last parked (the lock-held warning measures from here). */
  parkedSince = 0;
  /** In the `tasks` map (else still in the young ring, or a short task that never was). */
  registered = false;

  constructor(
    task: Task,
    now: number,
    parent: number | null,
    kind: 'task' | 'branch' | 'scoped',
    location: Loc,
  ) {
    this.id = task.id;
    this.task = task;
    this.parent = parent;
    this.kind = kind;
    this.location = formatLoc(location);
    this.createdAt = now;
    this.lastWakeAt = now;
  }
}

/**
 * A warning, as tokio-console's lints: `long-poll` (one poll blocked the
 * event loop), `never-yielded` (a task's first poll ran for long: it never
 * let other tasks run), `self-wake-loop`, `lock-held-across-wait`,
 * `never-polled` (debug mode: a future created and never awaited), and
 * `deadlock` (the program's main task can never finish; the message is the
 * runtime's explanation, as on stderr, and the recording's last frame has it).
 */
export interface Warning {
  kind:
    | 'long-poll'
    | 'never-yielded'
    | 'self-wake-loop'
    | 'lock-held-across-wait'
    | 'never-polled'
    | 'deadlock';
  taskId?: number;
  message: string;
  at: number;
}

/** The collector for one runtime; it is the scheduler's instrument while the console runs. @internal */
export class Collector implements Instrument {
  /** Registered tasks: alive after their first poll, or done and retained. */
  readonly tasks = new Map<number, TaskStats>();
  readonly warnings: Warning[] = [];
  readonly sched: Scheduler;
  readonly thresholds: WarningThresholds;
  readonly resources: Resources;
  readonly startedAt = performance.now();
  /** The coarse clock: the last `performance.now()` read (see the module comment). */
  clock = this.startedAt;
  /** The clock was read in this scheduler batch (reset by a microtask after it). */
  #fresh = false;
  /** Someone subscribed to the tracing channels (read once per batch). */
  #tracing = false;
  readonly #stale = (): void => {
    this.#fresh = false;
  };
  #done: number[] = [];
  #doneHead = 0;
  #stack: TaskStats[] = [];
  #current: TaskStats | null = null;
  /** The last record looked up in the map (a parent is woken, then polled). */
  #last: TaskStats | null = null;
  // The young ring: spawned tasks whose first poll has not started, in spawn
  // order, as parallel arrays (no object per task).
  readonly #yTask: (Task | null)[] = new Array(YOUNG_RING).fill(null);
  readonly #yAt = new Float64Array(YOUNG_RING);
  readonly #yParent = new Float64Array(YOUNG_RING);
  readonly #yLoc: Loc[] = new Array(YOUNG_RING).fill(undefined);
  #yHead = 0;
  #yLen = 0;
  // The slot: the newest spawned task while it is not polled (younger than
  // everything in the ring), then its first poll, or the first poll of the
  // ring's head, timed without a record (the fast poll); a record is made
  // only if it is needed (the task outlives the poll, a branch is polled
  // inside it, a snapshot or a warning names it). A spawn+join loop never
  // touches the ring: spawn fills the slot, the inline poll flips its state.
  #sTask: Task | null = null;
  #sAt = 0;
  #sParent = -1;
  #sLoc: Loc = undefined;
  #sStart = 0;
  /** SLOT_YOUNG (or empty), SLOT_POLL, or SLOT_INLINE: a fast poll inside its joiner's poll (the join fast path). */
  #sState = SLOT_YOUNG;
  #locationWindow = 0;
  #locationsLeft = LOCATION_BUDGET;
  /** Before this instant the budget is spent: no location is taken (one comparison per spawn). */
  #locationNext = 0;
  readonly #delay = monitorEventLoopDelay({ resolution: 10 });
  /** The poll that was running when the event loop stalled the most. */
  worstPoll: { taskId: number; ms: number } | null = null;
  totalPolls = 0;
  /** Tasks that finished in their first poll, soon after their spawn (never registered). */
  shortTasks = 0;

  constructor(sched: Scheduler, resources: Resources, thresholds: Partial<WarningThresholds> = {}) {
    this.sched = sched;
    this.resources = resources;
    this.thresholds = { ...DEFAULT_THRESHOLDS, ...thresholds };
    this.#delay.enable();
    setUndrivenListener((task, what, at) => {
      if (task.sched !== this.sched) return;
      const s = this.#find(task);
      this.#warn({
        kind: 'never-polled',
        taskId: task.id,
        message: `the future of ${what} created at ${at ?? '(unknown)'} by task ${s === null ? task.id : label(s)} was never driven: a Future does nothing until it is awaited (yield* it, or spawn it)`,
        at: this.clock,
      });
    });
  }

  close(): void {
    this.#delay.disable();
    setUndrivenListener(null);
  }

  #now(): number {
    const now = performance.now();
    this.clock = now;
    return now;
  }

  #takeLocation(now: number): Loc {
    if (now - this.#locationWindow > 1000) {
      this.#locationWindow = now;
      this.#locationsLeft = LOCATION_BUDGET;
    }
    if (this.#locationsLeft === 0) {
      this.#locationNext = this.#locationWindow + 1000;
      return undefined;
    }
    this.#locationsLeft--;
    return new Error();
  }

  /** Empties the slot. */
  #clearSlot(): void {
    this.#sTask = null;
    this.#sLoc = undefined;
    this.#sState = SLOT_YOUNG;
  }

  /** Moves the young task of the slot (if any) to the ring's tail, where it keeps its spawn order. */
  #flushSlot(): void {
    const task = this.#sTask;
    if (task === null) return;
    this.#pushYoung(task, this.#sAt, this.#sParent, this.#sLoc);
    this.#clearSlot();
  }

  #pushYoung(task: Task, now: number, parent: number, loc: Loc): void {
    if (this.#yLen === YOUNG_RING) {
      // not polled after YOUNG_RING later spawns: register the oldest now
      this.#register(this.#takeYoungAt(this.#yHead));
    }
    const at = (this.#yHead + this.#yLen) & YOUNG_MASK;
    this.#yTask[at] = task;
    this.#yAt[at] = now;
    this.#yParent[at] = parent;
    this.#yLoc[at] = loc;
    this.#yLen++;
  }

  /** The record of the fast poll, made now (it becomes `#current`). */
  #promoteFast(): TaskStats {
    const task = this.#sTask!;
    const s = this.#record(task, this.#sAt, this.#sParent, this.#sLoc);
    this.#clearSlot();
    s.lastWakeAt = -1;
    s.scheduledMs = this.#sStart - s.createdAt;
    s.pollStartAt = this.#sStart;
    if (this.#current !== null) this.#stack.push(this.#current);
    this.#current = s;
    return s;
  }

  #record(task: Task, at: number, parent: number, loc: Loc): TaskStats {
    const p = task.parent;
    return new TaskStats(
      task,
      at,
      parent < 0 ? null : parent,
      p === null ? 'task' : task.branch ? 'branch' : 'scoped',
      loc,
    );
  }

  /** The running record (`#current`), made from the fast poll if that is what runs. */
  #cur(): TaskStats | null {
    return this.#sState !== SLOT_YOUNG ? this.#promoteFast() : this.#current;
  }

  /** The record of `task`, wherever it is (map, young ring, current poll), or null. */
  #find(task: Task): TaskStats | null {
    const last = this.#last;
    if (last !== null && last.task === task) return last;
    if (this.#sTask === task) {
      if (this.#sState !== SLOT_YOUNG) return this.#promoteFast();
      // spawned, not polled yet (rare: woken or cancelled before its first poll)
      const y = this.#record(task, this.#sAt, this.#sParent, this.#sLoc);
      this.#clearSlot();
      this.#register(y);
      return y;
    }
    const cur = this.#current;
    if (cur !== null && cur.task === task) return cur;
    const s = this.tasks.get(task.id);
    if (s !== undefined) {
      this.#last = s;
      return s;
    }
    // spawned, not polled yet (rare: woken or cancelled before its first poll)
    const at = this.#youngIndex(task);
    if (at < 0) return null;
    const y = this.#takeYoungAt(at);
    this.#register(y);
    return y;
  }

  /** The record of `task`, created and registered if the console has not seen it (spawned before it started). */
  #stats(task: Task): TaskStats | undefined {
    if (task.sched !== this.sched) return undefined;
    const s = this.#find(task);
    if (s !== null) return s;
    const p = task.parent;
    const n = this.#record(task, this.clock, p === null ? -1 : p.id, undefined);
    this.#register(n);
    return n;
  }

  #register(s: TaskStats): void {
    s.registered = true;
    this.tasks.set(s.id, s);
    this.#last = s;
  }

  /** The ring index of `task`, or -1. */
  #youngIndex(task: Task): number {
    const ring = this.#yTask;
    for (let i = this.#yLen - 1; i >= 0; i--) {
      const at = (this.#yHead + i) & YOUNG_MASK;
      if (ring[at] === task) return at;
    }
    return -1;
  }

  /** Takes the task at ring index `at` out, as a record. */
  #takeYoungAt(at: number): TaskStats {
    const s = this.#record(this.#yTask[at]!, this.#yAt[at]!, this.#yParent[at]!, this.#yLoc[at]);
    this.#clearYoung(at);
    return s;
  }

  #clearYoung(at: number): void {
    this.#yTask[at] = null;
    this.#yLoc[at] = undefined;
    const ring = this.#yTask;
    if (at === ((this.#yHead + this.#yLen - 1) & YOUNG_MASK)) this.#yLen--;
    // skip the holes at the head
    while (this.#yLen > 0 && ring[this.#yHead] === null) {
      this.#yHead = (this.#yHead + 1) & YOUNG_MASK;
      this.#yLen--;
    }
  }

  /** The records of the tasks spawned and not polled yet (for the snapshot). */
  young(): TaskStats[] {
    const out: TaskStats[] = [];
    for (let i = 0; i < this.#yLen; i++) {
      const at = (this.#yHead + i) & YOUNG_MASK;
      const t = this.#yTask[at];
      if (t !== null && t !== undefined) {
        const s = this.#record(t, this.#yAt[at]!, this.#yParent[at]!, this.#yLoc[at]);
        this.#yLoc[at] = s.location; // formatted once, not at each snapshot
        out.push(s);
      }
    }
    const t = this.#sTask;
    if (t !== null && this.#sState === SLOT_YOUNG) {
      const s = this.#record(t, this.#sAt, this.#sParent, this.#sLoc);
      this.#sLoc = s.location;
      out.push(s);
    }
    return out;
  }

  /** The polls running now, outermost first (a snapshot taken from inside a poll sees them). */
  running(): TaskStats[] {
    const cur = this.#cur();
    return cur === null ? [] : [...this.#stack, cur];
  }

  spawn(task: Task): void {
    if (task.sched !== this.sched) return;
    const cur = this.#current;
    if (cur !== null && this.#sState === SLOT_YOUNG && task.parent === null && !this.#tracing) {
      // the common case, kept small: a task spawned by a task that has a
      // record (a long-lived one) goes to the slot (the rest is #spawn)
      const now = this.clock;
      const loc = now >= this.#locationNext ? this.#takeLocation(now) : undefined;
      if (this.#sTask !== null) this.#flushSlot();
      this.#sTask = task;
      this.#sAt = now;
      this.#sParent = cur.id;
      this.#sLoc = loc;
      return;
    }
    this.#spawn(task);
  }

  #spawn(task: Task): void {
    const fast = this.#sState !== SLOT_YOUNG;
    const cur = fast ? this.#sTask : this.#current === null ? null : this.#current.task;
    let now = this.clock;
    if (cur === null) {
      // outside any poll the coarse clock may be old: read it (and who listens)
      now = this.#now();
      this.#tracing = tracingActive();
    }
    const tp = task.parent;
    const parent = tp !== null ? tp.id : cur === null ? -1 : cur.id;
    const loc =
      (tp !== null && task.branch) || now < this.#locationNext
        ? undefined
        : this.#takeLocation(now);
    if (fast) {
      // the slot times its spawner's poll: the ring takes the new task
      this.#pushYoung(task, now, parent, loc);
    } else {
      if (this.#sTask !== null) this.#flushSlot();
      this.#sTask = task;
      this.#sAt = now;
      this.#sParent = parent;
      this.#sLoc = loc;
    }
    if (this.#tracing) publishSpawn(task, parent < 0 ? null : parent, formatLoc(loc));
  }

  pollStart(task: Task): void {
    // The join fast path of the scheduler: the task spawned last (the slot's,
    // so of this runtime, and not running) polled inside the poll of the task
    // that joins it. Its poll starts at the last clock read: its measured
    // poll may include its joiner's work since then; if it finishes there, it
    // is timed as part of its joiner's poll (see pollEnd). Kept small so the
    // JIT inlines it into the scheduler's poll (the rest is #pollStart).
    if (task === this.#sTask && this.#current !== null && task.parent === null && !this.#tracing) {
      this.#sStart = this.clock;
      this.#sState = SLOT_INLINE;
      return;
    }
    this.#pollStart(task);
  }

  #pollStart(task: Task): void {
    if (task.sched !== this.sched) return;
    const fastOuter = this.#sState !== SLOT_YOUNG;
    let now: number;
    let inline = false;
    if (fastOuter || this.#current !== null) {
      // Inside another task's poll: a task polled inline by its joiner (see
      // pollStart) starts at the last clock read, branches and everything
      // else read the clock.
      inline = !fastOuter && task.parent === null;
      now = inline ? this.clock : this.#now();
    } else if (this.#fresh) {
      now = this.clock; // the end of the previous poll of this batch
    } else {
      now = this.#now();
      this.#fresh = true;
      this.#tracing = tracingActive();
      queueMicrotask(this.#stale);
    }
    if (!this.#tracing) {
      // the fast paths: a first poll of the young task of the slot (a fast
      // outer poll holds the slot, so this one is then not in it) or of the
      // ring's head, without a record
      if (task === this.#sTask) {
        this.#sStart = now;
        this.#sState = inline ? SLOT_INLINE : SLOT_POLL;
        return;
      }
      const head = this.#yHead;
      if (!fastOuter && this.#yLen > 0 && this.#yTask[head] === task) {
        const at = this.#yAt[head]!;
        const parent = this.#yParent[head]!;
        const loc = this.#yLoc[head];
        this.#clearYoung(head);
        // the slot's young task is newer than the whole ring: to its tail
        this.#flushSlot();
        this.#sTask = task;
        this.#sAt = at;
        this.#sParent = parent;
        this.#sLoc = loc;
        this.#sStart = now;
        this.#sState = inline ? SLOT_INLINE : SLOT_POLL;
        return;
      }
    }
    const outer = this.#cur();
    let s: TaskStats;
    if (task === this.#sTask) {
      s = this.#record(task, this.#sAt, this.#sParent, this.#sLoc);
      this.#clearSlot();
    } else {
      const at = this.#yLen === 0 ? -1 : this.#youngIndex(task);
      s = at >= 0 ? this.#takeYoungAt(at) : this.#stats(task)!;
    }
    if (s.lastWakeAt >= 0) {
      s.scheduledMs += Math.max(0, now - s.lastWakeAt);
      s.lastWakeAt = -1;
    }
    s.pollStartAt = now;
    if (outer !== null) this.#stack.push(outer);
    this.#current = s;
    if (this.#tracing) publishPoll('start', s);
  }

  pollEnd(task: Task): void {
    if (this.#sState === SLOT_INLINE && this.#sTask === task && task.state === State.Done) {
      // Spawned and finished inside the poll of the task that joined it:
      // timed as part of that poll (which it was), without a clock read.
      // (Small, as pollStart, for the JIT to inline; the rest is #pollEnd.)
      this.#clearSlot();
      this.totalPolls++;
      this.shortTasks++;
      return;
    }
    this.#pollEnd(task);
  }

  #pollEnd(task: Task): void {
    let now: number;
    if (this.#sState !== SLOT_YOUNG && this.#sTask === task) {
      // a first poll timed without a record: most end with the task done
      now = this.#now();
      const ms = now - this.#sStart;
      if (
        task.state === State.Done &&
        now - this.#sAt < SHORT_LIVED_MS &&
        ms <= this.thresholds.longPollMs &&
        ms < this.thresholds.neverYieldedMs
      ) {
        this.#clearSlot();
        this.totalPolls++;
        this.shortTasks++;
        return;
      }
      this.#promoteFast();
    } else now = this.#now();
    const s = this.#current;
    if (s === null || s.task !== task) return;
    this.#current = this.#stack.pop() ?? null;
    const ms = now - s.pollStartAt;
    s.polls++;
    this.totalPolls++;
    s.busyMs += ms;
    if (ms > s.maxPollMs) s.maxPollMs = ms;
    const us = Math.min(ms * 1000, 0x4000_0000) | 0;
    const bucket = us < 1 ? 0 : Math.min(HIST_BUCKETS - 1, 32 - Math.clz32(us));
    if (s.hist !== null) s.hist[bucket]!++;
    else if (s.firstBucket < 0) s.firstBucket = bucket;
    else {
      s.hist = new Uint32Array(HIST_BUCKETS);
      s.hist[s.firstBucket]!++;
      s.hist[bucket]!++;
    }
    if (ms > this.thresholds.longPollMs) this.#longPoll(s, ms, now);
    if (s.polls === 1 && ms >= this.thresholds.neverYieldedMs) this.neverYielded(s, ms, now);
    const state = task.state;
    if (state === State.Parked) {
      s.selfWakeRun = 0;
      s.parkedSince = now;
    } else if (state === State.Scheduled && s.lastWakeAt < 0) s.lastWakeAt = now; // re-queued
    if (this.#tracing) publishPoll('end', s);
    if (state === State.Done) {
      if (this.#tracing) publishTask('end', s);
      this.#ended(s, now);
    } else if (!s.registered) this.#register(s);
  }

  #longPoll(s: TaskStats, ms: number, now: number): void {
    s.longPolls++;
    if (this.worstPoll === null || ms > this.worstPoll.ms) this.worstPoll = { taskId: s.id, ms };
    this.#warn({
      kind: 'long-poll',
      taskId: s.id,
      message: `task ${label(s)} blocked the event loop for ${ms.toFixed(1)} ms in one poll (over ${this.thresholds.longPollMs} ms): move CPU work to spawnBlocking or yield with yieldNow()`,
      at: now,
    });
  }

  /** Warns that `s` ran `ms` in its first poll without yielding (at its end, or seen running by a snapshot). */
  neverYielded(s: TaskStats, ms: number, now: number): void {
    this.#warn({
      kind: 'never-yielded',
      taskId: s.id,
      message: `task ${label(s)} ${s.polls === 0 ? 'has run' : 'ran'} ${ms.toFixed(0)} ms in its first poll without ever yielding: no other task${s.polls === 0 ? ' runs' : ' ran'} meanwhile (a loop without yield*, or blocking work: use spawnBlocking)`,
      at: now,
    });
  }

  wake(task: Task, self: boolean): void {
    const last = this.#last;
    const s = last !== null && last.task === task ? last : this.#stats(task);
    if (s === undefined) return;
    s.wakes++;
    // a wake from an I/O callback or a timer, outside any poll: read the clock
    if (this.#current === null && this.#sState === SLOT_YOUNG) this.#now();
    if (s.lastWakeAt < 0) s.lastWakeAt = this.clock;
    if (self) {
      s.selfWakes++;
      s.selfWakeRun++;
      if (s.selfWakeRun > s.maxSelfWakeRun) s.maxSelfWakeRun = s.selfWakeRun;
      if (s.selfWakeRun === this.thresholds.selfWakeRun) {
        this.#warn({
          kind: 'self-wake-loop',
          taskId: s.id,
          message: `task ${label(s)} woke itself ${s.selfWakeRun} times in a row without waiting on anything (a busy loop of yieldNow() or always-ready futures)`,
          at: this.clock,
        });
      }
    }
  }

  complete(task: Task): void {
    // (the scheduler reports only completions outside the task's own poll)
    if (task.sched !== this.sched) return;
    const s = this.#find(task);
    if (s === null) return;
    publishTask('end', s);
    this.#ended(s, this.#now());
  }

  /** `s` completed at `now`: forgotten if it lived briefly, else kept among the last RETAIN_DONE. */
  #ended(s: TaskStats, now: number): void {
    s.endedAt = now;
    if (this.#last === s) this.#last = null;
    // A task that lived less than SHORT_LIVED_MS is forgotten at once: keeping
    // it would carry it past a young-generation GC (a spawn+join loop then
    // pays for promotions); the runtime's counters still count it.
    if (now - s.createdAt < SHORT_LIVED_MS) {
      if (s.registered) this.tasks.delete(s.id);
      else this.shortTasks++;
      return;
    }
    if (!s.registered) this.#register(s);
    if (this.#done.length < RETAIN_DONE) this.#done.push(s.id);
    else {
      const old = this.#done[this.#doneHead]!;
      this.tasks.delete(old);
      this.#done[this.#doneHead] = s.id;
      this.#doneHead = (this.#doneHead + 1) % RETAIN_DONE;
    }
  }

  resource(r: object): void {
    this.resources.add(r);
  }

  acquired(acq: object): void {
    const task = ctx.current;
    if (task !== null) this.resources.acquired(acq as Acquire<unknown>, task.id);
  }

  deadlock(task: Task, dump: string): void {
    if (task.sched !== this.sched) return;
    this.#warn({
      kind: 'deadlock',
      taskId: task.id,
      message: `task ${task.id} can never finish: nothing is left that could wake it (deadlock)\n${dump}`,
      at: this.#now(),
    });
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

/** The location of a {@link Loc}. */
function formatLoc(loc: Loc): string | undefined {
  return typeof loc === 'object' ? userLocation(loc.stack) : loc;
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
