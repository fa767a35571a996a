/**
 * The worker side of the multi-thread runtime: finds task descriptors (LIFO
 * slot, local queue, injection queue, then stealing the older half of another worker's
 * queue), starts them as tasks on this thread's ordinary scheduler, writes the
 * results back, and parks when there is nothing to do.
 *
 * How and why:
 * - A descriptor becomes a task only when the scheduler is idle: a started task
 *   cannot move (its generator lives in this isolate), so everything not yet
 *   started stays stealable. A batch of up to {@link START_BATCH} starts per
 *   turn keeps the per-task scheduler overhead amortised for trivial tasks.
 * - Parking: a few empty rounds of looking (a short spin, far cheaper than a
 *   ~33 µs futex wake on a quiet VM), then `bell = 1`, a final look, and
 *   `Atomics.waitAsync(bell, 1)`. The worker's event loop keeps running while
 *   it waits (a ref'd interval keeps it alive: a pending waitAsync does not),
 *   so its timers and sockets work.
 * - After about {@link TURN_MS} of continuous starting, the next round runs from
 *   `setImmediate`, so messages (pinned tasks, results) and I/O get a turn.
 * @internal
 */
import type { Runtime } from '../runtime/runtime.js';
import type { Scheduler } from '../runtime/scheduler.js';
import { Outcome, type Task, type TaskObserver } from '../runtime/task.js';
import { errorData } from './error.js';
import { jsonMayFit, type Origin } from './origin.js';
import {
  ARG_F64,
  ARG_JSON,
  ARG_MESSAGE,
  jsonSafe,
  M_BUSY,
  M_PARKS,
  M_POLLS,
  M_RUN,
  M_STEALS,
  PAYLOAD_BYTES,
  RES_CANCELLED,
  RES_F64,
  RES_JSON,
  RES_MESSAGE,
  RES_UNDEFINED,
  type Shared,
  SLOT_WORDS,
  ST_ABORT,
  ST_DONE,
  ST_HELD,
  ST_RUNNER,
  ST_STARTED,
  ST_SUSPENDED,
  waitAsync,
} from './shared.js';
import { loadDef, loadedDef, type TaskDef } from './task-def.js';
import { fromWire } from './wire.js';

/**
 * Most descriptors started per idle turn. Started tasks cannot be stolen, so
 * the batch adapts: it doubles while the tasks of a turn average under
 * {@link SHORT_TASK_MS} (trivial tasks: amortises a scheduler round per task)
 * and drops to 1 as soon as they take longer (CPU-bound tasks stay stealable:
 * with a fixed batch of 32, one worker started all 64 tasks of a CPU batch
 * before its peer woke, and 2 workers ran at 1.1x one). A turn whose tasks
 * spawned tasks (fork-join) also drops it to 1: fork tasks are short, but
 * what they queue are big subtrees that a peer should be able to steal.
 */
const START_BATCH = 32;
const SHORT_TASK_MS = 0.02;
/** Continuous work before yielding a macrotask turn to the event loop (ms). */
const TURN_MS = 2;
/** Every this many local pops takes the oldest entry instead of the newest (fairness). */
const FAIR_POP = 61;
/** Empty looks before sleeping (each costs well under a microsecond). */
const SPINS = 64;

/** How a worker posts results that need structured clone. @internal */
export interface ResultPoster {
  postResult(g: number, to: number, ok: boolean, value: unknown): void;
  postDone(g: number, to: number): void;
}

