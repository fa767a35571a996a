/**
 * Where the time of an mpsc message goes (issue 17 goal 6): the 1 → 1
 * bounded(1024) loop of `sync-channels` taken apart. Every variant moves
 * 1,000,000 numbers with two `yield*` per message (one in the producer, one
 * in the consumer, whose `s += v` passes 2³¹ as the real bench's does):
 *
 * - _never suspends_: one task, two leaves that are always ready and never
 *   park (their park branch never runs, so V8 compiles it as a deopt exit);
 * - _live suspend path_: the same loop (its own generator function), whose
 *   leaves park once every 1,000,000,000 polls, after a warm-up round where
 *   they parked every 128: the park branch has run, V8 compiles it in, and
 *   the loop pays for it on every pass although it is never taken again;
 * - _coop budget, one task_: leaves that spend the coop budget (park every
 *   128 polls, as every tokio-ts leaf);
 * - _two tasks_: producer and consumer tasks over budget-spending trivial
 *   leaves (no channel at all): the floor of any channel;
 * - _minimal ring channel_: a power-of-two ring, a length, one parked
 *   receiver and one parked sender, the budget; no permits, no FIFO of
 *   senders, no close;
 * - _tokio-ts mpsc_: `mpsc.channel(1024)`.
 *
 * Internal modules are imported (the leaves are runtime-level code).
 *   npm run bench -- sync-mpsc-floor [--node 26]
 * `SYNC_BENCH_N` sets the message count, `BENCH_ROUNDS` the rounds (7).
 */
import { type Future, Runtime, spawn } from 'tokio-ts';
import { mpsc } from 'tokio-ts/sync';
import type { Suspend } from '../src/future/future.js';
import {
  coopProceed,
  currentTask,
  parkForBudget,
  SUSPENDED,
  type Waiting,
} from '../src/runtime/context.js';
import type { Task } from '../src/runtime/task.js';
import { interleaved } from './lib/interleave.js';

const N = Number(process.env.SYNC_BENCH_N ?? 1_000_000);
const rt = new Runtime();
const SENT: IteratorResult<Suspend, void> = { done: true, value: undefined };

/** What every bench leaf shares (each subclass has its own `next`: its own feedback and code). */
abstract class Leaf implements Waiting {
  [Symbol.iterator](): this {
    return this;
  }
  cancelWait(): void {}
  describe(): string {
    return 'bench';
  }
}

/** A leaf that hands out 0, 1, 2, … in one reused result object. */
abstract class NumberLeaf extends Leaf {
  readonly res = { done: true as const, value: 0 };
  i = 0;
}

/** Always ready; never parks. */
class ReadyUnit extends Leaf implements Iterator<Suspend, void, unknown> {
  next(): IteratorResult<Suspend, void> {
    return SENT;
  }
}

/** Always ready with the next number; never parks. */
class ReadyNumber extends NumberLeaf implements Iterator<Suspend, number, unknown> {
  next(): IteratorResult<Suspend, number> {
    this.res.value = this.i++;
    return this.res;
  }
}

/** Parks (for budget) once every `every` polls. */
class EveryUnit extends Leaf implements Iterator<Suspend, void, unknown> {
  left: number;
  constructor(readonly every: number) {
    super();
    this.left = every;
  }
  next(): IteratorResult<Suspend, void> {
    if (--this.left === 0) {
      this.left = this.every;
      return parkForBudget(this);
    }
    return SENT;
  }
}

class EveryNumber extends NumberLeaf implements Iterator<Suspend, number, unknown> {
  left: number;
  constructor(readonly every: number) {
    super();
    this.left = every;
  }
  next(): IteratorResult<Suspend, number> {
    if (--this.left === 0) {
      this.left = this.every;
      return parkForBudget(this);
    }
    this.res.value = this.i++;
    return this.res;
  }
}

/** Spends one unit of coop budget per poll, as every tokio-ts leaf. */
class CoopUnit extends Leaf implements Iterator<Suspend, void, unknown> {
  next(): IteratorResult<Suspend, void> {
    if (!coopProceed()) return parkForBudget(this);
    return SENT;
  }
}

class CoopNumber extends NumberLeaf implements Iterator<Suspend, number, unknown> {
  next(): IteratorResult<Suspend, number> {
    if (!coopProceed()) return parkForBudget(this);
    this.res.value = this.i++;
    return this.res;
  }
}

function* neverSuspends(): Future<number> {
  const a = new ReadyUnit();
  const r = new ReadyNumber();
  let s = 0;
  for (let k = 0; k < N; k++) {
    yield* a;
    s += yield* r;
  }
  return s;
}

/** One generator function for both "every" variants: they share its feedback, as a real loop's sites do. */
function* everyLoop(a: EveryUnit, r: EveryNumber): Future<number> {
  let s = 0;
  for (let k = 0; k < N; k++) {
    yield* a;
    s += yield* r;
  }
  return s;
}

function* coopOneTask(): Future<number> {
  const a = new CoopUnit();
  const r = new CoopNumber();
  let s = 0;
  for (let k = 0; k < N; k++) {
    yield* a;
    s += yield* r;
  }
  return s;
}

function* coopProducer(a: CoopUnit): Future<void> {
  for (let i = 0; i < N; i++) yield* a;
}

