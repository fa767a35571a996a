/**
 * The spawning side of a multi-thread runtime, one per thread (the main thread
 * and every worker): allocates descriptor slots from this thread's range,
 * encodes arguments into them, publishes them, and completes the proxy tasks
 * when results come back.
 *
 * How and why: arguments that are all numbers are stored as float64s; other
 * plain data that fits 48 bytes as JSON text (a JSON round trip is 7× cheaper
 * than `v8.serialize`, research B.4); both kinds are stealable by any worker.
 * Anything else (strings too long, typed arrays, shared channels) is
 * structured-cloned by `postMessage` to one chosen worker (*pinned*), so a clone
 * error surfaces synchronously at the caller.
 * @internal
 */

import { iteratorOf, type Suspend } from '../future/future.js';
import { ctx } from '../runtime/context.js';
import { RingBuffer } from '../runtime/ring-buffer.js';
import type { Scheduler } from '../runtime/scheduler.js';
import type { Task } from '../runtime/task.js';
import { handleOf, type JoinHandle } from '../task/join-handle.js';
import { RemoteError, threadLost, WorkerError } from './error.js';
import { smi } from './executor.js';
import {
  P_CANCELLED,
  P_ERR,
  P_OK,
  P_PENDING,
  RemoteJoin,
  type RemoteOwner,
} from './remote-join.js';
import {
  ARG_F64,
  ARG_JSON,
  ARG_MESSAGE,
  DEF_CAP,
  jsonSafe,
  M_RUN,
  PAYLOAD_BYTES,
  RES_CANCELLED,
  RES_CRASHED,
  RES_F64,
  RES_JSON,
  RES_UNDEFINED,
  type Shared,
  SLOT_WORDS,
  ST_ABORT,
  ST_DONE,
  ST_HELD,
  ST_QUEUED,
  ST_RUNNER,
  ST_STARTED,
  ST_SUSPENDED,
} from './shared.js';
import { defKey, type TaskDef } from './task-def.js';
import { toWire } from './wire.js';

/**
 * Set above the kind byte of a `RES_CRASHED` result word: the thread ran out
 * of memory (its resourceLimits) rather than exiting. @internal
 */
export const CRASHED_OOM = 1 << 8;

/**
 * Pinned tasks (arguments that need structured clone) posted to one worker
 * and not started there yet, at most, per worker: enough that a worker never
 * idles for a round trip. The rest wait here until a worker starts one (it
 * rings this thread) or one finishes. A pinned task cannot be stolen, so
 * handing them out round-robin at spawn time left a worker that got less CPU
 * (a loaded machine, a longer batch) with half of a pipeline's batches while
 * its peer idled. Started tasks do not count: a worker runs any number of
 * async tasks at once, and tasks that wait for each other must all start.
 */
const PINNED_AHEAD = 2;
/**
 * Pinned tasks of a definition whose tasks take at least this long (ms, post
 * to done less the wait behind the worker's previous one, an average) are
 * posted to a worker only once the pinned task it runs has suspended or ended:
 * a batch cloned into a thread that is still hashing the previous one cost
 * ~14 % more worker CPU (glibc `malloc_consolidate` inside V8 scavenges; see
 * bench/RESULTS.md, the CPU pipeline). Shorter tasks keep
 * {@link PINNED_AHEAD} posted ahead (a round trip would cost more than they
 * do); tasks that suspend never hold anything back, so tasks that wait for
 * each other all start.
 */
const LONG_PINNED_MS = 1;
/** `#pinnedTo` of a slot whose pinned task waits here for a worker. */
const PINNED_WAITING = 0xff;

/**
 * False when `JSON.stringify(v)` is surely longer than `max` characters: a
 * lower bound counted with an early exit, so that a big argument or result (a
 * batch of lines) is not turned into JSON only to find it does not fit a slot.
 * @internal
 */
export function jsonMayFit(v: unknown, max: number): boolean {
  return jsonAtLeast(v, max) <= max;
}

function jsonAtLeast(v: unknown, max: number): number {
  if (typeof v === 'string') return v.length + 2;
  if (typeof v !== 'object' || v === null) return 1;
  let n = 2;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length && n <= max; i++) n += jsonAtLeast(v[i], max) + 1;
    return n;
  }
  for (const k in v) {
    n += k.length + 4 + jsonAtLeast((v as Record<string, unknown>)[k], max);
    if (n > max) return n;
  }
  return n;
}