/** @internal */
export class Executor {
  readonly #sh: Shared;
  readonly #me: number;
  readonly #sched: Scheduler;
  readonly #origin: Origin;
  readonly #poster: ResultPoster;
  readonly #defs = new Map<number, TaskDef<any, any>>();
  /** tasks started here from slots, with their slots */
  readonly #running = new Map<Task, number>();
  /** slots of pinned tasks started here and not yet marked {@link ST_SUSPENDED} or finished */
  readonly #pinnedLive: number[] = [];
  /** one observer per definition (it names the task), not one per task */
  readonly #observers = new Map<TaskDef<any, any>, RunObserver>();
  readonly #popBuf = new Int32Array(START_BATCH);
  /**
   * Argument arrays of number-only tasks, by count, reused: `spawnCall`
   * spreads them into the call at once and keeps nothing (one array fewer
   * per remote task; a task whose definition is still loading gets a copy).
   */
  readonly #numArgs: unknown[][] = [
    [],
    [0],
    [0, 0],
    [0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0],
  ];
  #waiting = false;
  #scheduled = false;
  #turnStart = 0;
  #busySince = 0;
  #stealRng = 1;
  #batch = 1;
  #batchStart = 0;
  #batchCount = 0;
  #batchSpawned = 0;
  #pops = 0;
  readonly #tickBound = () => {
    this.#scheduled = false;
    this.#turnStart = performance.now();
    this.tick();
  };
  readonly #wakeBound = () => {
    this.#waiting = false;
    this.#turnStart = performance.now();
    this.#busySince = this.#turnStart;
    this.tick();
  };

  constructor(sh: Shared, me: number, rt: Runtime, origin: Origin, poster: ResultPoster) {
    this.#sh = sh;
    this.#me = me;
    this.#sched = rt.sched;
    this.#origin = origin;
    this.#poster = poster;
    // the executor must see every idle turn (the time driver adds its own hook)
    this.#sched.addIdleHook(() => this.#onIdle());
    // a task that never lets the queue empty (a yieldNow() loop) must still see its abort
    this.#sched.onBusy = () => {
      if (this.#pinnedLive.length !== 0) this.#suspended();
      if (Atomics.load(sh.ctl, sh.abortsIndex(me)) !== 0) this.#checkAborts();
    };
    this.#stealRng = me * 7919 + 1;
  }

  start(): void {
    this.#busySince = performance.now();
    this.#turnStart = this.#busySince;
    this.tick();
  }

  #onIdle(): void {
    if (this.#pinnedLive.length !== 0) this.#suspended();
    const now = performance.now();
    if (this.#batchCount > 0) {
      const per = (now - this.#batchStart) / this.#batchCount;
      this.#batchCount = 0;
      if (this.#origin.spawned !== this.#batchSpawned) {
        // a fork (the tasks spawned tasks): what is queued is probably big
        // subtrees; keep them stealable instead of starting them here
        this.#batch = 1;
      } else if (per < SHORT_TASK_MS) {
        if (this.#batch < START_BATCH) this.#batch <<= 1;
      } else {
        this.#batch = 1;
      }
    }
    if (now - this.#turnStart > TURN_MS) {
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(this.#tickBound);
      }
      return;
    }
    this.tick();
  }

  /** One round: completions, aborts, then start descriptors or park. */
  tick(): void {
    const sh = this.#sh;
    // awake: a producer must not count this thread as a sleeper it can wake.
    // Written only when set: the peers read this line on every spawn, and a
    // store per tick made it bounce between the cores
    const bi = sh.bellIndex(this.#me);
    if (Atomics.load(sh.ctl, bi) !== 0) Atomics.store(sh.ctl, bi, 0);
    this.#origin.drainRings();
    this.#publishMetrics();
    if (Atomics.load(sh.ctl, sh.abortsIndex(this.#me)) !== 0) this.#checkAborts();
    if (this.#sched.queueDepth > 0) return; // the scheduler runs first; onIdle brings us back
    if (this.#startSome() > 0) return;
    this.#lookThenPark();
  }

  /**
   * Nothing found on the first look: a few more (completions may bring the
   * scheduler work), then park. Kept out of {@link tick} so that the function
   * run once per task stays small: V8 tiers a function up after executing
   * bytecode worth a few thousand calls of its *whole* length, so rare code
   * beside a hot path delays the optimised hot path (fresh workers ran their
   * task path unoptimised for 4–13 fork-join runs).
   */
  #lookThenPark(): void {
    for (let spin = 1; spin < SPINS; spin++) {
      if (this.#origin.drainRings() > 0 && this.#sched.queueDepth > 0) return;
      if (this.#startSome() > 0) return;
    }
    this.#park();
  }

  /** Starts up to a batch of descriptors; returns how many. */
  #startSome(): number {
    let started = 0;
    const max = this.#batch;
    while (started < max) {
      const g = this.#next();
      if (g < 0) break;
      if (started === 0) {
        this.#batchStart = performance.now();
        this.#batchSpawned = this.#origin.spawned;
      }
      this.#startSlot(g);
      started++;
    }
    this.#batchCount = started;
    return started;
  }

  #next(): number {
    const sh = this.#sh;
    const me = this.#me;
    const li = sh.lifoIndex(me);
    const l = sh.ctl[li]!;
    if (l !== 0) {
      Atomics.store(sh.ctl, li, 0);
      return l - 1;
    }
    // While this thread's own children are out (fork-join), newest first:
    // depth-first, with the biggest subtrees left at the head for thieves;
    // every FAIR_POP-th pop takes the oldest, so a stream of new entries cannot
    // starve old ones. Otherwise (batches from the injection queue) oldest
    // first: LIFO measured ~10 % more CPU per trivial task there.
    const g =
      this.#origin.outstanding > 0 && ++this.#pops % FAIR_POP !== 0
        ? sh.localPopNewest(me)
        : sh.localPop(me);
    return g >= 0 ? g : this.#nextShared();
  }

  /** The injection queue, then stealing (see {@link #next}: kept apart, rarer). */
  #nextShared(): number {
    const sh = this.#sh;
    const me = this.#me;
    let g = -1;
    // the injection queue: take a batch, keep the rest in the local queue (stealable)
    const b = this.#popBuf;
    const k = sh.injectPop(b, START_BATCH);
    if (k > 0) {
      for (let i = 1; i < k; i++) if (!sh.localPush(me, b[i]!)) sh.injectPushOne(b[i]!);
      // more work than this worker took: wake a sleeping peer (pushes ring
      // only on the empty -> non-empty transition)
      if (k > 2 || sh.injectLen() > 0) sh.ringOneWorker(me);
      return b[0]!;
    }
    // steal the older half of another worker's queue, starting at a random victim
    const n = sh.n;
    if (n > 1) {
      let x = this.#stealRng;
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      this.#stealRng = x;
      const start = (x >>> 0) % n;
      for (let i = 0; i < n; i++) {
        const v = ((start + i) % n) + 1;
        if (v === me) continue;
        g = sh.stealHalf(v, me);
        if (g >= 0) {
          sh.addMetric(me, M_STEALS, 1);
          return g;
        }
      }
    }
    return -1;
  }

  /** Claims slot `g` and starts it (after importing its module if needed). */
  #startSlot(g: number): void {
    const sh = this.#sh;
    const w = g * SLOT_WORDS;
    let s = Atomics.load(sh.slots, w);
    for (;;) {
      if ((s & ST_ABORT) !== 0) {
        this.#finish(g, RES_CANCELLED, undefined);
        return;
      }
      const next = (s & ~ST_RUNNER) | ST_STARTED | this.#me;
      const got = Atomics.compareExchange(sh.slots, w, s, next);
      if (got === s) break;
      s = got;
    }
    const kindWord = sh.slots[w + 2]!;
    const kind = kindWord & 0xff;
    // a child this thread spawned and nobody stole: run it in its proxy task
    const o = this.#origin;
    if (g >= o.base && g < o.limit && kind !== ARG_MESSAGE && o.runLocal(g, kind)) return;
    this.#startDecoded(g, kindWord);
  }

  /** Starts slot `g` (claimed) as a task of this thread, from its encoded arguments. */
  #startDecoded(g: number, kindWord: number): void {
    const sh = this.#sh;
    const kind = kindWord & 0xff;
    let args: unknown[];
    if (kind === ARG_F64) {
      const n = (kindWord >>> 8) & 0xff;
      args = this.#numArgs[n] ?? new Array(n);
      const f = g * (SLOT_WORDS >> 1) + 2;
      for (let i = 0; i < n; i++) args[i] = smi(sh.slotsF[f + i]!);
    } else if (kind === ARG_JSON) {
      args = JSON.parse(sh.readText(g, kindWord >>> 16));
    } else {
      return; // pinned tasks arrive as messages
    }
    this.#run(g, sh.slots[g * SLOT_WORDS + 1]!, args);
  }

  /** This thread is awake without a bell ring (a message arrived): producers must not count it as asleep. */
  awake(): void {
    Atomics.store(this.#sh.ctl, this.#sh.bellIndex(this.#me), 0);
  }

  /** A pinned task arrived by message. */
  startPinned(g: number, args: unknown[]): void {
    const sh = this.#sh;
    this.awake();
    const w = g * SLOT_WORDS;
    const s = Atomics.or(sh.slots, w, ST_STARTED);
    // the origin may hold pinned tasks back until this worker starts one
    // (not when it holds them until this one suspends or ends)
    if ((s & ST_HELD) === 0) sh.ring(sh.originOf(g));
    if ((s & ST_ABORT) !== 0) {
      this.#finish(g, RES_CANCELLED, undefined);
      return;
    }
    this.#pinnedLive.push(g);
    this.#run(g, sh.slots[w + 1]!, fromWire(args));
  }

  /**
   * The scheduler went idle or ended a busy turn: every pinned task started
   * here and not finished has suspended. Marks their slots and rings their
   * origins, which hold pinned tasks of long definitions back meanwhile.
   */
  #suspended(): void {
    const sh = this.#sh;
    const live = this.#pinnedLive;
    for (let k = 0; k < live.length; k++) {
      const g = live[k]!;
      Atomics.or(sh.slots, g * SLOT_WORDS, ST_SUSPENDED);
      sh.ring(sh.originOf(g));
    }
    live.length = 0;
  }

  #run(g: number, defId: number, args: unknown[]): void {
    let def = this.#defs.get(defId);
    if (def === undefined) {
      const key = this.#sh.defKey(defId);
      const loaded = loadedDef(key);
      if (loaded === undefined) {
        const held = args.slice(); // `args` may be a reused array (#numArgs)
        loadDef(key).then(
          (d) => {
            this.#defs.set(defId, d as TaskDef<any, any>);
            if ((Atomics.load(this.#sh.slots, g * SLOT_WORDS) & ST_ABORT) !== 0)
              this.#finish(g, RES_CANCELLED, undefined);
            else this.#spawn(g, d as TaskDef<any, any>, held);
          },
          (e: unknown) => this.#finishError(g, e),
        );
        return;
      }
      def = loaded as TaskDef<any, any>;
      this.#defs.set(defId, def);
    }
    this.#spawn(g, def, args);
  }

  #spawn(g: number, def: TaskDef<any, any>, args: unknown[]): void {
    let obs = this.#observers.get(def);
    if (obs === undefined) {
      obs = new RunObserver(this, def.name);
      this.#observers.set(def, obs);
    }
    const task = this.#sched.spawnCall(def.fn, args, obs);
    this.#running.set(task, g);
  }

  /** @internal */
  taskDone(task: Task): void {
    const g = this.#running.get(task)!;
    this.#running.delete(task);
    if (task.outcome === Outcome.Ok) {
      const v = task.result;
      if (typeof v === 'number') {
        this.#sh.slotsF[g * (SLOT_WORDS >> 1) + 2] = v;
        this.#finish(g, RES_F64, undefined);
      } else if (v === undefined) {
        this.#finish(g, RES_UNDEFINED, undefined);
      } else {
        let bytes = -1;
        if (jsonMayFit(v, PAYLOAD_BYTES) && jsonSafe(v)) {
          const text = JSON.stringify(v);
          if (text.length <= PAYLOAD_BYTES) bytes = this.#sh.writeText(g, text);
        }
        if (bytes >= 0) this.#finish(g, RES_JSON | (bytes << 8), undefined);
        else this.#finish(g, RES_MESSAGE, v);
      }
    } else if (task.outcome === Outcome.Err) {
      this.#finishError(g, task.result);
    } else {
      this.#finish(g, RES_CANCELLED, undefined);
    }
  }

  #finishError(g: number, e: unknown): void {
    this.#finish(g, RES_MESSAGE, errorData(e), false);
  }

  /** Writes the result kind, marks the slot done and tells the origin. */
  #finish(g: number, rk: number, value: unknown, ok = true): void {
    const sh = this.#sh;
    const w = g * SLOT_WORDS;
    const live = this.#pinnedLive;
    if (live.length !== 0) {
      // ended before it was marked suspended: the slot is released once done
      const k = live.indexOf(g);
      if (k >= 0) {
        live[k] = live[live.length - 1]!;
        live.pop();
      }
    }
    const origin = sh.originOf(g);
    sh.slots[w + 3] = rk;
    sh.addMetric(this.#me, M_RUN, 1);
    sh.setMetric(this.#me, M_POLLS, this.#sched.polls);
    Atomics.or(sh.slots, w, ST_DONE);
    if ((rk & 0xff) === RES_MESSAGE) {
      if (origin === this.#me) {
        this.#origin.completeMessage(g, ok, value);
        return;
      }
      try {
        this.#poster.postResult(g, origin, ok, value);
      } catch (e) {
        this.#poster.postResult(g, origin, false, errorData(e));
      }
      return;
    }
    if (origin === this.#me) {
      this.#origin.complete(g);
      return;
    }
    if (!sh.ringPush(this.#me, origin, g)) this.#poster.postDone(g, origin);
    sh.ring(origin);
  }

  #checkAborts(): void {
    const sh = this.#sh;
    Atomics.store(sh.ctl, sh.abortsIndex(this.#me), 0);
    for (const [task, g] of this.#running) {
      if ((Atomics.load(sh.slots, g * SLOT_WORDS) & ST_ABORT) !== 0) task.sched.cancel(task);
    }
  }

  #park(): void {
    const sh = this.#sh;
    const me = this.#me;
    this.#publishMetrics();
    const bi = sh.bellIndex(me);
    Atomics.store(sh.ctl, bi, 1);
    // the final look, after announcing sleep: a producer that published before
    // seeing bell = 1 is found here; one that publishes after will ring
    if (
      sh.ctl[sh.lifoIndex(me)] !== 0 ||
      sh.localLen(me) > 0 ||
      sh.injectLen() > 0 ||
      this.#origin.ringsNonEmpty() ||
      Atomics.load(sh.ctl, sh.abortsIndex(me)) !== 0
    ) {
      Atomics.store(sh.ctl, bi, 0);
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(this.#tickBound);
      }
      return;
    }
    // a waitAsync may still be pending from an earlier park (the thread was
    // woken by a message or a local event since): it is woken by the same notify
    if (this.#waiting) return;
    const now = performance.now();
    sh.addMetric(me, M_BUSY, now - this.#busySince);
    sh.addMetric(me, M_PARKS, 1);
    this.#waiting = true;
    const r = waitAsync(sh.ctl, bi, 1);
    if (r.async) {
      r.value.then(this.#wakeBound);
    } else {
      this.#waiting = false;
      Atomics.store(sh.ctl, bi, 0);
      queueMicrotask(this.#tickBound);
    }
  }

  #publishMetrics(): void {
    this.#sh.setMetric(this.#me, M_POLLS, this.#sched.polls);
  }
}

/**
 * Reports the end of a remote task of one definition to the executor; also
 * names the task (no name in the task itself). Shared by that definition's
 * tasks: the executor finds the slot from the task.
 */
class RunObserver implements TaskObserver {
  readonly #ex: Executor;
  readonly taskName: string;
  constructor(ex: Executor, name: string) {
    this.#ex = ex;
    this.taskName = name;
  }
  taskDone(task: Task): void {
    this.#ex.taskDone(task);
  }
}

/**
 * A number read from a Float64Array is a heap double even when it is an
 * integer; handed to user code as is, V8 specialises that code for doubles
 * (fib(27) ran 1.8x slower on a worker than on the main thread). Small
 * integers are turned back into int32 form (keeping -0 as it is). @internal
 */
export function smi(x: number): number {
  return (x | 0) === x && (x !== 0 || 1 / x > 0) ? x | 0 : x;
}
