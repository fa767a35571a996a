/**
 * Channels: mpsc throughput (bounded 1024, one producer, one consumer) and a
 * ping-pong over two channels, beside Effect's Queue (3.x and the current
 * 4.x, both idiomatic: `Effect.gen` with `yield*` per message) and
 * plain-promise anchors; broadcast fan-out beside Effect's PubSub.
 * Plain long loops, interleaved in one process (lib/interleave.ts).
 *   npm run bench -- sync-channels [--node 26]
 * `SYNC_BENCH_N` sets the mpsc message count (default 1,000,000, the issue's),
 * `SYNC_BENCH_PP` the ping-pong round trips (100,000), `BENCH_ROUNDS` the rounds (7).
 */
import { Effect, PubSub, Queue } from 'effect';
import { Effect as Effect4, Fiber as Fiber4, PubSub as PubSub4, Queue as Queue4 } from 'effect4';
import { type Future, Runtime, spawn, yieldNow } from 'tokio-ts';
import { broadcast, mpsc, watch } from 'tokio-ts/sync';
import { interleaved } from './lib/interleave.js';

const N = Number(process.env.SYNC_BENCH_N ?? 1_000_000);
/** Ping-pong round trips per run (Effect's anchors do a tenth: the figure is per round trip). */
const PP = Number(process.env.SYNC_BENCH_PP ?? 100_000);
const rt = new Runtime();

/** The producer both mpsc benches share: N sends, then close. */
function* produce(tx: mpsc.Sender<number>): Future<void> {
  for (let i = 0; i < N; i++) yield* tx.send(i);
  tx.close();
}

function* mpscThroughput(): Future<number> {
  const [tx, rx] = mpsc.channel<number>(1024);
  spawn(produce(tx));
  let s = 0;
  for (let v = yield* rx.recv(); v !== undefined; v = yield* rx.recv()) s += v;
  return s;
}

function* mpscMany(): Future<number> {
  const [tx, rx] = mpsc.channel<number>(1024);
  spawn(produce(tx));
  let s = 0;
  const buf: number[] = [];
  for (;;) {
    buf.length = 0;
    const n = yield* rx.recvMany(buf, 1024);
    if (n === 0) break;
    for (let i = 0; i < n; i++) s += buf[i]!;
  }
  return s;
}