/** How a thread sends messages: pinned tasks and relays. @internal */
export interface Messenger {
  /** Posts a pinned task to worker `w` (throws DataCloneError synchronously). */
  postTask(w: number, g: number, args: unknown[]): void;
}

/** @internal */
export class Origin implements RemoteOwner {
  readonly sh: Shared;
  readonly me: number;
  readonly base: number;
  /** one past this thread's last slot */
  readonly limit: number;
  readonly #count: number;
  readonly #free: Int32Array;
  #freeTop = 0;
  /** slots from here on were never handed out by this origin */
  #fresh = 0;
  readonly #leaves: (RemoteJoin | null)[];
  readonly #defIds = new Map<object, number>();
  /** definition functions by id, for children run in their proxy task (runLocal) */
  readonly #fns: ((...args: any[]) => unknown)[] = [];
  /** definition names by id (what names a proxy task: {@link nameOf}) */
  readonly #names: string[] = [];
  readonly #backlog = new RingBuffer<RemoteJoin>(64);
  readonly messenger: Messenger;
  /** remote tasks in flight (for the main thread's keep-alive) */
  outstanding = 0;
  /** remote tasks spawned from this thread so far (the executor's fork detection) */
  spawned = 0;
  #rr = 0;
  /** per slot of this origin: the worker its pinned task was posted to, {@link PINNED_WAITING}, or 0 */
  readonly #pinnedTo: Uint8Array;
  /**
   * per worker: the slots of pinned tasks posted to it, not known to have
   * started, or started and not known to have suspended or ended
   */
  readonly #posted: number[][];
  /** per slot of this origin: when its pinned task was posted (ms) */
  readonly #postedAt: Float64Array;
  /** per worker: when a pinned task posted to it last ended (ms) */
  readonly #pinnedEnd: Float64Array;
  /** per definition id: average time its pinned tasks took (ms; see {@link LONG_PINNED_MS}) */
  readonly #pinnedMs = new Float64Array(DEF_CAP);
  /** pinned tasks waiting for a worker (slot allocated, not posted) */
  readonly #pinnedWait = new RingBuffer<RemoteJoin>(16);
  /** set by the owner: called when this origin has work to wait for */
  onOutstanding: (() => void) | null = null;

  constructor(sh: Shared, me: number, messenger: Messenger) {
    this.sh = sh;
    this.me = me;
    this.messenger = messenger;
    this.base = sh.slotBase(me);
    this.#count = sh.slotCount(me);
    this.limit = this.base + this.#count;
    this.#free = new Int32Array(this.#count);
    this.#leaves = new Array<RemoteJoin | null>(this.#count).fill(null);
    this.#pinnedTo = new Uint8Array(this.#count);
    this.#posted = Array.from({ length: sh.n + 1 }, () => []);
    this.#postedAt = new Float64Array(this.#count);
    this.#pinnedEnd = new Float64Array(sh.n + 1);
  }

