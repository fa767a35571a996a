/**
 * The console's snapshot: the JSON that `GET /api/snapshot` returns and the
 * recorder writes, built from the collector's aggregates and the live task
 * and resource records.
 * @internal
 */

import { type Inspectable, inspect } from '../runtime/instrument.js';
import type { Runtime } from '../runtime/runtime.js';
import { State, Task } from '../runtime/task.js';
import type { TimeDriver, TimerEntry } from '../runtime/time/driver.js';
import { Acquire, type BatchSemaphore, HELD } from '../sync/batch-semaphore.js';
import { type Collector, histogram, label, type TaskStats, type Warning } from './collector.js';

/** One task as the console shows it. */
export interface TaskSnapshot {
  id: number;
  name: string | undefined;
  kind: 'task' | 'branch' | 'scoped';
  state: 'scheduled' | 'running' | 'idle' | 'done';
  parent: number | null;
  location: string | undefined;
  polls: number;
  busyMs: number;
  scheduledMs: number;
  idleMs: number;
  totalMs: number;
  wakes: number;
  selfWakes: number;
  maxPollMs: number;
  /** Poll durations: bucket i counts polls of [2^(i-1), 2^i) µs (bucket 0: under 1 µs). */
  pollHistogram: number[];
  waitingOn: string | undefined;
}

/**
 * A resource: a sync primitive with its queue, a timer, a socket, a child
 * process. `kind` says which; the other fields depend on it:
 * - `mutex`/`rwlock`/`semaphore`: `holders`, `availablePermits`, `closed`;
 *   `mpsc`: `capacity`, `len`, `senders`, `receiverClosed`;
 * - `notify`: `permit`; `watch`: `version`, `senders`, `receivers`, `closed`;
 *   `broadcast`: `capacity`, `len`, `senders`, `receivers`, `lag` (messages
 *   each receiver has not read, in receiver order), `closed`;
 * - `timer wheel` (one per runtime): `count`, `nextDeadlineInMs`, `paused`;
 *   `sleep`/`timeout` (each queued timer, earliest first): `deadlineInMs`;
 *   `interval`: `periodMs`, `nextTickInMs`, `missedTickBehavior`;
 * - `tcp stream`/`unix stream`: `local`, `peer`, `bytesRead`,
 *   `bytesWritten`, `buffered`, `closed`, and `groups.readers`/`groups.writers`;
 *   `tcp listener`/`unix listener`: `local`, `queued` (not yet accepted),
 *   `closed`; `udp socket`: `local`, `peer`, `bytesRead`, `bytesWritten`,
 *   `queued`, `dropped`, `closed`;
 * - `child process`: `pid`, `command`, `state` (`running`, `exited (…)`,
 *   `failed (…)`).
 */
export interface ResourceSnapshot {
  id: number;
  kind: string;
  /** Tasks parked on it, in queue order. */
  waiters: number[];
  /** Tasks holding it (locks, permits). */
  holders?: number[];
  /** Named subsets of the waiters (a socket's `readers` and `writers`, a watch's `changed`…). */
  groups?: Record<string, number[]>;
  [field: string]: unknown;
}

/** Queued timers listed one by one at most (the nearest deadlines); the wheel's count has them all. */
export const MAX_TIMERS_LISTED = 200;

/** What `GET /api/snapshot` returns. */
export interface Snapshot {
  at: number;
  runtime: {
    uptimeMs: number;
    aliveTasks: number;
    spawnedTasks: number;
    queueDepth: number;
    polls: number;
    timers: number;
    eventLoopDelay: { meanMs: number; maxMs: number; p99Ms: number };
    worstPoll: { taskId: number; ms: number } | null;
    /** The runtime's workers (one on the current-thread runtime), from `metrics()`. */
    workers: {
      polls: number;
      parks: number;
      steals: number;
      localQueueDepth: number;
      busyMs: number;
    }[];
    /** The blocking pool. */
    blocking: { threads: number; idle: number; queueDepth: number };
  };
  tasks: TaskSnapshot[];
  resources: ResourceSnapshot[];
  warnings: Warning[];
}

