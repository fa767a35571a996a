/**
 * The current-thread scheduler: a FIFO run queue drained in batches.
 *
 * How and why:
 * - A woken task is pushed on a power-of-two ring buffer (never `shift()` on an
 *   array). When work arrives the queue is drained from a microtask, so a wake
 *   costs no macrotask hop.
 * - After `eventInterval` polls (61, Tokio's `event_interval`) the drain stops and
 *   continues from `setImmediate`, so libuv's I/O callbacks and Node timers run
 *   between batches: a task spinning on `yieldNow()` delays a socket reply by
 *   at most one batch.
 * - A poll resets the coop budget (128, Tokio's `Budget::initial()`); leaves that
 *   complete without suspending spend it and force a yield at zero. Branches
 *   polled inline by their combinator (`pollBranch`) spend their task's budget.
 * - Cancellation runs the parked leaf's cancel hook (which gives back what was
 *   granted but not consumed), drives the Future the hook may return, then
 *   `return()`s the generator so its `finally` blocks run, then the task's
 *   `defer`red futures. A `finally` that suspends during cancellation is not
 *   resumed: the runtime finishes the return and records the error.
 * @internal
 */

import { type Future, iteratorOf, type Suspend, toIterator } from '../future/future.js';
import { SuspendedDuringCancelError } from '../task/error.js';
import { joinErrorOf, releaseJoined } from '../task/join-handle.js';
import { BUDGET, ctx, getBudget, SUSPEND, setBudget, UNCONSTRAINED_BUDGET } from './context.js';
import { debugFutures, reportUndriven } from './debug.js';
import { instrument } from './instrument.js';
import { LinkedList } from './linked-list.js';
import { userLocation } from './location.js';
import { RingBuffer } from './ring-buffer.js';
import { type LocalNode, Outcome, Phase, State, Task, type TaskObserver } from './task.js';

/** What to do with a task failure nobody is waiting for. */
export type UnhandledErrorPolicy = 'log' | 'ignore' | 'shutdown';

let nextTaskId = 1;

/** The arguments of a factory called with none. */
const NO_ARGS: readonly unknown[] = [];

/**
 * How long one drain may run before Node's event loop gets a turn, in ms.
 * Chosen by measurement on the 2-core VMs: a hand-over (`setImmediate`, which
 * also polls libuv) costs ~2.7 µs, so handing over after every 61 polls of
 * trivial tasks (~5 µs) doubled their cost; after 61 polls *and* 0.1 ms the
 * hand-over costs < 3 % while I/O callbacks and timers wait at most ~0.1 ms
 * plus one poll.
 */
const BATCH_MS = 0.1;