function* coopTwoTasks(): Future<number> {
  const h = spawn(coopProducer(new CoopUnit()));
  const r = new CoopNumber();
  let s = 0;
  for (let k = 0; k < N; k++) s += yield* r;
  yield* h;
  return s;
}

/** The least a bounded channel does: a ring, a length, one parked receiver and one parked sender, the budget. */
class MiniChan {
  readonly ring: (number | undefined)[] = new Array<number | undefined>(1024).fill(undefined);
  readonly mask = 1023;
  first = 0;
  len = 0;
  readonly cap: number;
  recvTask: Task | null = null;
  sendTask: Task | null = null;
  closed = false;
  constructor(cap: number) {
    this.cap = cap;
  }
}

/** Sender and its own send future (one producer). */
class MiniTx extends Leaf implements Iterator<Suspend, void, unknown> {
  readonly c: MiniChan;
  v = 0;
  parked = false;
  constructor(c: MiniChan) {
    super();
    this.c = c;
  }
  send(v: number): this {
    this.v = v;
    return this;
  }
  next(): IteratorResult<Suspend, void> {
    const c = this.c;
    const n = c.len;
    if (n < c.cap) {
      if (this.parked) this.parked = false;
      else if (!coopProceed()) {
        this.parked = true;
        return parkForBudget(this);
      }
      c.ring[(c.first + n) & c.mask] = this.v;
      c.len = n + 1;
      const t = c.recvTask;
      if (t !== null) {
        c.recvTask = null;
        t.wake();
      }
      return SENT;
    }
    const t = currentTask();
    this.parked = true;
    c.sendTask = t;
    t.waitingOn = this;
    return SUSPENDED;
  }
  close(): void {
    this.c.closed = true;
    const t = this.c.recvTask;
    if (t !== null) {
      this.c.recvTask = null;
      t.wake();
    }
  }
}

/** Receiver and its own recv future (one consumer). */
class MiniRx extends Leaf implements Iterator<Suspend, number | undefined, unknown> {
  readonly c: MiniChan;
  readonly res: { done: true; value: number | undefined } = { done: true, value: undefined };
  parked = false;
  constructor(c: MiniChan) {
    super();
    this.c = c;
  }
  recv(): this {
    return this;
  }
  next(): IteratorResult<Suspend, number | undefined> {
    const c = this.c;
    if (c.len > 0 || c.closed) {
      if (this.parked) this.parked = false;
      else if (!coopProceed()) {
        this.parked = true;
        return parkForBudget(this);
      }
      if (c.len === 0) {
        this.res.value = undefined;
        return this.res;
      }
      const i = c.first;
      const v = c.ring[i];
      c.ring[i] = undefined;
      c.first = (i + 1) & c.mask;
      c.len--;
      const t = c.sendTask;
      if (t !== null) {
        c.sendTask = null;
        t.wake();
      }
      this.res.value = v;
      return this.res;
    }
    const t = currentTask();
    this.parked = true;
    c.recvTask = t;
    t.waitingOn = this;
    return SUSPENDED;
  }
}

function* miniProduce(tx: MiniTx): Future<void> {
  for (let i = 0; i < N; i++) yield* tx.send(i);
  tx.close();
}

function* miniChannel(): Future<number> {
  const c = new MiniChan(1024);
  spawn(miniProduce(new MiniTx(c)));
  const rx = new MiniRx(c);
  let s = 0;
  for (let v = yield* rx.recv(); v !== undefined; v = yield* rx.recv()) s += v;
  return s;
}

function* produce(tx: mpsc.Sender<number>): Future<void> {
  for (let i = 0; i < N; i++) yield* tx.send(i);
  tx.close();
}

function* mpscLoop(): Future<number> {
  const [tx, rx] = mpsc.channel<number>(1024);
  spawn(produce(tx));
  let s = 0;
  for (let v = yield* rx.recv(); v !== undefined; v = yield* rx.recv()) s += v;
  return s;
}

// The "every" leaves: the warm-up round (dropped) runs the 128 variant
// first, so that the park branch has run before any measured round.
let every128First = true;
const NEVER = 1_000_000_000;
await interleaved(
  `mpsc 1 -> 1 decomposed (${N} messages per run), per message`,
  [
    { name: 'never suspends (one task)', ops: N, run: () => rt.blockOn(neverSuspends) },
    {
      name: 'live suspend path, not taken (one task)',
      ops: N,
      run: () => {
        if (every128First) {
          every128First = false;
          return rt.blockOn(() => everyLoop(new EveryUnit(128), new EveryNumber(128)));
        }
        return rt.blockOn(() => everyLoop(new EveryUnit(NEVER), new EveryNumber(NEVER)));
      },
    },
    { name: 'coop budget (one task)', ops: N, run: () => rt.blockOn(coopOneTask) },
    { name: 'coop budget, two tasks (the floor)', ops: N, run: () => rt.blockOn(coopTwoTasks) },
    { name: 'minimal ring channel', ops: N, run: () => rt.blockOn(miniChannel) },
    { name: 'tokio-ts mpsc bounded(1024)', ops: N, run: () => rt.blockOn(mpscLoop) },
  ],
  [
    {
      label: 'mpsc vs the floor',
      ours: 'tokio-ts mpsc bounded(1024)',
      anchor: 'coop budget, two tasks (the floor)',
    },
  ],
);