/** A bounded queue of promise resolvers: what one writes without a library. */
class PromiseQueue<T> {
  readonly #items: T[] = [];
  #head = 0;
  #recv: ((v: T) => void) | null = null;
  #space: (() => void) | null = null;
  constructor(readonly cap: number) {}
  async send(v: T): Promise<void> {
    while (this.#items.length - this.#head >= this.cap)
      await new Promise<void>((r) => (this.#space = r));
    if (this.#recv !== null) {
      const r = this.#recv;
      this.#recv = null;
      r(v);
    } else this.#items.push(v);
  }
  recv(): Promise<T> | T {
    if (this.#head < this.#items.length) {
      const v = this.#items[this.#head++]!;
      if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
        this.#items.splice(0, this.#head);
        this.#head = 0;
      }
      if (this.#space !== null) {
        const s = this.#space;
        this.#space = null;
        s();
      }
      return v;
    }
    return new Promise<T>((r) => (this.#recv = r));
  }
}

async function promiseThroughput(): Promise<number> {
  const q = new PromiseQueue<number>(1024);
  (async () => {
    for (let i = 0; i < N; i++) await q.send(i);
    await q.send(-1);
  })();
  let s = 0;
  for (;;) {
    const v = await q.recv();
    if (v === -1) return s;
    s += v;
  }
}

const effectThroughput = Effect.gen(function* () {
  const q = yield* Queue.bounded<number>(1024);
  yield* Effect.fork(
    Effect.gen(function* () {
      for (let i = 0; i < N; i++) yield* Queue.offer(q, i);
      yield* Queue.offer(q, -1);
    }),
  );
  let s = 0;
  for (;;) {
    const v = yield* Queue.take(q);
    if (v === -1) return s;
    s += v;
  }
});

const effect4Throughput = Effect4.gen(function* () {
  const q = yield* Queue4.bounded<number>(1024);
  yield* Effect4.forkChild(
    Effect4.gen(function* () {
      for (let i = 0; i < N; i++) yield* Queue4.offer(q, i);
      yield* Queue4.offer(q, -1);
    }),
  );
  let s = 0;
  for (;;) {
    const v = yield* Queue4.take(q);
    if (v === -1) return s;
    s += v;
  }
});

function* mpscPingPong(): Future<void> {
  const [aTx, aRx] = mpsc.channel<number>(1);
  const [bTx, bRx] = mpsc.channel<number>(1);
  const echo = spawn(function* () {
    for (let v = yield* aRx.recv(); v !== undefined; v = yield* aRx.recv()) yield* bTx.send(v);
  });
  for (let i = 0; i < PP; i++) {
    yield* aTx.send(i);
    yield* bRx.recv();
  }
  aTx.close();
  yield* echo;
}

async function promisePingPong(): Promise<void> {
  let toEcho: ((v: number) => void) | null = null;
  let toMain: ((v: number) => void) | null = null;
  const echo = (async () => {
    for (let i = 0; i < PP; i++) {
      const v = await new Promise<number>((r) => (toEcho = r));
      toMain!(v);
    }
  })();
  for (let i = 0; i < PP; i++) {
    const back = new Promise<number>((r) => (toMain = r));
    toEcho!(i);
    await back;
  }
  await echo;
}

const effectPingPong = Effect.gen(function* () {
  const a = yield* Queue.bounded<number>(1);
  const b = yield* Queue.bounded<number>(1);
  yield* Effect.fork(
    Effect.gen(function* () {
      for (let i = 0; i < PP / 10; i++) yield* Queue.offer(b, yield* Queue.take(a));
    }),
  );
  for (let i = 0; i < PP / 10; i++) {
    yield* Queue.offer(a, i);
    yield* Queue.take(b);
  }
});

const effect4PingPong = Effect4.gen(function* () {
  const a = yield* Queue4.bounded<number>(1);
  const b = yield* Queue4.bounded<number>(1);
  yield* Effect4.forkChild(
    Effect4.gen(function* () {
      for (let i = 0; i < PP / 10; i++) yield* Queue4.offer(b, yield* Queue4.take(a));
    }),
  );
  for (let i = 0; i < PP / 10; i++) {
    yield* Queue4.offer(a, i);
    yield* Queue4.take(b);
  }
});

const FAN = 100;
const FAN_MSGS = 1000;

function* broadcastFanOut(): Future<void> {
  const [tx] = broadcast.channel<number>(FAN_MSGS);
  const rxs = Array.from({ length: FAN }, () => tx.subscribe());
  const tasks = rxs.map((rx) =>
    spawn(function* () {
      for (let i = 0; i < FAN_MSGS; i++) yield* rx.recv();
    }),
  );
  for (let i = 0; i < FAN_MSGS; i++) tx.send(i);
  for (const t of tasks) yield* t;
}

/**
 * watch: the sender publishes FAN_MSGS versions, yielding after each so that
 * every receiver sees every version (watch coalesces otherwise); a delivery
 * is one `changed()` + `borrowAndUpdate()` in one receiver.
 */
let watchDeliveries = 0;
function* watchFanOut(): Future<void> {
  const [tx, rx0] = watch.channel<number>(-1);
  const tasks = Array.from({ length: FAN }, () => {
    const rx = rx0.clone();
    return spawn(function* () {
      for (;;) {
        yield* rx.changed();
        watchDeliveries++;
        if (rx.borrowAndUpdate() === FAN_MSGS - 1) return;
      }
    });
  });
  for (let i = 0; i < FAN_MSGS; i++) {
    tx.send(i);
    yield* yieldNow();
  }
  for (const t of tasks) yield* t;
}

const effectFanOut = Effect.scoped(
  Effect.gen(function* () {
    const ps = yield* PubSub.bounded<number>(FAN_MSGS);
    const subs = [];
    for (let i = 0; i < FAN; i++) subs.push(yield* PubSub.subscribe(ps));
    const fibers = [];
    for (const sub of subs)
      fibers.push(
        yield* Effect.fork(
          Effect.gen(function* () {
            for (let i = 0; i < FAN_MSGS; i++) yield* Queue.take(sub);
          }),
        ),
      );
    for (let i = 0; i < FAN_MSGS; i++) yield* PubSub.publish(ps, i);
    for (const f of fibers) yield* f.await;
  }),
);

const effect4FanOut = Effect4.scoped(
  Effect4.gen(function* () {
    const ps = yield* PubSub4.bounded<number>(FAN_MSGS);
    const subs = [];
    for (let i = 0; i < FAN; i++) subs.push(yield* PubSub4.subscribe(ps));
    const fibers = [];
    for (const sub of subs)
      fibers.push(
        yield* Effect4.forkChild(
          Effect4.gen(function* () {
            for (let i = 0; i < FAN_MSGS; i++) yield* PubSub4.take(sub);
          }),
        ),
      );
    for (let i = 0; i < FAN_MSGS; i++) yield* PubSub4.publish(ps, i);
    yield* Fiber4.joinAll(fibers);
  }),
);

const OURS = 'tokio-ts mpsc send/recv';
const PROMISE_Q = 'promise-resolver queue';
const E3Q = 'Effect 3 Queue.bounded';
const E4Q = 'Effect 4 Queue.bounded';
await interleaved(
  `mpsc bounded(1024), 1 producer 1 consumer (${N} msgs per run), per message`,
  [
    { name: OURS, ops: N, run: () => rt.blockOn(mpscThroughput) },
    { name: 'tokio-ts mpsc send/recvMany', ops: N, run: () => rt.blockOn(mpscMany) },
    { name: PROMISE_Q, ops: N, run: promiseThroughput },
    { name: E4Q, ops: N, run: () => Effect4.runPromise(effect4Throughput) },
    { name: E3Q, ops: N, run: () => Effect.runPromise(effectThroughput) },
  ],
  [
    { label: 'mpsc vs Effect 4 Queue (goal >= 20x faster)', ours: OURS, anchor: E4Q },
    { label: 'mpsc vs Effect 3 Queue (goal >= 20x faster)', ours: OURS, anchor: E3Q },
    { label: 'mpsc vs promise queue (goal >= 3x faster)', ours: OURS, anchor: PROMISE_Q },
  ],
);

const OURS_PP = 'tokio-ts mpsc ping-pong';
const RAW_PP = 'raw promise ping-pong';
await interleaved(
  `ping-pong over two channels (${PP} round trips per run), per round trip`,
  [
    { name: OURS_PP, ops: PP, run: () => rt.blockOn(mpscPingPong) },
    { name: RAW_PP, ops: PP, run: promisePingPong },
    {
      name: 'Effect 4 Queue ping-pong',
      ops: PP / 10,
      run: () => Effect4.runPromise(effect4PingPong),
    },
    {
      name: 'Effect 3 Queue ping-pong',
      ops: PP / 10,
      run: () => Effect.runPromise(effectPingPong),
    },
  ],
  [
    { label: 'ping-pong vs raw promises (goal <= 1.2x the time)', ours: OURS_PP, anchor: RAW_PP },
    {
      label: 'ping-pong vs Effect 4 (goal >= 20x faster)',
      ours: OURS_PP,
      anchor: 'Effect 4 Queue ping-pong',
    },
    {
      label: 'ping-pong vs Effect 3 (goal >= 20x faster)',
      ours: OURS_PP,
      anchor: 'Effect 3 Queue ping-pong',
    },
  ],
);

const DELIVERIES = FAN * FAN_MSGS;
await interleaved(
  `fan-out to ${FAN} receivers (${FAN_MSGS} msgs per run), per delivery`,
  [
    { name: 'tokio-ts broadcast', ops: DELIVERIES, run: () => rt.blockOn(broadcastFanOut) },
    {
      name: 'tokio-ts watch (sender yields per version)',
      ops: DELIVERIES,
      run: () => rt.blockOn(watchFanOut),
    },
    { name: 'Effect 4 PubSub', ops: DELIVERIES, run: () => Effect4.runPromise(effect4FanOut) },
    { name: 'Effect 3 PubSub', ops: DELIVERIES, run: () => Effect.runPromise(effectFanOut) },
  ],
  [
    {
      label: 'broadcast vs Effect 4 PubSub',
      ours: 'tokio-ts broadcast',
      anchor: 'Effect 4 PubSub',
    },
    {
      label: 'watch vs Effect 4 PubSub',
      ours: 'tokio-ts watch (sender yields per version)',
      anchor: 'Effect 4 PubSub',
    },
  ],
);
// every receiver saw every version: the per-delivery figure above is exact
watchDeliveries = 0;
await rt.blockOn(watchFanOut);
console.log(
  `  watch fan-out: ${watchDeliveries} deliveries per run (${FAN} receivers x ${FAN_MSGS} versions)`,
);