/** @internal */
export class Scheduler {
  readonly #queue = new RingBuffer<Task>(256);
  /**
   * The task spawned last, while it is the tail of the run queue: it enters
   * the ring only when something else is queued or the drain reaches it, so
   * a task joined right after its spawn (run inline by the join) never goes
   * through the ring.
   */
  #held: Task | null = null;
  #drainPending = false;
  #inImmediate = false;
  /**
   * The root tasks that suspended at least once and have not completed. A
   * root task joins it at its first suspension, not at spawn: until then it
   * is `fresh` (in the run queue or being polled) and counted in `#fresh`, so
   * a task that completes in its first poll never touches the list (linking
   * each new task behind the long-lived ones was ~15 % of a spawn+join).
   * {@link aliveTasks} lists both kinds.
   */
  readonly alive = new LinkedList<Task>();
  #fresh = 0;
  eventInterval: number;
  unhandled: UnhandledErrorPolicy;
  captureSpawnLocation = false;
  /**
   * Called when the run queue becomes empty (time driver: auto-advance; the
   * multi-thread executor: start more work). Drivers add to it with
   * {@link addIdleHook}, never by wrapping it themselves.
   */
  onIdle: (() => void) | null = null;
  /**
   * Called when a drain stops with tasks still queued, before Node's event
   * loop gets its turn: the only moment a driver sees a thread whose tasks
   * never let the queue empty (the multi-thread executor looks for aborts of
   * a remote task busy in a `yieldNow()` loop here).
   */
  onBusy: (() => void) | null = null;
  /** the runtime's time driver, created by the time module on first use */
  time: { entries(): number } | null = null;
  /** the Runtime that owns this scheduler */
  owner: unknown = null;
  /** called on an unhandled failure with policy 'shutdown' */
  onFatal: ((err: unknown) => void) | null = null;
  /** seeded PRNG for schedule permutations (tests); null = FIFO run queue */
  #rng: (() => number) | null = null;
  // metrics: plain counters
  polls = 0;
  spawned = 0;
  forcedYields = 0;
  /** set by `Runtime.shutdown`: root tasks spawned from then on never run */
  closed = false;
  /**
   * time spent in run-queue drains (ms), measured once `trackBusy` is set (by
   * the first `metrics()`): two clock reads per drain are ~40 % of a
   * promise-wake loop, too much to pay when nobody reads it
   */
  busyMs = 0;
  trackBusy = false;
  parks = 0;
  readonly #drainBound = () => this.#drain();
  readonly #immediateBound = () => {
    this.#inImmediate = false;
    this.#drain();
  };

  constructor(eventInterval: number, unhandled: UnhandledErrorPolicy) {
    this.eventInterval = eventInterval;
    this.unhandled = unhandled;
  }

  /**
   * Adds `hook` to what runs when the run queue becomes empty, after the hooks
   * added before it. (Two drivers that each wrapped `onIdle` through an
   * accessor called each other forever: timers on worker threads overflowed
   * the stack.)
   */
  addIdleHook(hook: () => void): void {
    const prev = this.onIdle;
    this.onIdle =
      prev === null
        ? hook
        : () => {
            prev();
            hook();
          };
  }

  /**
   * Shuffles the run queue with a seeded PRNG (`BuilderOptions.scheduleSeed`):
   * each poll takes a random queued task instead of the head, so tests can
   * explore interleavings reproducibly. `select`'s random start uses it too.
   */
  seed(seed: number): void {
    this.#rng = mulberry32(seed);
  }

  /** True when the run queue is shuffled by a seed (then nothing runs out of turn). */
  get shuffled(): boolean {
    return this.#rng !== null;
  }

  /** A random number in [0, 1): seeded if a schedule seed was set. */
  random(): number {
    return this.#rng === null ? Math.random() : this.#rng();
  }

  timerEntries(): number {
    return this.time === null ? 0 : this.time.entries();
  }

  get queueDepth(): number {
    return this.#queue.length + (this.#held === null ? 0 : 1);
  }

  /** How many root tasks are alive (spawned and not completed). */
  get aliveCount(): number {
    return this.alive.length + this.#fresh;
  }

  /**
   * The root tasks spawned and not completed, in spawn order (dumps,
   * shutdown): the alive list, the fresh ones in the run queue and the
   * current task if it is in its first poll (an outer poll it is nested in
   * put the outer task in the list, see `pollNow`).
   */
  aliveTasks(): Task[] {
    const out: Task[] = [];
    for (let t = this.alive.head; t !== null; t = t.nx) out.push(t);
    if (this.#fresh > 0) {
      const q = this.#queue;
      for (let i = 0; i < q.length; i++) {
        const t = q.at(i)!;
        if (t.fresh) out.push(t);
      }
      const h = this.#held;
      if (h?.fresh) out.push(h);
      const c = ctx.current;
      if (c?.fresh && c.sched === this && !c.inQueue) out.push(c);
    }
    return out.sort(byId);
  }

  /** A fresh task suspends, or a poll nests in its first one: it joins the alive list. */
  enlist(task: Task): void {
    task.fresh = false;
    this.#fresh--;
    this.alive.push(task);
  }

  /** Creates a root task and queues it; it is not polled before `spawn` returns. */
  spawn(fut: unknown, name: string | undefined, observer: TaskObserver | null = null): Task {
    return this.#enqueue(this.#iterate(fut, 'spawn'), name, observer);
  }

  /**
   * `spawn(() => fn(...args))` without the closure: the multi-thread executor
   * starts one task per remote task, and the closure and its context were ~9 %
   * of what a remote task allocates; `spawn(fn, ...args)` is the same for
   * users' hot loops. `fn` is called inside this runtime.
   */
  spawnCall(
    fn: (...args: any[]) => unknown,
    args: unknown[],
    observer: TaskObserver | null = null,
  ): Task {
    return this.#enqueue(this.#callIn(fn, args, undefined, 'spawn'), undefined, observer);
  }

  /** {@link spawnCall} of a function of one argument, without the arguments array. */
  spawnCall1(fn: (a: any) => unknown, arg: unknown): Task {
    return this.#enqueue(this.#callIn(fn, null, arg, 'spawn'), undefined, null);
  }

  #enqueue(
    gen: Iterator<Suspend, unknown, unknown>,
    name: string | undefined,
    observer: TaskObserver | null,
  ): Task {
    const task = new Task(nextTaskId++, this, gen, name, null, observer, null);
    if (this.captureSpawnLocation) task.spawnedAt = spawnLocation();
    // shut down: the task is cancelled before its first poll (Tokio's closed OwnedTasks)
    if (this.closed) task.cancelRequested = true;
    this.spawned++;
    task.fresh = true;
    this.#fresh++;
    task.inQueue = true;
    const h = this.#held;
    if (h !== null) this.#queue.push(h);
    this.#held = task;
    this.#ensureDrain();
    if (instrument !== null) instrument.spawn(task);
    return task;
  }

  /** Puts `task` at the tail of the run queue (behind the held task, if any). */
  #push(task: Task): void {
    const h = this.#held;
    if (h !== null) {
      this.#held = null;
      this.#queue.push(h);
    }
    this.#queue.push(task);
  }

  /**
   * Creates a combinator branch: a child of `parent` that is not queued; the
   * combinator polls it inline with {@link pollNow}.
   */
  child(
    gen: Iterator<Suspend, unknown, unknown>,
    parent: Task,
    observer: TaskObserver,
    index: number,
  ): Task {
    const task = new Task(nextTaskId++, this, gen, undefined, parent, observer, parent.locals);
    task.state = State.Parked;
    task.index = index;
    // its wakes go to the observer if it polls woken children (select/join)
    if (observer.childWoken !== undefined) task.branch = true;
    if (instrument !== null) instrument.spawn(task);
    return task;
  }

  /** A task spawned as a scope's child: queued, observed, with the scope's locals. */
  scoped(
    fut: unknown,
    name: string | undefined,
    observer: TaskObserver,
    locals: LocalNode | null,
  ): Task {
    const gen = this.#iterate(fut, 'scope.spawn');
    const task = new Task(nextTaskId++, this, gen, name, ctxParent(), observer, locals);
    this.spawned++;
    task.inQueue = true;
    this.#push(task);
    this.#ensureDrain();
    if (instrument !== null) instrument.spawn(task);
    return task;
  }

  /**
   * The iterator of a future to spawn here. A factory (a function) is called
   * as if inside this runtime, as Tokio's `Runtime::enter`: what it creates
   * (a timeout's deadline, a sleep) belongs to this runtime's clock even when
   * the caller is outside it or on another runtime.
   */
  #iterate(fut: unknown, what: string): Iterator<Suspend, unknown, unknown> {
    if (typeof fut !== 'function') return iteratorOf(fut, what);
    return this.#callIn(fut as (...args: unknown[]) => unknown, NO_ARGS, undefined, what);
  }

  /**
   * The iterator of the future `fn(...args)` (or `fn(arg)` when `args` is
   * null) makes, called inside this runtime (see `#iterate`).
   */
  #callIn(
    fn: (...args: any[]) => unknown,
    args: readonly unknown[] | null,
    arg: unknown,
    what: string,
  ): Iterator<Suspend, unknown, unknown> {
    const prev = ctx.entered;
    // called from a task of this runtime: `fn` already sees this runtime
    // (`currentScheduler` looks at the current task when nothing is entered),
    // and the spawn of a hot loop skips the try/finally
    if (prev === null) {
      const cur = ctx.current;
      if (cur !== null && cur.sched === this)
        return iteratorOf(args === null ? fn(arg) : fn(...args), what);
    }
    ctx.entered = this;
    try {
      return iteratorOf(args === null ? fn(arg) : fn(...args), what);
    } finally {
      ctx.entered = prev;
    }
  }

  /**
   * Puts a task that became Scheduled where it will be polled: the run queue,
   * or, for a combinator branch, its combinator's woken list. A branch is not
   * queued: its combinator polls it inside the parent's next poll (as Tokio's
   * select polls its branches), so an abort of the parent in between drops the
   * branch before it can finish.
   */
  #requeue(task: Task): void {
    if (task.parent !== null && task.branch) task.observer!.childWoken!(task);
    else if (!task.inQueue) {
      task.inQueue = true;
      this.#push(task);
      this.#ensureDrain();
    }
  }

  /** Wakes `task`: queues it if parked, or marks it to be re-queued if running. */
  schedule(task: Task): void {
    if (instrument !== null) instrument.wake(task, task === ctx.current);
    const s = task.state;
    if (s === State.Parked) {
      task.state = State.Scheduled;
      this.#requeue(task);
    } else if (s === State.Running) {
      task.notified = true;
    }
  }

  /** Requests cancellation; it takes effect at the task's next suspension point. */
  cancel(task: Task): void {
    if (task.state === State.Done || task.cancelRequested) return;
    task.cancelRequested = true;
    if (task.state === State.Parked && task.phase === Phase.Main) this.schedule(task);
  }

  /**
   * Cancels `task` synchronously when it is not running (combinator losers):
   * its cancel hook and `finally` blocks run before this returns; cleanup that
   * must wait continues as the task and completes later.
   */
  cancelNow(task: Task): void {
    if (task.state === State.Done) return;
    task.cancelRequested = true;
    if (task.state === State.Running || task.phase !== Phase.Main) return;
    this.pollNow(task);
  }

  /**
   * Polls a combinator branch or a scope body inline, inside the poll of the
   * task that owns it: it spends that task's coop budget instead of starting
   * from a fresh one (Tokio: one budget per task, and a `select!` branch is
   * polled within its task's poll). Without this, a loop of `select` over
   * ready channels never ran out of budget and starved every other task.
   * An `unconstrained` branch still gets its own unconstrained budget.
   */
  pollBranch(task: Task): void {
    this.pollNow(task, ctx.current !== null && task.unconstrained === 0);
  }

  /**
   * Polls `task` now, nested inside the current poll if any: with a fresh
   * budget, or (`shared`, {@link pollBranch}) with the budget of the poll it
   * is nested in, which keeps what the task spent.
   */
  pollNow(task: Task, shared = false): void {
    const prevTask = ctx.current;
    // (only the current task is found by `aliveTasks` while fresh)
    if (prevTask?.fresh) prevTask.sched.enlist(prevTask);
    const prevBudget = getBudget();
    ctx.current = task;
    if (!shared) setBudget(task.unconstrained > 0 ? UNCONSTRAINED_BUDGET : BUDGET);
    task.state = State.Running;
    this.polls++;
    const ins = instrument;
    if (ins !== null) ins.pollStart(task);
    try {
      this.#run(task);
    } finally {
      if (ins !== null) ins.pollEnd(task);
      ctx.current = prevTask;
      if (!shared) setBudget(prevBudget);
    }
  }

  /**
   * {@link pollNow} for a join that runs its fresh task inline (`JoinHandle`),
   * with the case that dominates spawn+join in a straight line: a task that
   * completes in its first poll with nobody else to tell (no observer, no
   * other joiner, no cleanup, no promise). Everything else — debug mode, a
   * cancel, a suspension, a failure, anything that needs the task's extra
   * record — goes to the generic driver, before or after the first step.
   * The instrumentation (console) sees the same pollStart/pollEnd as in
   * `pollNow`. (Through the generic driver this path was ~20 % slower.)
   */
  pollInline(task: Task): void {
    const prevTask = ctx.current;
    if (
      debugFutures ||
      prevTask === null ||
      prevTask.fresh ||
      !task.fresh ||
      !task.bare ||
      task.cancelRequested
    ) {
      this.pollNow(task);
      return;
    }
    const prevBudget = getBudget();
    ctx.current = task;
    setBudget(BUDGET);
    task.state = State.Running;
    this.polls++;
    // (a task done inside its own poll is seen done by pollEnd, as in pollNow)
    const ins = instrument;
    if (ins !== null) ins.pollStart(task);
    try {
      let res: IteratorResult<Suspend, unknown>;
      try {
        res = task.gen!.next();
      } catch (err) {
        if (this.#iteratorEnded(task, Phase.Main, Outcome.Err, err)) this.#run(task);
        return;
      }
      if (res.done === true) {
        if (task.bare && task.observer === null && task.joiner === null) {
          task.outcome = Outcome.Ok;
          task.result = res.value;
          task.gen = null;
          task.markDone();
          task.fresh = false;
          this.#fresh--;
        } else if (this.#iteratorEnded(task, Phase.Main, Outcome.Ok, res.value)) this.#run(task);
      } else if (res.value === SUSPEND) this.#suspended(task, Phase.Main);
      else {
        task.inject = bareYieldError();
        this.#run(task);
      }
    } finally {
      if (ins !== null) ins.pollEnd(task);
      ctx.current = prevTask;
      setBudget(prevBudget);
    }
  }

  /**
   * True when `task` is the only task in the run queue: a join may then take
   * it off ({@link takeSole}) and poll it inline, since nothing else is ready
   * and the order is the one a park of the joiner would give. Never when the
   * queue is shuffled.
   */
  isSole(task: Task): boolean {
    if (this.#rng !== null) return false;
    const q = this.#queue;
    const h = this.#held;
    // (a task alone in the ring got there when the drain reached the held one)
    return h === null ? q.length === 1 && q.peek() === task : h === task && q.length === 0;
  }

  /**
   * Takes the task {@link isSole} found off the run queue. (Left queued, the
   * task a join polled inline made the next spawn see two queued tasks and
   * park its joiner: every other spawn+join of a loop took the round trip
   * through the run queue.)
   */
  takeSole(task: Task): void {
    if (this.#held === task) this.#held = null;
    else this.#queue.shift();
    task.inQueue = false;
  }

  #ensureDrain(): void {
    if (!this.#drainPending) {
      this.#drainPending = true;
      queueMicrotask(this.#drainBound);
    }
  }

  #drain(): void {
    const q = this.#queue;
    const interval = this.eventInterval;
    let n = interval;
    let batchStart = 0;
    const drainStart = this.trackBusy ? performance.now() : 0;
    for (;;) {
      const h = this.#held;
      if (h !== null) {
        this.#held = null;
        q.push(h);
      }
      if (n === 0) {
        // every `eventInterval` polls, look at the clock: hand over to Node's
        // event loop once the batch has run for BATCH_MS (see the constant)
        const now = performance.now();
        if (batchStart === 0) batchStart = now;
        else if (now - batchStart >= BATCH_MS) break;
        n = interval;
      }
      if (this.#rng !== null && q.length > 1) q.swap(0, Math.floor(this.#rng() * q.length));
      const task = q.shift();
      if (task === undefined) break;
      task.inQueue = false;
      if (task.state !== State.Scheduled) continue;
      n--;
      // A child whose ancestor is being cancelled must not run on: it is
      // cancelled instead, giving back what it was granted. (select/join
      // branches never get here, their parent polls them; scope bodies and
      // scope children do.)
      if (task.parent !== null && !task.cancelRequested && ancestorCancelled(task))
        task.cancelRequested = true;
      this.pollNow(task);
    }
    if (drainStart !== 0) this.busyMs += performance.now() - drainStart;
    if (q.length > 0) {
      if (this.onBusy !== null) this.onBusy();
      // batch used up: let libuv run I/O callbacks and timers first
      if (!this.#inImmediate) {
        this.#inImmediate = true;
        setImmediate(this.#immediateBound);
      }
    } else {
      this.#drainPending = false;
      this.parks++;
      releaseJoined();
      if (this.onIdle !== null) this.onIdle();
    }
  }

  /** Drives `task` until it suspends or completes. */
  #run(task: Task): void {
    for (;;) {
      let res: IteratorResult<Suspend, unknown>;
      const phase = task.phase;
      let it: Iterator<Suspend, unknown, unknown>;
      if (phase === Phase.Main) {
        if (task.cancelRequested) {
          if (this.#beginCancel(task)) continue;
          return;
        }
        it = task.gen!;
      } else {
        it = task.aux!;
      }
      task.waitingOn = null;
      try {
        if (task.inject !== undefined) {
          const err = task.inject;
          task.inject = undefined;
          if (typeof it.throw !== 'function') throw err;
          res = it.throw(err);
        } else {
          res = it.next();
        }
      } catch (err) {
        if (debugFutures) reportUndriven(task);
        if (this.#iteratorEnded(task, phase, Outcome.Err, err)) continue;
        return;
      }
      if (debugFutures) reportUndriven(task);
      if (res.done === true) {
        if (this.#iteratorEnded(task, phase, Outcome.Ok, res.value)) continue;
        return;
      }
      if (res.value !== SUSPEND) {
        task.inject = bareYieldError();
        continue;
      }
      this.#suspended(task, phase);
      return;
    }
  }

  /** `task` suspended: it parks or, if woken meanwhile, is queued again. */
  #suspended(task: Task, phase: Phase): void {
    if (task.fresh) this.enlist(task);
    if (task.notified || (task.cancelRequested && phase === Phase.Main)) {
      task.notified = false;
      task.state = State.Scheduled;
      this.#requeue(task);
    } else {
      task.state = State.Parked;
    }
  }

  /** An iterator of `task` finished; returns true if the task has more to drive. */
  #iteratorEnded(task: Task, phase: Phase, kind: Outcome, value: unknown): boolean {
    if (phase === Phase.Main) return this.#mainEnded(task, kind, value);
    if (phase === Phase.Hook) {
      task.aux = null;
      if (kind === Outcome.Err) this.#report(task, value);
      return this.#returnMain(task);
    }
    // cleanup generator finished
    this.#complete(task);
    return false;
  }

  #mainEnded(task: Task, kind: Outcome, value: unknown): boolean {
    task.outcome = kind;
    task.result = value;
    // a name lent by the future goes with it: keep it for the error report
    if (kind !== Outcome.Ok && task.observer === null) {
      const n = task.name;
      if (n !== undefined) task.name = n;
    }
    task.gen = null;
    const owned = task.owned;
    if (owned !== null) {
      // what the task owned is dropped with its future (a JoinSet aborts its tasks)
      task.owned = null;
      for (const o of owned) o.ownerEnded(task);
    }
    if (task.deferred !== null && task.deferred.length > 0) {
      task.phase = Phase.Cleanup;
      task.aux = runDeferred(task, this);
      return true;
    }
    this.#complete(task);
    return false;
  }

  /** Starts cancelling: runs the cancel hook; returns true if there is more to drive. */
  #beginCancel(task: Task): boolean {
    const w = task.waitingOn;
    task.waitingOn = null;
    if (w !== null) {
      let f: Future<unknown> | undefined | void;
      try {
        f = w.cancelWait();
      } catch (err) {
        this.#report(task, err);
      }
      if (f !== undefined && f !== null) {
        try {
          task.aux = toIterator(f, 'a cancel hook');
          task.phase = Phase.Hook;
          return true;
        } catch (err) {
          this.#report(task, err);
        }
      }
    }
    return this.#returnMain(task);
  }

  /** Returns the main generator (runs its `finally` blocks). */
  #returnMain(task: Task): boolean {
    task.phase = Phase.Main;
    const gen = task.gen!;
    if (typeof gen.return !== 'function')
      return this.#mainEnded(task, Outcome.Cancelled, undefined);
    try {
      let res = gen.return(undefined);
      let guard = 0;
      while (res.done !== true) {
        // A finally block suspended (or yielded) during cancellation. Undo its
        // registration and finish the return; never resume it (DESIGN §1).
        const w = task.waitingOn;
        task.waitingOn = null;
        task.notified = false;
        if (w !== null) {
          try {
            w.cancelWait();
          } catch {
            // the leaf is being abandoned; nothing more to undo
          }
        }
        task.cancelError ??= new SuspendedDuringCancelError(task.id, task.name);
        if (++guard > 100_000) break;
        res = gen.return(undefined);
      }
    } catch (err) {
      return this.#mainEnded(task, Outcome.Err, err);
    }
    return this.#mainEnded(task, Outcome.Cancelled, undefined);
  }

  #complete(task: Task): void {
    task.markDone();
    // (a task done inside its own poll is seen done by pollEnd)
    if (instrument !== null && ctx.current !== task) instrument.complete(task);
    if (task.fresh) {
      task.fresh = false;
      this.#fresh--;
    } else if (task.list !== null) this.alive.remove(task);
    if (task.cancelError !== null) this.#report(task, task.cancelError);
    const observer = task.observer;
    if (observer !== null) {
      task.observed = true;
      observer.taskDone(task);
    }
    const joiner = task.joiner;
    if (joiner !== null) {
      task.joiner = null;
      if (observer === null) task.observed = true;
      joiner.taskFinished();
    }
    const joiners = task.joiners;
    if (joiners !== null && joiners.head !== null) {
      task.observed = true;
      let w = joiners.shift();
      while (w !== null) {
        w.taskFinished();
        w = joiners.shift();
      }
    }
    if (task.settle !== null) {
      task.observed = true;
      const ok = task.outcome === Outcome.Ok;
      task.settle(ok, ok ? task.result : joinErrorOf(task));
      task.settle = null;
    }
    if (task.outcome === Outcome.Err && !task.observed) this.#report(task, task.result);
  }

  /** Reports an error nobody observes, per the `unhandledError` policy. */
  #report(task: Task, err: unknown): void {
    if (this.unhandled === 'ignore') return;
    const who = task.name !== undefined ? `task '${task.name}' (id ${task.id})` : `task ${task.id}`;
    const text = err instanceof Error ? (err.stack ?? String(err)) : String(err);
    process.stderr.write(`tokio-ts: ${who} failed: ${text}\n`);
    if (this.unhandled === 'shutdown' && this.onFatal !== null) this.onFatal(err);
  }

  /** Reports a failure of a deferred cleanup that cannot change the outcome. @internal */
  reportCleanupError(task: Task, err: unknown): void {
    this.#report(task, err);
  }
}

