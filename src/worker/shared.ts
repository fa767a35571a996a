/**
 * The shared memory of a multi-thread runtime: every structure the threads
 * exchange task descriptors through lives in `SharedArrayBuffer`s created by
 * the main thread and handed to each worker in `workerData`.
 *
 * How and why (figures from research/threads.md, measured on the 2-core VMs):
 * - A task descriptor is a 64-byte *slot* (state word, definition id, argument
 *   kind, result kind, 48 bytes of inline payload). Queues carry only the slot
 *   number (an int32), so a steal copies ints, not arguments. Each thread owns
 *   a range of slots and allocates from its own free list, so allocation needs
 *   no atomics.
 * - Per-worker local queues are Tokio's: a 256-entry ring whose head word packs
 *   two 16-bit indices (steal head, real head), so a thief can claim the older
 *   *half* of a victim's queue with one CAS and copy it while the owner keeps
 *   popping its newest entries (depth-first for fork-join, `localPopNewest`).
 * - The injection queue (tasks spawned from the main thread, overflow of local
 *   queues) is a bounded ring under a spin lock: a push or a batch pop is one
 *   CAS pair, ~50 ns, far below one wake (~33 µs quiet, ~2 µs busy).
 * - Completions travel back in one SPSC ring per (runner, origin) pair.
 * - Every thread sleeps on its own *bell* word: it stores 1, re-checks its
 *   sources, then `Atomics.waitAsync(bell, 1)`; a waker CASes 1→0 and
 *   notifies. Waiting on the word the waker changes is what makes the protocol
 *   lose no wake-up (research B.1 pitfall), and a waker notifies only a sleeper.
 * @internal
 */
import { cpuPause } from '../sync/shared/pause.js';

/** Slots owned by the main thread (tasks it may have in flight at once; more wait in a backlog). */
export const MAIN_SLOTS = 1 << 18;
/** Slots owned by each worker (fork-join tasks in flight per worker). */
export const WORKER_SLOTS = 1 << 15;
/** Int32 words per slot (64 bytes). */
export const SLOT_WORDS = 16;
/** Local queue capacity (Tokio's LOCAL_QUEUE_CAPACITY). */
export const LOCAL_CAP = 256;
const LOCAL_MASK = LOCAL_CAP - 1;
/** Injection queue capacity: enough for large submissions without a backlog hop. */
export const INJECT_CAP = 1 << 16;
/**
 * Completion ring capacity per (runner, origin) pair; on overflow a message is
 * posted. 4096 overflowed when 200k trivial tasks completed faster than the
 * main thread drained them (every overflow costs a postMessage), so small
 * runtimes get 64k entries (256 KiB per ring); large ones 8k, since the rings
 * grow with the square of the thread count.
 */
export function ringCapFor(n: number): number {
  return n <= 4 ? 1 << 16 : 1 << 13;
}
/** Definition table: entries and bytes per entry (module URL + '#' + name). */
export const DEF_CAP = 512;
export const DEF_BYTES = 512;

// slot state word bits
export const ST_RUNNER = 0xff;
export const ST_STARTED = 1 << 8;
export const ST_ABORT = 1 << 9;
export const ST_DONE = 1 << 10;
export const ST_QUEUED = 1 << 11;
/**
 * Set by the worker running a started pinned task once it has suspended (its
 * scheduler went idle or ended a busy turn with the task not done): from then
 * on the origin may post it more pinned tasks of long definitions.
 */
export const ST_SUSPENDED = 1 << 12;
/**
 * Set by the origin on a pinned task it posted while holding its definition's
 * tasks back (long tasks, see `Origin`): the origin waits for it to suspend or
 * end, not to start, so the worker does not ring it when the task starts (a
 * wake-up of the origin's thread per task, for nothing).
 */
export const ST_HELD = 1 << 13;

