/**
 * The time driver: one per runtime, owning the runtime's clock and its timers.
 *
 * How and why:
 * - Pending timers live in a hierarchical timing wheel, as Tokio's: 6 levels of
 *   64 slots at 1 ms resolution (level L slot = 64^L ms, 2^36 ms in all). An
 *   entry goes to the level of the highest bit in which its deadline tick
 *   differs from the wheel's `elapsed` tick, into the slot given by its
 *   deadline: insert and cancel are O(1) (a doubly linked slot list, and a
 *   64-bit occupancy mask per level kept as two 32-bit words). When a slot's
 *   time comes, its entries fire (level 0) or cascade to lower levels.
 *   Deadlines beyond the wheel's range sit in the top level's slots and
 *   cascade back into it until they are in range (Tokio does the same).
 * - The entry is the waiting object itself (the `Sleep`, the timeout leaf): a
 *   timer costs no allocation of its own.
 * - ONE Node timer is armed for the earliest slot time, re-armed only when an
 *   earlier deadline arrives (re-using it with `refresh()` when the delay is
 *   the same). Cancelling does not touch it: a timer that finds nothing due
 *   just re-arms, so a timeout created and cancelled in a loop costs two list
 *   operations. It is ref'd exactly while some task waits on time (unref'd at
 *   the next idle point once the wheel is empty).
 * - The clock can be paused (tests): then no Node timer runs and, when the
 *   runtime has nothing to run (checked again from `setImmediate`, so pending
 *   I/O callbacks go first), the clock jumps to the next deadline.
 * @internal
 */
import { ctx } from '../context.js';
import type { Runtime } from '../runtime.js';
import type { Scheduler } from '../scheduler.js';

/** A pending timer, linked into a wheel slot. The owner sets `when`. @internal */
export interface TimerEntry {
  /**
   * deadline in ms on the runtime clock (may be fractional; the wheel's key is
   * it rounded up to a whole ms). Must not change while the entry is queued.
   */
  when: number;
  /** slot list links (driver-owned) */
  pv: TimerEntry | null;
  nx: TimerEntry | null;
  /** slot index, -1 when not queued (driver-owned) */
  slot: number;
  fire(): void;
}

const LEVELS = 6;
const SLOTS = 64;
/** the list of entries that are due and about to fire */
const PENDING = LEVELS * SLOTS;
/** ms per slot at each level: 64^L */
const SLOT_RANGE = [1, 64, 4096, 262_144, 16_777_216, 1_073_741_824];
const INT_LIMIT = 0x7fff_ffff;

/** The wheel level for an entry due at `when`, seen from `elapsed` (`when > elapsed`). */
function levelFor(elapsed: number, when: number): number {
  if (when <= INT_LIMIT) {
    const masked = (elapsed ^ when) | 63;
    return ((31 - Math.clz32(masked)) / 6) | 0;
  }
  for (let l = 0; l < LEVELS - 1; l++) {
    const r = SLOT_RANGE[l]! * SLOTS;
    if (Math.floor(when / r) === Math.floor(elapsed / r)) return l;
  }
  return LEVELS - 1;
}

/** The slot of `when` at `level`. */
function slotFor(level: number, when: number): number {
  if (when <= INT_LIMIT) return (when >>> (6 * level)) & 63;
  return Math.floor(when / SLOT_RANGE[level]!) % SLOTS;
}