/** What a bare `yield` in a task (a value yielded to the runtime) throws into it. */
function bareYieldError(): TypeError {
  return new TypeError(
    'tokio-ts: a task yielded a value to the runtime; use yield* to await a Future ' +
      '(a bare `yield` is not allowed)',
  );
}

function byId(a: Task, b: Task): number {
  return a.id - b.id;
}

function ctxParent(): Task | null {
  return ctx.current;
}

function* runDeferred(task: Task, sched: Scheduler): Generator<Suspend, void, unknown> {
  const list = task.deferred!;
  for (let f = list.pop(); f !== undefined; f = list.pop()) {
    try {
      yield* f;
    } catch (err) {
      if (task.outcome === Outcome.Ok || task.outcome === Outcome.Cancelled) {
        task.outcome = Outcome.Err;
        task.result = err;
      } else {
        sched.reportCleanupError(task, err);
      }
    }
  }
}

function spawnLocation(): string | undefined {
  return userLocation(new Error().stack);
}

/** A small, fast seeded PRNG (mulberry32); good enough for schedule shuffling. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** True if a combinator ancestor of `task` has been asked to cancel. @internal */
function ancestorCancelled(task: Task): boolean {
  for (let p = task.parent; p !== null; p = p.parent) if (p.cancelRequested) return true;
  return false;
}
