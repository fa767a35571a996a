/**
 * The time driver: one per runtime, owning the runtime's clock and its timers.
 *
 * How and why: pending sleeps are kept in an indexed binary min-heap (O(log n)
 * insert and cancel; the entry is the sleep's own wait object, so a timer costs
 * no third allocation) and ONE Node timer is armed for the earliest deadline,
 * re-armed only when that deadline changes; it is ref'd exactly while a task
 * waits on time. The clock can be paused (tests): then no Node timer runs and,
 * when the runtime has nothing to run (checked again from `setImmediate`, so
 * pending I/O callbacks go first), the clock jumps to the next deadline.
 * (DESIGN §4 asks for a hierarchical timing wheel with O(1) operations; the heap
 * is the interim structure behind the same interface.)
 * @internal
 */
import type { Runtime } from '../runtime.js';
import type { Scheduler } from '../scheduler.js';

/** A pending timer: the heap stores these. @internal */
export interface TimerEntry {
  deadline: number;
  /** position in the heap, -1 when not queued */
  heapIndex: number;
  fire(): void;
}

/** @internal */
export class TimeDriver {
  readonly #sched: Scheduler;
  readonly #heap: TimerEntry[] = [];
  #paused: boolean;
  /** clock value while paused */
  #pausedNow = 0;
  /** real origin: now() = performance.now() - #origin */
  #origin: number;
  #timer: NodeJS.Timeout | null = null;
  #armedFor = Number.POSITIVE_INFINITY;
  #advancePending = false;
  readonly #fireBound = () => {
    this.#timer = null;
    this.#armedFor = Number.POSITIVE_INFINITY;
    this.fireExpired();
  };
  readonly #autoAdvanceBound = () => this.#autoAdvance();

  constructor(sched: Scheduler, paused: boolean) {
    this.#sched = sched;
    this.#paused = paused;
    this.#origin = performance.now();
    const prev = sched.onIdle;
    sched.onIdle = () => {
      if (prev !== null) prev();
      this.#onIdle();
    };
  }

  /** Milliseconds on this runtime's clock (monotonic). */
  now(): number {
    return this.#paused ? this.#pausedNow : performance.now() - this.#origin;
  }

  get paused(): boolean {
    return this.#paused;
  }

  entries(): number {
    return this.#heap.length;
  }

  pause(): void {
    if (this.#paused) return;
    this.#pausedNow = this.now();
    this.#paused = true;
    this.#disarm();
    this.#onIdle();
  }

  resume(): void {
    if (!this.#paused) return;
    this.#origin = performance.now() - this.#pausedNow;
    this.#paused = false;
    this.#arm();
  }

  /** Moves a paused clock forward by `ms`, firing what expires. */
  advance(ms: number): void {
    if (!this.#paused)
      throw new Error('tokio-ts: time.advance() needs a paused clock (pause() first)');
    this.#pausedNow += ms;
    this.fireExpired();
  }

  /** Queues `e`; returns false (and does not queue it) if its deadline has passed. */
  insert(e: TimerEntry): boolean {
    if (e.deadline <= this.now()) return false;
    const h = this.#heap;
    e.heapIndex = h.length;
    h.push(e);
    this.#up(e.heapIndex);
    if (h[0] === e) this.#arm();
    return true;
  }

  remove(e: TimerEntry): void {
    const i = e.heapIndex;
    if (i < 0) return;
    const h = this.#heap;
    const last = h.pop()!;
    e.heapIndex = -1;
    if (last !== e) {
      h[i] = last;
      last.heapIndex = i;
      this.#down(i);
      this.#up(last.heapIndex);
    }
    if (h.length === 0) this.#disarm();
  }

  /** Fires every entry whose deadline has passed, then re-arms. */
  fireExpired(): void {
    const h = this.#heap;
    const now = this.now();
    while (h.length > 0 && h[0]!.deadline <= now) {
      const e = h[0]!;
      this.remove(e);
      e.fire();
    }
    this.#arm();
  }

  #arm(): void {
    const h = this.#heap;
    if (this.#paused || h.length === 0) {
      this.#disarm();
      return;
    }
    const d = h[0]!.deadline;
    if (d === this.#armedFor && this.#timer !== null) return;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#armedFor = d;
    // Node fires a timer up to 1 ms early relative to performance.now(); add one
    this.#timer = setTimeout(this.#fireBound, Math.max(0, Math.ceil(d - this.now())) + 1);
  }

  #disarm(): void {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    this.#armedFor = Number.POSITIVE_INFINITY;
  }

  #onIdle(): void {
    if (!this.#paused || this.#heap.length === 0 || this.#advancePending) return;
    this.#advancePending = true;
    setImmediate(this.#autoAdvanceBound);
  }

  #autoAdvance(): void {
    this.#advancePending = false;
    const h = this.#heap;
    if (!this.#paused || h.length === 0) return;
    if (this.#sched.queueDepth > 0) return; // work arrived; onIdle brings us back
    const d = h[0]!.deadline;
    if (d === Number.POSITIVE_INFINITY) return;
    if (d > this.#pausedNow) this.#pausedNow = d;
    this.fireExpired();
  }

  #up(i: number): void {
    const h = this.#heap;
    const e = h[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pe = h[p]!;
      if (pe.deadline <= e.deadline) break;
      h[i] = pe;
      pe.heapIndex = i;
      i = p;
    }
    h[i] = e;
    e.heapIndex = i;
  }

  #down(i: number): void {
    const h = this.#heap;
    const n = h.length;
    const e = h[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && h[r]!.deadline < h[l]!.deadline ? r : l;
      const ce = h[c]!;
      if (ce.deadline >= e.deadline) break;
      h[i] = ce;
      ce.heapIndex = i;
      i = c;
    }
    h[i] = e;
    e.heapIndex = i;
  }
}

/** The time driver of `sched`, created on first use. @internal */
export function driverOf(sched: Scheduler): TimeDriver {
  let d = sched.time as TimeDriver | null;
  if (d === null) {
    const rt = sched.owner as Runtime | null;
    d = new TimeDriver(sched, rt?.options.startPaused === true);
    sched.time = d;
  }
  return d;
}