// slot words: [0] state, [1] def id, [2] arg kind | nargs << 8 | bytes << 16,
// [3] result kind | bytes << 8, words 4..15 payload (f64 2..7)
export const ARG_F64 = 0;
export const ARG_JSON = 1;
export const ARG_MESSAGE = 2;
export const RES_F64 = 0;
export const RES_UNDEFINED = 1;
export const RES_JSON = 2;
export const RES_MESSAGE = 3;
export const RES_CANCELLED = 4;
export const RES_CRASHED = 5;
export const PAYLOAD_BYTES = 48;

// control words (each hot word on its own 64-byte line: 16 int32)
const LINE = 16;
const C_INJ_LOCK = 0;
const C_INJ_HEAD = LINE;
const C_INJ_TAIL = 2 * LINE;
const C_DEF_LOCK = 3 * LINE;
const C_DEF_COUNT = 3 * LINE + 1;
const C_SHUTDOWN = 4 * LINE;
const C_WORKER_BASE = 5 * LINE;
// per thread t (0 = main, 1..n workers): bell, abort-pending, lifo on separate lines
const W_BELL = 0;
const W_ABORTS = LINE;
const W_LIFO = 2 * LINE;
const W_STRIDE = 3 * LINE;

// metrics per worker (Float64): polls, steals, parks, busy ms, tasks run
export const M_POLLS = 0;
export const M_STEALS = 1;
export const M_PARKS = 2;
export const M_BUSY = 3;
export const M_RUN = 4;
const M_STRIDE = 8;

/** The buffers, as posted to each worker. @internal */
export interface SharedBuffers {
  n: number;
  ctl: SharedArrayBuffer;
  slots: SharedArrayBuffer;
  queues: SharedArrayBuffer;
  injector: SharedArrayBuffer;
  rings: SharedArrayBuffer;
  defs: SharedArrayBuffer;
  metrics: SharedArrayBuffer;
}

/** Creates the shared memory of a runtime with `n` workers. @internal */
export function createBuffers(n: number): SharedBuffers {
  const totalSlots = MAIN_SLOTS + n * WORKER_SLOTS;
  return {
    n,
    ctl: new SharedArrayBuffer(4 * (C_WORKER_BASE + (n + 1) * W_STRIDE)),
    slots: new SharedArrayBuffer(4 * SLOT_WORDS * totalSlots),
    queues: new SharedArrayBuffer(4 * (n + 1) * (2 * LINE + LOCAL_CAP)),
    injector: new SharedArrayBuffer(4 * INJECT_CAP),
    rings: new SharedArrayBuffer(4 * (n + 1) * (n + 1) * (2 * LINE + ringCapFor(n))),
    defs: new SharedArrayBuffer(DEF_CAP * DEF_BYTES),
    metrics: new SharedArrayBuffer(8 * M_STRIDE * (n + 1)),
  };
}

/** Typed views over {@link SharedBuffers}, one per thread. @internal */
export class Shared {
  readonly n: number;
  readonly buffers: SharedBuffers;
  readonly ctl: Int32Array;
  readonly slots: Int32Array;
  readonly slotsF: Float64Array;
  readonly slotsU8: Uint8Array;
  readonly queues: Int32Array;
  readonly inj: Int32Array;
  readonly rings: Int32Array;
  readonly defs: Uint8Array;
  readonly metrics: Float64Array;
  readonly ringCap: number;
  readonly #encoder = new TextEncoder();
  readonly #decoder = new TextDecoder();

  constructor(b: SharedBuffers) {
    this.n = b.n;
    this.buffers = b;
    this.ctl = new Int32Array(b.ctl);
    this.slots = new Int32Array(b.slots);
    this.slotsF = new Float64Array(b.slots);
    this.slotsU8 = new Uint8Array(b.slots);
    this.queues = new Int32Array(b.queues);
    this.inj = new Int32Array(b.injector);
    this.rings = new Int32Array(b.rings);
    this.defs = new Uint8Array(b.defs);
    this.metrics = new Float64Array(b.metrics);
    this.ringCap = ringCapFor(b.n);
  }