  /**
   * A free slot of this thread's range, or -1. Released slots are reused
   * first (LIFO: warm in cache); untouched ones are handed out in order, which
   * keeps construction O(1) (a scan of the main thread's 256k slots took
   * ~120 ms of interpreted code per runtime). A replacement worker skips slots
   * its dead predecessor left in flight (their state word is not 0).
   */
  #alloc(): number {
    if (this.#freeTop > 0) return this.base + this.#free[--this.#freeTop]!;
    const slots = this.sh.slots;
    let i = this.#fresh;
    while (i < this.#count && Atomics.load(slots, (this.base + i) * SLOT_WORDS) !== 0) i++;
    if (i === this.#count) {
      this.#fresh = i;
      return -1;
    }
    this.#fresh = i + 1;
    return this.base + i;
  }

  /**
   * Spawns `def(...args)` on the workers, or `def(a0)` when `args` is null
   * (no array per task); returns the proxy task's handle.
   */
  spawn<R>(
    sched: Scheduler,
    def: TaskDef<any, R>,
    args: unknown[] | null,
    a0?: unknown,
  ): JoinHandle<R> {
    const id = this.#defIds.get(def) ?? this.#register(def);
    const leaf = new RemoteJoin(this, args, a0, false);
    leaf.defId = id;
    if (this.#backlog.length > 0 || !this.#publish(leaf)) this.#backlog.push(leaf);
    this.outstanding++;
    this.spawned++;
    if (this.onOutstanding !== null) this.onOutstanding();
    return handleOf<R>(proxyTask(sched, leaf));
  }

  /** The shared id of a definition this thread spawns for the first time. */
  #register(def: TaskDef<any, any>): number {
    const id = this.sh.defId(defKey(def));
    this.#defIds.set(def, id);
    this.#fns[id] = def.fn;
    this.#names[id] = def.name;
    return id;
  }

  nameOf(leaf: RemoteJoin): string {
    return this.#names[leaf.defId]!;
  }

  /** Allocates, encodes and queues `leaf`; false if no slot or queue room (backlog). */
  #publish(leaf: RemoteJoin): boolean {
    let g = leaf.g;
    if (g === -1) {
      g = this.#alloc();
      if (g < 0) return false;
      leaf.g = g;
      this.#leaves[g - this.base] = leaf;
      if (!this.#encode(leaf, g)) return true; // pinned: already posted
    }
    return this.#queue(g);
  }

  /**
   * Writes the descriptor; returns false if it went out as a pinned message.
   * Numbers only (the fork-join form) here; everything else in
   * {@link #encodeOther} (a small function tiers up sooner: see
   * `Executor.#lookThenPark`).
   */
  #encode(leaf: RemoteJoin, g: number): boolean {
    const sh = this.sh;
    const w = g * SLOT_WORDS;
    sh.slots[w + 1] = leaf.defId;
    const f = g * (SLOT_WORDS >> 1) + 2;
    const v = leaf.argv;
    let n = 1;
    if (leaf.one) {
      // spawn(def, x) of a number: no array anywhere
      if (typeof v !== 'number') return this.#encodeOther(leaf, g);
      sh.slotsF[f] = v;
    } else {
      const args = v as unknown[];
      n = args.length;
      if (n > 6) return this.#encodeOther(leaf, g);
      for (let i = 0; i < n; i++) {
        const x = args[i];
        if (typeof x !== 'number') return this.#encodeOther(leaf, g);
        sh.slotsF[f + i] = x;
      }
    }
    sh.slots[w + 2] = ARG_F64 | (n << 8);
    Atomics.store(sh.slots, w, ST_QUEUED);
    // the slot holds the arguments now; a worker keeps them for runLocal
    if (this.me === 0) leaf.argv = null;
    return true;
  }