const STATE_NAMES: Record<number, TaskSnapshot['state']> = {
  [State.Scheduled]: 'scheduled',
  [State.Running]: 'running',
  [State.Parked]: 'idle',
  [State.Done]: 'done',
};

const SOCKET = /stream|listener|udp/;

/** `ms` to the µs (the JSON, and a recording, stay short). */
function us(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function taskSnapshot(s: TaskStats, now: number): TaskSnapshot {
  const t = s.task;
  const end = s.endedAt !== 0 ? s.endedAt : now;
  const total = end - s.createdAt;
  return {
    id: s.id,
    name: t.name,
    kind: s.kind,
    state: STATE_NAMES[t.state] ?? 'idle',
    parent: s.parent,
    location: s.location,
    polls: s.polls,
    busyMs: us(s.busyMs),
    scheduledMs: us(s.scheduledMs),
    idleMs: us(Math.max(0, total - s.busyMs - s.scheduledMs)),
    totalMs: us(total),
    wakes: s.wakes,
    selfWakes: s.selfWakes,
    maxPollMs: us(s.maxPollMs),
    pollHistogram: histogram(s),
    waitingOn: t.state === State.Done ? undefined : (t.waitingOn?.describe() ?? undefined),
  };
}

/** Resources the console tracks: weakly, so it never keeps a primitive alive. @internal */
export class Resources {
  #next = 1;
  readonly #ids = new WeakMap<object, number>();
  readonly #live = new Set<WeakRef<object>>();
  readonly #held = new Set<WeakRef<Acquire<unknown>>>();
  readonly #holder = new WeakMap<object, number>();

  add(r: object): void {
    this.#ids.set(r, this.#next++);
    this.#live.add(new WeakRef(r));
    if (this.#live.size > 20_000) this.#sweep();
  }

  /** Tracks `r` if it is not tracked yet (a primitive created before the console started). */
  know(r: object): void {
    if (!this.#ids.has(r)) this.add(r);
  }

  acquired(acq: Acquire<unknown>, taskId: number): void {
    if (!this.#ids.has(acq.sem)) this.add(acq.sem); // created before the console started
    this.#holder.set(acq, taskId);
    this.#held.add(new WeakRef(acq));
    if (this.#held.size > 20_000) this.#sweep();
  }

  #sweep(): void {
    for (const w of this.#live) if (w.deref() === undefined) this.#live.delete(w);
    for (const w of this.#held) {
      const a = w.deref();
      if (a === undefined || a.st !== HELD) this.#held.delete(w);
    }
  }

  /** The timer wheel (count, next deadline) and its nearest queued timers with the task waiting on each. */
  #timers(time: TimeDriver, waitingOn: Map<object, number>, out: ResourceSnapshot[]): void {
    const entries = time.listEntries();
    const now = time.now();
    const next = entries[0];
    out.push({
      id: this.idOf(time),
      kind: 'timer wheel',
      waiters: [],
      count: entries.length,
      nextDeadlineInMs: next === undefined ? null : Math.max(0, Math.round(next.when - now)),
      paused: time.paused,
    });
    for (const e of entries.slice(0, MAX_TIMERS_LISTED))
      out.push(timerSnapshot(e, this.idOf(e), now, waitingOn));
  }

  /** Holders of each semaphore: task ids, from the acquisitions still held. */
  holders(): Map<BatchSemaphore, number[]> {
    const out = new Map<BatchSemaphore, number[]>();
    for (const w of this.#held) {
      const a = w.deref();
      if (a === undefined || a.st !== HELD) {
        this.#held.delete(w);
        continue;
      }
      const id = this.#holder.get(a);
      if (id === undefined) continue;
      const list = out.get(a.sem);
      if (list === undefined) out.set(a.sem, [id]);
      else list.push(id);
    }
    return out;
  }

  /** The id of `r`, given on first sight, without tracking it (timer entries). */
  idOf(r: object): number {
    let id = this.#ids.get(r);
    if (id === undefined) {
      id = this.#next++;
      this.#ids.set(r, id);
    }
    return id;
  }

  /** `waitingOn` maps each parked task's leaf future to the task's id. */
  snapshot(waitingOn: Map<object, number>, time: TimeDriver | null): ResourceSnapshot[] {
    const holders = this.holders();
    const out: ResourceSnapshot[] = [];
    if (time !== null) this.#timers(time, waitingOn, out);
    for (const w of this.#live) {
      const r = w.deref() as Record<string, any> | undefined;
      if (r === undefined) {
        this.#live.delete(w);
        continue;
      }
      const id = this.#ids.get(r) ?? 0;
      if (inspect in r) {
        const info = (r as Inspectable)[inspect]();
        const snap: ResourceSnapshot = {
          id,
          kind: info.kind,
          waiters: taskIds(info.waiters, waitingOn),
        };
        for (const [k, v] of Object.entries(info.fields)) if (v !== undefined) snap[k] = v;
        if (info.groups !== undefined) {
          const groups: Record<string, number[]> = {};
          for (const [k, g] of Object.entries(info.groups)) groups[k] = taskIds(g, waitingOn);
          snap.groups = groups;
        }
        out.push(snap);
      } else if ('waiters' in r && 'permits' in r) {
        const waiters: number[] = [];
        for (let n = r.waiters.head; n !== null; n = n.nx)
          if (n.task !== null) waiters.push(n.task.id);
        const kind = kindOf(r.constructor.name);
        const base: ResourceSnapshot = {
          id,
          kind,
          waiters,
          holders: holders.get(r as BatchSemaphore) ?? [],
        };
        if (kind === 'semaphore') base.availablePermits = r.permits;
        base.closed = r.closed === true;
        out.push(base);
      } else if ('sendWaiters' in r && 'buf' in r) {
        const waiters: number[] = [];
        for (let n = r.sendWaiters.head; n !== null; n = n.nx) {
          const id = waitingOn.get(n);
          if (id !== undefined) waiters.push(id);
        }
        if (r.recvTask != null) waiters.unshift(r.recvTask.id);
        out.push({
          id,
          kind: r.cap === Number.POSITIVE_INFINITY ? 'mpsc (unbounded)' : 'mpsc',
          waiters,
          capacity: r.cap === Number.POSITIVE_INFINITY ? null : r.cap,
          len: r.buf.length,
          senders: r.senders,
          receiverClosed: r.rxClosed,
        });
      }
    }
    return out;
  }
}

function timerSnapshot(
  e: TimerEntry,
  id: number,
  now: number,
  waitingOn: Map<object, number>,
): ResourceSnapshot {
  const ctor = e.constructor.name;
  const task = waitingOn.get(e);
  return {
    id,
    kind: ctor === 'Sleep' ? 'sleep' : ctor === 'Timeout' ? 'timeout' : 'timer',
    waiters: task === undefined ? [] : [task],
    deadlineInMs: Math.max(0, Math.round(e.when - now)),
  };
}

/** The ids of the tasks behind `waiters` (tasks, or leaves they are parked on), in order. */
function taskIds(waiters: Iterable<object>, waitingOn: Map<object, number>): number[] {
  const ids: number[] = [];
  for (const w of waiters) {
    if (w instanceof Task) ids.push(w.id);
    else {
      const id = waitingOn.get(w);
      if (id !== undefined) ids.push(id);
      else {
        const t = (w as { task?: unknown }).task; // leaves that keep their task
        if (t instanceof Task) ids.push(t.id);
      }
    }
  }
  return ids;
}

function kindOf(ctor: string): string {
  if (ctor.startsWith('Mutex')) return 'mutex';
  if (ctor.startsWith('RwLock') || ctor.startsWith('Rw')) return 'rwlock';
  return 'semaphore';
}

/**
 * Builds the snapshot; also raises the "lock held across a wait" warnings.
 * With `frame` (a recording), tasks that ended before `frame.since` and
 * closed sockets are left out, so a frame's size follows what is alive.
 * @internal
 */
export function buildSnapshot(
  c: Collector,
  resources: Resources,
  frame?: { since: number },
): Snapshot {
  const now = performance.now();
  const tasks: TaskSnapshot[] = [];
  const waitingOn = new Map<object, number>();
  // tasks not in the map: spawned and not polled yet, or in their first poll now
  const unregistered = c.young();
  for (const s of c.running()) {
    if (s.polls === 0 && now - s.pollStartAt >= c.thresholds.neverYieldedMs)
      c.neverYielded(s, now - s.pollStartAt, now);
    if (!s.registered) unregistered.push(s);
  }
  const all = unregistered.length === 0 ? c.tasks.values() : [...c.tasks.values(), ...unregistered];
  for (const s of all) {
    // a recording frame keeps the tasks that ended since the frame before: each end is recorded once
    if (frame !== undefined && s.endedAt !== 0 && s.endedAt < frame.since) continue;
    tasks.push(taskSnapshot(s, now));
    const w = s.task.waitingOn;
    if (w !== null) {
      waitingOn.set(w, s.id);
      if (w instanceof Acquire) resources.know(w.sem);
    }
  }
  const res = resources.snapshot(waitingOn, c.sched.time as TimeDriver | null);
  for (const r of res) {
    if ((r.kind !== 'mutex' && r.kind !== 'rwlock') || r.holders === undefined) continue;
    for (const holder of r.holders) {
      const s = c.tasks.get(holder);
      if (s === undefined || s.task.state !== State.Parked) continue;
      const waiting = s.task.waitingOn;
      if (waiting === null || waiting instanceof Acquire) continue;
      const parkedMs = now - s.parkedSince;
      if (parkedMs < c.thresholds.lockHeldMs) continue;
      c.warnings.push({
        kind: 'lock-held-across-wait',
        taskId: s.id,
        message: `task ${label(s)} holds ${r.kind} #${r.id} while it waits on ${waiting.describe()} (${Math.round(parkedMs)} ms; ${r.waiters.length} task(s) queued for the lock)`,
        at: now,
      });
    }
  }
  // keep one warning per kind and task (the newest)
  const seen = new Set<string>();
  const warnings: Warning[] = [];
  for (let i = c.warnings.length - 1; i >= 0; i--) {
    const w = c.warnings[i]!;
    const key = `${w.kind}:${w.taskId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    warnings.unshift(w);
  }
  c.warnings.length = 0;
  c.warnings.push(...warnings);
  const m = c.sched;
  const metrics = (m.owner as Runtime).metrics();
  const workers: Snapshot['runtime']['workers'] = [];
  for (let i = 0; i < metrics.numWorkers; i++) {
    workers.push({
      polls: metrics.workerPollCount(i),
      parks: metrics.workerParkCount(i),
      steals: metrics.workerStealCount(i),
      localQueueDepth: metrics.workerLocalQueueDepth(i),
      busyMs: metrics.workerTotalBusyDuration(i),
    });
  }
  return {
    at: Date.now(),
    runtime: {
      uptimeMs: now - c.startedAt,
      aliveTasks: m.aliveCount,
      spawnedTasks: m.spawned,
      queueDepth: m.queueDepth,
      polls: m.polls,
      timers: m.timerEntries(),
      eventLoopDelay: c.loopDelay(),
      worstPoll: c.worstPoll,
      workers,
      blocking: {
        threads: metrics.blockingThreads,
        idle: metrics.idleBlockingThreads,
        queueDepth: metrics.blockingQueueDepth,
      },
    },
    tasks,
    // a recording frame leaves out the closed sockets the GC has not taken yet
    resources:
      frame === undefined ? res : res.filter((r) => !(r.closed === true && SOCKET.test(r.kind))),
    warnings,
  };
}