  /** First slot of thread `t`'s range, and its size. */
  slotBase(t: number): number {
    return t === 0 ? 0 : MAIN_SLOTS + (t - 1) * WORKER_SLOTS;
  }
  slotCount(t: number): number {
    return t === 0 ? MAIN_SLOTS : WORKER_SLOTS;
  }
  /** Which thread owns slot `g`. */
  originOf(g: number): number {
    return g < MAIN_SLOTS ? 0 : 1 + Math.floor((g - MAIN_SLOTS) / WORKER_SLOTS);
  }

  // ---- bells -------------------------------------------------------------

  bellIndex(t: number): number {
    return C_WORKER_BASE + t * W_STRIDE + W_BELL;
  }
  /** Wakes thread `t` if it sleeps; returns true if it did. */
  ring(t: number): boolean {
    const i = this.bellIndex(t);
    if (Atomics.load(this.ctl, i) === 1 && Atomics.compareExchange(this.ctl, i, 1, 0) === 1) {
      Atomics.notify(this.ctl, i);
      return true;
    }
    return false;
  }
  /** Wakes one sleeping worker other than `except`. */
  ringOneWorker(except: number): void {
    for (let t = 1; t <= this.n; t++) if (t !== except && this.ring(t)) return;
  }
  /**
   * Wakes every sleeping worker. Used for work from the main thread: a worker's
   * bell can read 1 while it runs a task that reached it by message, so waking
   * only the first sleeper could wake a busy thread and leave an idle one asleep.
   */
  ringAllWorkers(): void {
    for (let t = 1; t <= this.n; t++) this.ring(t);
  }
  isAsleep(t: number): boolean {
    return Atomics.load(this.ctl, this.bellIndex(t)) === 1;
  }
  abortsIndex(t: number): number {
    return C_WORKER_BASE + t * W_STRIDE + W_ABORTS;
  }
  lifoIndex(t: number): number {
    return C_WORKER_BASE + t * W_STRIDE + W_LIFO;
  }
  get shutdownFlag(): boolean {
    return Atomics.load(this.ctl, C_SHUTDOWN) === 1;
  }
  setShutdown(): void {
    Atomics.store(this.ctl, C_SHUTDOWN, 1);
    for (let t = 0; t <= this.n; t++) this.ring(t);
  }

  // ---- local queues (owner: worker t) -------------------------------------