  /** {@link #encode} of arguments that are not all numbers: JSON text, or a pinned message. */
  #encodeOther(leaf: RemoteJoin, g: number): boolean {
    const sh = this.sh;
    const w = g * SLOT_WORDS;
    const args = leaf.argList();
    if (jsonMayFit(args, PAYLOAD_BYTES) && jsonSafe(args)) {
      const text = JSON.stringify(args);
      const bytes = text.length <= PAYLOAD_BYTES ? sh.writeText(g, text) : -1;
      if (bytes >= 0) {
        sh.slots[w + 2] = ARG_JSON | (bytes << 16);
        Atomics.store(sh.slots, w, ST_QUEUED);
        leaf.argv = null;
        return true;
      }
    }
    // pinned: structured clone through postMessage to one worker, the first with room
    Atomics.store(sh.slots, w, ST_QUEUED);
    sh.slots[w + 2] = ARG_MESSAGE;
    const target = this.#pinTarget(leaf.defId);
    if (target === 0) {
      this.#pinnedTo[g - this.base] = PINNED_WAITING;
      this.#pinnedWait.push(leaf);
    } else this.#postPinned(leaf, g, target);
    return false;
  }

  /**
   * The worker with the fewest pinned tasks posted and not started
   * (round-robin among equals), or 0 if every one has {@link PINNED_AHEAD}.
   * For a long definition ({@link LONG_PINNED_MS}) only a worker with no
   * pinned task of this thread posted, or started and not yet suspended.
   */
  #pinTarget(defId: number, advance = true): number {
    const n = this.sh.n;
    let best = 0;
    let least = PINNED_AHEAD;
    const hold = this.#isLong(defId);
    const start = advance ? this.#rr++ : this.#rr;
    for (let k = 0; k < n; k++) {
      const t = ((start + k) % n) + 1;
      const c = this.#notStarted(t, hold);
      if (c < least) {
        least = c;
        best = t;
        if (c === 0) break;
      }
    }
    return best;
  }

  /**
   * Pinned tasks posted to worker `t` that have not started; with `hold`,
   * {@link PINNED_AHEAD} if it has any not started or running and not
   * suspended. Drops those that suspended or ended.
   */
  #notStarted(t: number, hold: boolean): number {
    const list = this.#posted[t]!;
    const slots = this.sh.slots;
    let c = 0;
    for (let k = list.length - 1; k >= 0; k--) {
      const s = Atomics.load(slots, list[k]! * SLOT_WORDS);
      if ((s & (ST_SUSPENDED | ST_DONE)) !== 0) {
        list[k] = list[list.length - 1]!;
        list.pop();
      } else if (hold) c = PINNED_AHEAD;
      else if ((s & ST_STARTED) === 0) c++;
    }
    return c;
  }

  /** True for a definition whose pinned tasks are held back ({@link LONG_PINNED_MS}). */
  #isLong(defId: number): boolean {
    return this.#pinnedMs[defId]! >= LONG_PINNED_MS;
  }

  /** Posts the pinned task of `leaf` (slot `g`) to worker `target`. */
  #postPinned(leaf: RemoteJoin, g: number, target: number): void {
    const sh = this.sh;
    this.#pinnedTo[g - this.base] = target;
    this.#posted[target]!.push(g);
    this.#postedAt[g - this.base] = performance.now();
    const held = this.#isLong(leaf.defId) ? ST_HELD : 0;
    Atomics.or(sh.slots, g * SLOT_WORDS, target | held);
    try {
      this.messenger.postTask(target, g, toWire(leaf.argList()));
    } catch (e) {
      // The task fails (its handle joins with this error), as a spawnBlocking
      // job with an uncloneable argument does: a spawn never throws, and a
      // task published later from the backlog has no caller to throw to.
      this.#done(
        leaf,
        g,
        P_ERR,
        new WorkerError(
          'uncloneable',
          `tokio-ts: an argument of task ${sh.defKey(leaf.defId).split('#')[1]} cannot be cloned to a worker: ${(e as Error).message}`,
          { cause: e },
        ),
      );
    }
  }

  /** Posts waiting pinned tasks while a worker has room. */
  #postWaiting(): void {
    const q = this.#pinnedWait;
    while (q.length > 0) {
      const leaf = q.peek()!;
      if (leaf.state !== P_PENDING || leaf.g === -1) {
        q.shift(); // cancelled while it waited
        continue;
      }
      const target = this.#pinTarget(leaf.defId);
      if (target === 0) return;
      q.shift();
      this.#postPinned(leaf, leaf.g, target);
    }
  }

  #queue(g: number): boolean {
    const sh = this.sh;
    if (this.me === 0) return queueFromMain(sh, g);
    // a worker: the newest spawn takes the LIFO slot; the previous one goes to the local queue
    const li = sh.lifoIndex(this.me);
    const prev = sh.ctl[li]!;
    Atomics.store(sh.ctl, li, g + 1);
    if (prev !== 0 && !sh.localPush(this.me, prev - 1) && sh.injectPushOne(prev - 1) === 0) {
      Atomics.store(sh.ctl, li, prev);
      return false;
    }
    if (prev !== 0) sh.ringOneWorker(this.me);
    return true;
  }

  /** Moves backlog entries out as slots and queue room free up. */
  flushBacklog(): void {
    const b = this.#backlog;
    while (b.length > 0) {
      const leaf = b.peek()!;
      if (leaf.state !== 0) {
        b.shift();
        continue;
      }
      let ok: boolean;
      try {
        ok = this.#publish(leaf);
      } catch (e) {
        b.shift();
        this.outstanding--;
        leaf.finish(P_ERR, e);
        continue;
      }
      if (!ok) return;
      b.shift();
    }
  }

  get backlogLength(): number {
    return this.#backlog.length;
  }

  /** A completion arrived through a ring: read the result from the slot. */
  complete(g: number): void {
    const leaf = this.#leaves[g - this.base];
    const sh = this.sh;
    const w = g * SLOT_WORDS;
    if (leaf === null || leaf === undefined) {
      this.#release(g); // a predecessor's task (replaced worker)
      return;
    }
    const rk = sh.slots[w + 3]! & 0xff;
    let state = P_OK;
    let value: unknown;
    if (rk === RES_F64) value = smi(sh.slotsF[g * (SLOT_WORDS >> 1) + 2]!);
    else if (rk === RES_UNDEFINED) value = undefined;
    else if (rk === RES_JSON) value = JSON.parse(sh.readText(g, sh.slots[w + 3]! >>> 8));
    else if (rk === RES_CANCELLED) state = P_CANCELLED;
    else if (rk === RES_CRASHED) {
      state = P_ERR;
      value = threadLost(
        (sh.slots[w + 3]! & CRASHED_OOM) !== 0,
        `task ${leaf.taskName}`,
        undefined,
      );
    }
    this.#done(leaf, g, state, value);
  }

  /** A completion arrived as a message (values that need structured clone, errors). */
  completeMessage(g: number, ok: boolean, value: unknown): void {
    const leaf = this.#leaves[g - this.base];
    if (leaf === null || leaf === undefined) {
      this.#release(g);
      return;
    }
    this.#done(
      leaf,
      g,
      ok ? P_OK : P_ERR,
      ok ? value : new RemoteError(value as { message: string }),
    );
  }

  #done(leaf: RemoteJoin, g: number, state: number, value: unknown): void {
    const i = g - this.base;
    this.#leaves[i] = null;
    const pinned = this.#pinnedTo[i]!;
    this.#pinnedTo[i] = 0;
    this.#release(g);
    this.outstanding--;
    leaf.finish(state, value);
    if (pinned !== 0 && pinned !== PINNED_WAITING) {
      // how long it took, less its wait behind the previous one on its worker
      const now = performance.now();
      const from = Math.max(this.#postedAt[i]!, this.#pinnedEnd[pinned]!);
      this.#pinnedEnd[pinned] = now;
      const ms = this.#pinnedMs;
      const d = leaf.defId;
      ms[d] = ms[d] === 0 ? now - from : (ms[d]! + now - from) / 2;
      // no longer posted or running
      const list = this.#posted[pinned]!;
      const k = list.indexOf(g);
      if (k >= 0) {
        list[k] = list[list.length - 1]!;
        list.pop();
      }
      if (this.#pinnedWait.length > 0) this.#postWaiting();
    }
  }

  #release(g: number): void {
    Atomics.store(this.sh.slots, g * SLOT_WORDS, 0);
    this.#free[this.#freeTop++] = g - this.base;
  }

  /**
   * Runs slot `g`, just claimed by this worker's executor, inside its own
   * proxy task when this thread spawned it (see `RemoteJoin.runHere`); false
   * when the slot path must run it (another thread's slot, no proxy here).
   */
  runLocal(g: number, kind: number): boolean {
    const i = g - this.base;
    if (i < 0 || i >= this.#count) return false;
    const leaf = this.#leaves[i];
    if (leaf === null || leaf === undefined || leaf.waiter === null) return false;
    const fn = this.#fns[leaf.defId];
    if (fn === undefined) return false;
    // the same copy of the arguments a worker that stole the slot would get
    // (numbers are passed as they are)
    const proxy = leaf.waiter;
    leaf.runHere(
      kind === ARG_F64
        ? startChild(fn, leaf.argv, leaf.one, proxy.sched)
        : startChild(fn, this.#jsonArgs(g), false, proxy.sched),
    );
    proxy.wake();
    return true;
  }

  /** The arguments of slot `g`, written as JSON text. */
  #jsonArgs(g: number): unknown[] {
    const sh = this.sh;
    return JSON.parse(sh.readText(g, sh.slots[g * SLOT_WORDS + 2]! >>> 16));
  }

  /** A child that ran in its proxy task ended. */
  localEnded(leaf: RemoteJoin): void {
    const g = leaf.g;
    this.#leaves[g - this.base] = null;
    this.#release(g);
    this.outstanding--;
    this.sh.addMetric(this.me, M_RUN, 1);
  }

  abortRemote(leaf: RemoteJoin): void {
    const g = leaf.g;
    if (g === -1) {
      // still in the backlog: never published
      this.outstanding--;
      leaf.finish(P_CANCELLED, undefined);
      return;
    }
    if (this.#pinnedTo[g - this.base] === PINNED_WAITING) {
      // a pinned task still waiting for a worker: it never started
      this.#done(leaf, g, P_CANCELLED, undefined);
      return;
    }
    const sh = this.sh;
    const prev = Atomics.or(sh.slots, g * SLOT_WORDS, ST_ABORT);
    const runner = prev & ST_RUNNER;
    if ((prev & ST_STARTED) !== 0 && runner !== 0) {
      Atomics.add(sh.ctl, sh.abortsIndex(runner), 1);
      sh.ring(runner);
    }
  }

  /**
   * Completes every task still out as cancelled (the runtime terminated the
   * threads that ran them, after the shutdown's grace period), so that no
   * handle waits forever.
   */
  cancelAll(): void {
    this.#pinnedWait.clear();
    for (const list of this.#posted) list.length = 0;
    const b = this.#backlog;
    while (b.length > 0) {
      const leaf = b.shift()!;
      if (leaf.state !== 0) continue;
      this.outstanding--;
      leaf.finish(P_CANCELLED, undefined);
    }
    for (let i = 0; i < this.#leaves.length; i++) {
      const leaf = this.#leaves[i];
      if (leaf === null || leaf === undefined) continue;
      this.#done(leaf, i + this.base, P_CANCELLED, undefined);
    }
  }

  /** Drains every completion ring addressed to this thread; returns how many. */
  drainRings(): number {
    let n = 0;
    for (let r = 1; r <= this.sh.n; r++) n += this.sh.ringDrain(r, this.me, this.#completeBound);
    if (n > 0 && this.#backlog.length > 0) this.flushBacklog();
    if (this.#pinnedWait.length > 0) this.#postWaiting();
    return n;
  }
  readonly #completeBound = (g: number) => this.complete(g);

  ringsNonEmpty(): boolean {
    for (let r = 1; r <= this.sh.n; r++) if (this.sh.ringNonEmpty(r, this.me)) return true;
    // a pinned task held back can go out now (a worker started or suspended one)
    const q = this.#pinnedWait;
    return q.length > 0 && this.#pinTarget(q.peek()!.defId, false) !== 0;
  }
}

/** The main thread's {@link Origin.#queue}: the injection queue. */
function queueFromMain(sh: Shared, g: number): boolean {
  const r = sh.injectPushOne(g);
  if (r === 0) return false;
  // only the empty -> non-empty transition wakes: a worker sets its bell
  // before its last look, so it either sees this slot or gets rung
  if (r === 2) sh.ringAllWorkers();
  return true;
}

/**
 * The iterator of `fn(...args)` (`fn(args)` when `one`) called as a task of
 * `sched`; a call that throws fails at its first poll, through the same
 * conversion as a throw inside it. Apart from {@link Origin.runLocal} so that
 * this try/finally does not weigh on it (see `Executor.#lookThenPark`).
 */
function startChild(
  fn: (...args: any[]) => unknown,
  args: unknown,
  one: boolean,
  sched: Scheduler,
): Iterator<Suspend, unknown, unknown> {
  const prev = ctx.entered;
  ctx.entered = sched;
  try {
    return iteratorOf(one ? fn(args) : fn(...(args as unknown[])), 'spawn');
  } catch (e) {
    return failsWith(e);
  } finally {
    ctx.entered = prev;
  }
}

/** An iterator that throws `e` when first driven. */
function* failsWith(e: unknown): Generator<Suspend, never, unknown> {
  throw e;
}

/**
 * Spawns the proxy task of `leaf`. It counts as parked on the leaf from the
 * start: an abort before its first poll must still reach the remote task.
 * @internal
 */
export function proxyTask(sched: Scheduler, leaf: RemoteJoin): Task {
  // named by the leaf (RemoteJoin.taskName): no lazy extra record per proxy
  const task = sched.spawn(leaf, undefined);
  task.waitingOn = leaf;
  leaf.waiter = task;
  return task;
}