function ctz(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** First set bit of the 64-bit mask (lo, hi) at or after `s`, wrapping; -1 if none. */
function nextSlot(lo: number, hi: number, s: number): number {
  if (s < 32) {
    const m = lo & (-1 << s);
    if (m !== 0) return ctz(m);
    if (hi !== 0) return 32 + ctz(hi);
    if (lo !== 0) return ctz(lo);
    return -1;
  }
  const m = hi & (-1 << (s - 32));
  if (m !== 0) return 32 + ctz(m);
  if (lo !== 0) return ctz(lo);
  if (hi !== 0) return 32 + ctz(hi);
  return -1;
}

/** @internal */
export class TimeDriver {
  readonly #sched: Scheduler;
  /** slot lists: 6 x 64 wheel slots, then the pending list */
  readonly #heads: (TimerEntry | null)[] = new Array(PENDING + 1).fill(null);
  readonly #tails: (TimerEntry | null)[] = new Array(PENDING + 1).fill(null);
  /** occupancy masks: level L has words 2L (slots 0-31) and 2L+1 (32-63) */
  readonly #occ: number[] = new Array(2 * LEVELS).fill(0);
  /** the wheel has processed every tick up to this one */
  #elapsed = 0;
  #count = 0;
  /** level and slot of the last `#nextExpiration()` */
  #expLevel = 0;
  #expSlot = 0;
  #paused: boolean;
  /** clock value while paused */
  #pausedNow = 0;
  /** real origin: now() = performance.now() - #origin */
  #origin: number;
  #timer: NodeJS.Timeout | null = null;
  /** the Node timer is scheduled (not fired, not cleared) */
  #timerActive = false;
  #timerRefd = false;
  #armedFor = Number.POSITIVE_INFINITY;
  #armedDelay = -1;
  #advancePending = false;
  readonly #fireBound = () => {
    this.#timerActive = false;
    this.#armedFor = Number.POSITIVE_INFINITY;
    this.fireExpired();
  };
  readonly #autoAdvanceBound = () => this.#autoAdvance();

  constructor(sched: Scheduler, paused: boolean) {
    this.#sched = sched;
    this.#paused = paused;
    this.#origin = performance.now();
    sched.addIdleHook(() => this.#onIdle());
  }

  /** Milliseconds on this runtime's clock (monotonic). */
  now(): number {
    return this.#paused ? this.#pausedNow : performance.now() - this.#origin;
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** Queued timer entries (`metrics().timerEntries`). */
  entries(): number {
    return this.#count;
  }

  /**
   * Every queued timer entry, earliest deadline first (the console's timer
   * view; a walk of the whole wheel, never on a hot path).
   */
  listEntries(): TimerEntry[] {
    const out: TimerEntry[] = [];
    for (const head of this.#heads) for (let e = head; e !== null; e = e.nx) out.push(e);
    return out.sort((a, b) => a.when - b.when);
  }

  pause(): void {
    if (this.#paused) return;
    // a whole-ms paused clock, so that whole-ms sleeps end at exact instants
    const now = Math.ceil(this.now());
    this.#disarm();
    this.#paused = true;
    this.#pausedNow = now;
    this.fireExpired();
    this.#onIdle();
  }

  resume(): void {
    if (!this.#paused) return;
    this.#origin = performance.now() - this.#pausedNow;
    this.#paused = false;
    this.fireExpired();
  }

  /** Moves a paused clock forward by `ms`, firing what expires. */
  advance(ms: number): void {
    if (!this.#paused)
      throw new Error('tokio-ts: time.advance() needs a paused clock (pause() first)');
    this.#pausedNow += ms;
    this.fireExpired();
  }

  /**
   * Queues `e` for `e.when`; returns false (and does not queue it) if that
   * tick has already been processed: the caller treats it as elapsed.
   */
  insert(e: TimerEntry): boolean {
    const tick = Math.ceil(e.when);
    if (tick <= this.#elapsed) return false;
    const level = levelFor(this.#elapsed, tick);
    const slot = slotFor(level, tick);
    this.#link(e, level * SLOTS + slot);
    const occ = this.#occ;
    occ[2 * level + (slot >> 5)]! |= 1 << (slot & 31);
    if (this.#count++ === 0 && this.#timerActive && !this.#timerRefd) {
      this.#timer!.ref();
      this.#timerRefd = true;
    }
    if (!this.#paused && (tick < this.#armedFor || !this.#timerActive)) this.#arm(tick);
    return true;
  }

  /** Unqueues `e` (no-op if it is not queued). The Node timer is left as it is. */
  remove(e: TimerEntry): void {
    const s = e.slot;
    if (s < 0) return;
    this.#unlink(e, s);
    if (s !== PENDING && this.#heads[s] === null) {
      const level = (s / SLOTS) | 0;
      const slot = s & 63;
      this.#occ[2 * level + (slot >> 5)]! &= ~(1 << (slot & 31));
    }
    // (inside a task of this runtime, its idle hook unrefs it: an entry removed
    // and re-inserted in one poll does not touch the Node timer)
    if (--this.#count === 0 && this.#timerRefd && !this.#inOwnTask()) this.#unref();
  }

  /** Fires every entry whose tick has passed, then re-arms. */
  fireExpired(): void {
    const nowTick = Math.floor(this.now());
    const heads = this.#heads;
    for (;;) {
      const e = heads[PENDING]!;
      if (e !== null) {
        this.#unlink(e, PENDING);
        this.#count--;
        e.fire();
        continue;
      }
      const d = this.#nextExpiration();
      if (d > nowTick) break;
      this.#process(d);
    }
    if (nowTick > this.#elapsed) this.#elapsed = nowTick;
    if (this.#count === 0) {
      if (this.#timerRefd && !this.#inOwnTask()) this.#unref();
    } else if (!this.#paused) {
      this.#arm(this.#nextExpiration());
    }
  }

  /** The time of the earliest occupied slot (sets #expLevel/#expSlot); Infinity if empty. */
  #nextExpiration(): number {
    const occ = this.#occ;
    const el = this.#elapsed;
    for (let l = 0; l < LEVELS; l++) {
      const lo = occ[2 * l]!;
      const hi = occ[2 * l + 1]!;
      if ((lo | hi) === 0) continue;
      const range = SLOT_RANGE[l]!;
      const levelRange = range * SLOTS;
      const now = el <= INT_LIMIT ? (el >>> (6 * l)) & 63 : Math.floor(el / range) % SLOTS;
      // search from the slot after `elapsed`'s: below the top level that slot
      // is empty; at the top level it holds deadlines a full rotation away
      const s = nextSlot(lo, hi, (now + 1) & 63);
      let d = el - (el % levelRange) + s * range;
      // only the top level wraps (deadlines beyond the wheel's range)
      if (d <= el) d += levelRange;
      this.#expLevel = l;
      this.#expSlot = s;
      return d;
    }
    return Number.POSITIVE_INFINITY;
  }

  /** The slot found by #nextExpiration is due at `d`: fire or cascade its entries. */
  #process(d: number): void {
    this.#elapsed = d;
    const level = this.#expLevel;
    const slot = this.#expSlot;
    const idx = level * SLOTS + slot;
    const heads = this.#heads;
    let e: TimerEntry | null = heads[idx]!;
    heads[idx] = null;
    this.#tails[idx] = null;
    const occ = this.#occ;
    occ[2 * level + (slot >> 5)]! &= ~(1 << (slot & 31));
    while (e !== null) {
      const nx: TimerEntry | null = e.nx;
      e.pv = e.nx = null;
      e.slot = -1;
      const tick = Math.ceil(e.when);
      if (tick <= d) {
        this.#link(e, PENDING);
      } else {
        const l = levelFor(d, tick);
        const s = slotFor(l, tick);
        this.#link(e, l * SLOTS + s);
        occ[2 * l + (s >> 5)]! |= 1 << (s & 31);
      }
      e = nx;
    }
  }

  #link(e: TimerEntry, idx: number): void {
    const tail = this.#tails[idx]!;
    e.slot = idx;
    e.nx = null;
    e.pv = tail;
    if (tail === null) this.#heads[idx] = e;
    else tail.nx = e;
    this.#tails[idx] = e;
  }

  #unlink(e: TimerEntry, idx: number): void {
    const pv = e.pv;
    const nx = e.nx;
    if (pv === null) this.#heads[idx] = nx;
    else pv.nx = nx;
    if (nx === null) this.#tails[idx] = pv;
    else nx.pv = pv;
    e.pv = e.nx = null;
    e.slot = -1;
  }

  /** Arms the Node timer for `tick` unless it is already armed as early. */
  #arm(tick: number): void {
    if (this.#timerActive) {
      if (tick >= this.#armedFor) return;
      clearTimeout(this.#timer!);
      this.#timer = null;
    }
    this.#armedFor = tick;
    this.#timerActive = true;
    // Node fires up to 1 ms early relative to performance.now(); add one.
    // Node turns a delay above 2^31-1 ms into 1 ms (with a warning): arm at
    // most that far, the timer then finds nothing due and arms for the rest.
    const delay = Math.min(Math.max(0, Math.ceil(tick - this.now())) + 1, INT_LIMIT);
    const t = this.#timer;
    if (t !== null && delay === this.#armedDelay) {
      t.refresh();
      if (!this.#timerRefd) {
        t.ref();
        this.#timerRefd = true;
      }
    } else {
      // (a timer that fired is gone, but one whose callback was called by
      // other means would keep the process alive for up to 24.8 days)
      if (t !== null) clearTimeout(t);
      this.#armedDelay = delay;
      this.#timer = setTimeout(this.#fireBound, delay);
      this.#timerRefd = true;
    }
  }

  #disarm(): void {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    this.#timerActive = false;
    this.#timerRefd = false;
    this.#armedFor = Number.POSITIVE_INFINITY;
  }

  /** True while a task of this driver's own runtime is being polled. */
  #inOwnTask(): boolean {
    const t = ctx.current;
    return t !== null && t.sched === this.#sched;
  }

  #unref(): void {
    this.#timerRefd = false;
    if (this.#timer !== null) this.#timer.unref();
  }

  #onIdle(): void {
    if (!this.#paused) {
      if (this.#count === 0 && this.#timerRefd) this.#unref();
      return;
    }
    if (this.#count === 0 || this.#advancePending) return;
    this.#advancePending = true;
    setImmediate(this.#autoAdvanceBound);
  }

  #autoAdvance(): void {
    this.#advancePending = false;
    if (!this.#paused || this.#count === 0) return;
    if (this.#sched.queueDepth > 0) return; // work arrived; onIdle brings us back
    // step from slot time to slot time (cascading) until something fires
    do {
      const d = this.#nextExpiration();
      if (d === Number.POSITIVE_INFINITY) return;
      if (d > this.#pausedNow) this.#pausedNow = d;
      this.fireExpired();
    } while (this.#count > 0 && this.#sched.queueDepth === 0);
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