  #qBase(t: number): number {
    return t * (2 * LINE + LOCAL_CAP);
  }

  /** Owner push; returns false when full and the caller must overflow to the injector. */
  localPush(t: number, g: number): boolean {
    const q = this.queues;
    const b = this.#qBase(t);
    const tail = this.#repairTail(b);
    const head = Atomics.load(q, b);
    const steal = head >>> 16;
    if (((tail - steal) & 0xffff) >= LOCAL_CAP) return false;
    q[b + 2 * LINE + (tail & LOCAL_MASK)] = g;
    Atomics.store(q, b + LINE, (tail + 1) & 0xffff);
    return true;
  }

  /** Owner pop (FIFO); -1 when empty. */
  localPop(t: number): number {
    const q = this.queues;
    const b = this.#qBase(t);
    const tail = this.#repairTail(b);
    for (;;) {
      const head = Atomics.load(q, b);
      const steal = head >>> 16;
      const real = head & 0xffff;
      const avail = (tail - real) & 0xffff;
      if (avail === 0 || avail > LOCAL_CAP) return -1;
      const nextReal = (real + 1) & 0xffff;
      const next = steal === real ? (nextReal << 16) | nextReal : (steal << 16) | nextReal;
      if (Atomics.compareExchange(q, b, head, next) === head) {
        const g = Atomics.exchange(q, b + 2 * LINE + (real & LOCAL_MASK), -1);
        if (g >= 0) return g;
      }
    }
  }

  /**
   * Owner pop of the *newest* entry (LIFO), the order fork-join wants: the
   * owner descends depth-first into its latest (smallest) subtree while
   * thieves take the oldest (biggest) half from the head; popping the oldest
   * expanded the task tree breadth-first, overflowed the 256 entries into the
   * injection queue and kept thousands of tasks alive (garbage collection
   * took 19 % of a fine-grained fork-join). -1 when empty.
   *
   * The owner lowers the tail, then takes the entry with an atomic exchange
   * (-1 left behind); a thief takes each entry of its claimed range the same
   * way, so an entry goes to exactly one of them even when the thief sized
   * its claim from a tail it read before this pop lowered it. Such a claim
   * can move the real head past the owner's tail: the owner then finds its
   * queue empty and moves the tail up to the head ({@link #repairTail}).
   */
  localPopNewest(t: number): number {
    const q = this.queues;
    const b = this.#qBase(t);
    const tail = this.#repairTail(b);
    if ((Atomics.load(q, b) & 0xffff) === tail) return -1;
    const newTail = (tail - 1) & 0xffff;
    Atomics.store(q, b + LINE, newTail);
    const avail = (tail - (Atomics.load(q, b) & 0xffff)) & 0xffff;
    if (avail >= 1 && avail <= LOCAL_CAP) {
      const g = Atomics.exchange(q, b + 2 * LINE + (newTail & LOCAL_MASK), -1);
      if (g >= 0) return g;
    }
    // a thief claimed it: the queue is empty
    this.#repairTail(b);
    return -1;
  }

  /** The owner's tail, moved up to the real head if a thief's claim went past it. */
  #repairTail(b: number): number {
    const q = this.queues;
    const tail = q[b + LINE]!;
    const real = Atomics.load(q, b) & 0xffff;
    const n = (tail - real) & 0xffff;
    if (n <= LOCAL_CAP) return tail;
    Atomics.store(q, b + LINE, real);
    return real;
  }

  localLen(t: number): number {
    const b = this.#qBase(t);
    const head = Atomics.load(this.queues, b);
    const n = (Atomics.load(this.queues, b + LINE) - (head & 0xffff)) & 0xffff;
    // a thief's claim can pass the tail for a moment (see localPopNewest)
    return n > LOCAL_CAP ? 0 : n;
  }

  /**
   * Steals the older half of `victim`'s queue into `thief`'s (which must be
   * empty); returns one stolen slot to run now, or -1.
   */
  stealHalf(victim: number, thief: number): number {
    const q = this.queues;
    const vb = this.#qBase(victim);
    const tb = this.#qBase(thief);
    let first = 0;
    let n = 0;
    for (;;) {
      const head = Atomics.load(q, vb);
      const steal = head >>> 16;
      const real = head & 0xffff;
      if (steal !== real) return -1; // another thief is copying
      const avail = (Atomics.load(q, vb + LINE) - real) & 0xffff;
      if (avail === 0 || avail > LOCAL_CAP) return -1; // empty, or the owner is mid-pop
      n = avail - (avail >>> 1);
      const next = (steal << 16) | ((real + n) & 0xffff);
      if (Atomics.compareExchange(q, vb, head, next) === head) {
        first = steal;
        break;
      }
    }
    const dstTail = q[tb + LINE]!;
    let got = 0;
    for (let i = 0; i < n; i++) {
      // the owner may have popped an entry of a claim sized from an old tail: skip it
      const g = Atomics.exchange(q, vb + 2 * LINE + ((first + i) & LOCAL_MASK), -1);
      if (g >= 0) q[tb + 2 * LINE + ((dstTail + got++) & LOCAL_MASK)] = g;
    }
    // release the claim: the steal head catches up with the real head
    for (;;) {
      const head = Atomics.load(q, vb);
      const real = head & 0xffff;
      if (Atomics.compareExchange(q, vb, head, (real << 16) | real) === head) break;
    }
    if (got === 0) return -1;
    const last = q[tb + 2 * LINE + ((dstTail + got - 1) & LOCAL_MASK)]!;
    if (got > 1) Atomics.store(q, tb + LINE, (dstTail + got - 1) & 0xffff);
    return last;
  }

  // ---- injection queue --------------------------------------------------

  #lock(i: number): void {
    const c = this.ctl;
    while (Atomics.compareExchange(c, i, 0, 1) !== 0) {
      // spin: the critical sections are a few loads and stores
      if (cpuPause !== undefined) cpuPause();
    }
  }
  #unlock(i: number): void {
    Atomics.store(this.ctl, i, 0);
  }

  /** Pushes slots; returns how many fit. */
  injectPush(gs: ArrayLike<number>, from: number, count: number): number {
    this.#lock(C_INJ_LOCK);
    const c = this.ctl;
    const head = c[C_INJ_HEAD]!;
    let tail = c[C_INJ_TAIL]!;
    const room = INJECT_CAP - ((tail - head) | 0);
    const k = Math.min(count, room);
    for (let i = 0; i < k; i++) {
      this.inj[tail & (INJECT_CAP - 1)] = gs[from + i]!;
      tail = (tail + 1) | 0;
    }
    c[C_INJ_TAIL] = tail;
    this.#unlock(C_INJ_LOCK);
    return k;
  }

  /** Pushes one slot: 0 when full, 1 when queued, 2 when queued into an empty queue. */
  injectPushOne(g: number): number {
    this.#lock(C_INJ_LOCK);
    const c = this.ctl;
    const tail = c[C_INJ_TAIL]!;
    const len = (tail - c[C_INJ_HEAD]!) | 0;
    let r = 0;
    if (len < INJECT_CAP) {
      this.inj[tail & (INJECT_CAP - 1)] = g;
      Atomics.store(c, C_INJ_TAIL, (tail + 1) | 0);
      r = len === 0 ? 2 : 1;
    }
    this.#unlock(C_INJ_LOCK);
    return r;
  }

  /** Pops up to `max` slots into `out`; returns the count. */
  injectPop(out: Int32Array, max: number): number {
    const c = this.ctl;
    if (Atomics.load(c, C_INJ_HEAD) === Atomics.load(c, C_INJ_TAIL)) return 0;
    this.#lock(C_INJ_LOCK);
    let head = c[C_INJ_HEAD]!;
    const avail = (c[C_INJ_TAIL]! - head) | 0;
    const k = Math.min(avail, max);
    for (let i = 0; i < k; i++) {
      out[i] = this.inj[head & (INJECT_CAP - 1)]!;
      head = (head + 1) | 0;
    }
    c[C_INJ_HEAD] = head;
    this.#unlock(C_INJ_LOCK);
    return k;
  }

  injectLen(): number {
    return (Atomics.load(this.ctl, C_INJ_TAIL) - Atomics.load(this.ctl, C_INJ_HEAD)) | 0;
  }

  // ---- completion rings (SPSC runner -> origin) -------------------------------

  #rBase(runner: number, origin: number): number {
    return (runner * (this.n + 1) + origin) * (2 * LINE + this.ringCap);
  }

  /** Runner side; false when full (the caller posts a message instead). */
  ringPush(runner: number, origin: number, g: number): boolean {
    const r = this.rings;
    const b = this.#rBase(runner, origin);
    const tail = r[b + LINE]!;
    if (((tail - Atomics.load(r, b)) | 0) >= this.ringCap) return false;
    r[b + 2 * LINE + (tail & (this.ringCap - 1))] = g;
    Atomics.store(r, b + LINE, (tail + 1) | 0);
    return true;
  }

  /** Origin side: calls `fn` for every completion from `runner`; returns how many. */
  ringDrain(runner: number, origin: number, fn: (g: number) => void): number {
    const r = this.rings;
    const b = this.#rBase(runner, origin);
    let head = r[b]!;
    const tail = Atomics.load(r, b + LINE);
    const n = (tail - head) | 0;
    while (head !== tail) {
      fn(r[b + 2 * LINE + (head & (this.ringCap - 1))]!);
      head = (head + 1) | 0;
    }
    Atomics.store(r, b, head);
    return n;
  }

  ringNonEmpty(runner: number, origin: number): boolean {
    const b = this.#rBase(runner, origin);
    return Atomics.load(this.rings, b) !== Atomics.load(this.rings, b + LINE);
  }

  // ---- slot payload codec ---------------------------------------------------

  /** Writes UTF-8 `text` into slot `g`'s payload; returns bytes, or -1 if it does not fit. */
  writeText(g: number, text: string): number {
    if (text.length > PAYLOAD_BYTES) return -1;
    const off = g * SLOT_WORDS * 4 + 16;
    const r = this.#encoder.encodeInto(text, this.slotsU8.subarray(off, off + PAYLOAD_BYTES));
    return r.read === text.length ? r.written : -1;
  }
  readText(g: number, bytes: number): string {
    const off = g * SLOT_WORDS * 4 + 16;
    // decode from a copy: TextDecoder rejects some shared views on older Nodes
    return this.#decoder.decode(this.slotsU8.slice(off, off + bytes));
  }

  // ---- definition table -------------------------------------------------------

  /** The id of `key` (module URL '#' name), registering it if new. */
  defId(key: string): number {
    const bytes = this.#encoder.encode(key);
    if (bytes.length > DEF_BYTES - 2)
      throw new RangeError(
        `tokio-ts: task definition key too long (${bytes.length} bytes): ${key}`,
      );
    this.#lock(C_DEF_LOCK);
    try {
      const count = this.ctl[C_DEF_COUNT]!;
      for (let i = 0; i < count; i++) if (this.#defEquals(i, bytes)) return i;
      if (count >= DEF_CAP) throw new RangeError('tokio-ts: too many task definitions');
      const off = count * DEF_BYTES;
      this.defs[off] = bytes.length & 0xff;
      this.defs[off + 1] = bytes.length >>> 8;
      this.defs.set(bytes, off + 2);
      Atomics.store(this.ctl, C_DEF_COUNT, count + 1);
      return count;
    } finally {
      this.#unlock(C_DEF_LOCK);
    }
  }
  defKey(id: number): string {
    const off = id * DEF_BYTES;
    const len = this.defs[off]! | (this.defs[off + 1]! << 8);
    return this.#decoder.decode(this.defs.slice(off + 2, off + 2 + len));
  }
  #defEquals(i: number, bytes: Uint8Array): boolean {
    const off = i * DEF_BYTES;
    const len = this.defs[off]! | (this.defs[off + 1]! << 8);
    if (len !== bytes.length) return false;
    for (let k = 0; k < len; k++) if (this.defs[off + 2 + k] !== bytes[k]) return false;
    return true;
  }

  // ---- metrics ----------------------------------------------------------------
  metric(t: number, m: number): number {
    return this.metrics[t * M_STRIDE + m]!;
  }
  addMetric(t: number, m: number, v: number): void {
    this.metrics[t * M_STRIDE + m]! += v;
  }
  setMetric(t: number, m: number, v: number): void {
    this.metrics[t * M_STRIDE + m] = v;
  }
}

/** True if `v` survives a JSON round trip unchanged (plain data only). @internal */
export function jsonSafe(v: unknown, depth = 0): boolean {
  if (depth > 16) return false;
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0);
    case 'object': {
      if (v === null) return true;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++)
          if (!(i in v) || !jsonSafe(v[i], depth + 1)) return false;
        return true;
      }
      if (Object.getPrototypeOf(v) !== Object.prototype) return false;
      for (const k in v) if (!jsonSafe((v as Record<string, unknown>)[k], depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}

/** `Atomics.waitAsync` (ES2024; present in Node 20), typed here because the project targets ES2022. @internal */
export const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      a: Int32Array,
      i: number,
      v: number,
      timeout?: number,
    ): { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<string> };
  }
).waitAsync;
