/**
 * Channels: mpsc throughput (bounded 1024, one producer, one consumer) and a
 * ping-pong over two channels, beside Effect's Queue (3.x and the current
 * 4.x, both idiomatic: `Effect.gen` with `yield*` per message) and
 * plain-promise anchors; broadcast fan-out beside Effect's PubSub.
 *   npm run bench -- sync-channels
 * `SYNC_BENCH_N` sets the mpsc message count (default 1,000,000, the issue's).
 */
import { Effect, PubSub, Queue } from 'effect';
import { Effect as Effect4, Fiber as Fiber4, PubSub as PubSub4, Queue as Queue4 } from 'effect4';
import { bench, group } from 'mitata';
import { type Future, Runtime, spawn, yieldNow } from 'tokio-ts';
import { broadcast, mpsc, watch } from 'tokio-ts/sync';
import { median, runAndReport } from './lib/report.js';

const N = Number(process.env.SYNC_BENCH_N ?? 1_000_000);
const PP = 10_000;
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
      for (let i = 0; i < PP; i++) yield* Queue.offer(b, yield* Queue.take(a));
    }),
  );
  for (let i = 0; i < PP; i++) {
    yield* Queue.offer(a, i);
    yield* Queue.take(b);
  }
});

const effect4PingPong = Effect4.gen(function* () {
  const a = yield* Queue4.bounded<number>(1);
  const b = yield* Queue4.bounded<number>(1);
  yield* Effect4.forkChild(
    Effect4.gen(function* () {
      for (let i = 0; i < PP; i++) yield* Queue4.offer(b, yield* Queue4.take(a));
    }),
  );
  for (let i = 0; i < PP; i++) {
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

group(`mpsc bounded(1024), 1 producer 1 consumer (${N} msgs)`, () => {
  bench('tokio-ts mpsc send/recv', () => rt.blockOn(mpscThroughput));
  bench('tokio-ts mpsc send/recvMany', () => rt.blockOn(mpscMany));
  bench('promise-resolver queue', () => promiseThroughput());
  bench('Effect 3 Queue.bounded', () => Effect.runPromise(effectThroughput));
  bench('Effect 4 Queue.bounded', () => Effect4.runPromise(effect4Throughput));
});

group(`ping-pong over two channels (${PP} round trips)`, () => {
  bench('tokio-ts mpsc ping-pong', () => rt.blockOn(mpscPingPong));
  bench('raw promise ping-pong', () => promisePingPong());
  bench('Effect 3 Queue ping-pong', () => Effect.runPromise(effectPingPong));
  bench('Effect 4 Queue ping-pong', () => Effect4.runPromise(effect4PingPong));
});

group(`fan-out to ${FAN} receivers (${FAN_MSGS} msgs)`, () => {
  bench('tokio-ts broadcast', () => rt.blockOn(broadcastFanOut));
  bench('tokio-ts watch (sender yields per version)', () => rt.blockOn(watchFanOut));
  bench('Effect 3 PubSub', () => Effect.runPromise(effectFanOut));
  bench('Effect 4 PubSub', () => Effect4.runPromise(effect4FanOut));
});

const med = await runAndReport(
  {
    'tokio-ts mpsc send/recv': N,
    'tokio-ts mpsc send/recvMany': N,
    'promise-resolver queue': N,
    'Effect 3 Queue.bounded': N,
    'Effect 4 Queue.bounded': N,
    'tokio-ts mpsc ping-pong': PP,
    'raw promise ping-pong': PP,
    'Effect 3 Queue ping-pong': PP,
    'Effect 4 Queue ping-pong': PP,
    'tokio-ts broadcast': FAN * FAN_MSGS,
    'tokio-ts watch (sender yields per version)': FAN * FAN_MSGS,
    'Effect 3 PubSub': FAN * FAN_MSGS,
    'Effect 4 PubSub': FAN * FAN_MSGS,
  },
  [
    {
      label: 'mpsc vs Effect 3 Queue (goal >= 20x faster)',
      ours: 'tokio-ts mpsc send/recv',
      anchor: 'Effect 3 Queue.bounded',
    },
    {
      label: 'mpsc vs Effect 4 Queue (goal >= 20x faster)',
      ours: 'tokio-ts mpsc send/recv',
      anchor: 'Effect 4 Queue.bounded',
    },
    {
      label: 'mpsc vs promise queue (goal >= 3x faster)',
      ours: 'tokio-ts mpsc send/recv',
      anchor: 'promise-resolver queue',
    },
    {
      label: 'ping-pong vs raw promises (goal <= 1.5x)',
      ours: 'tokio-ts mpsc ping-pong',
      anchor: 'raw promise ping-pong',
    },
    {
      label: 'ping-pong vs Effect 3 (goal >= 20x faster)',
      ours: 'tokio-ts mpsc ping-pong',
      anchor: 'Effect 3 Queue ping-pong',
    },
    {
      label: 'ping-pong vs Effect 4 (goal >= 20x faster)',
      ours: 'tokio-ts mpsc ping-pong',
      anchor: 'Effect 4 Queue ping-pong',
    },
    {
      label: 'broadcast vs Effect PubSub (per delivery)',
      ours: 'tokio-ts broadcast',
      anchor: 'Effect 3 PubSub',
    },
    {
      label: 'watch vs Effect PubSub (per delivery)',
      ours: 'tokio-ts watch (sender yields per version)',
      anchor: 'Effect 3 PubSub',
    },
    {
      label: 'broadcast vs Effect 4 PubSub (per delivery)',
      ours: 'tokio-ts broadcast',
      anchor: 'Effect 4 PubSub',
    },
    {
      label: 'watch vs Effect 4 PubSub (per delivery)',
      ours: 'tokio-ts watch (sender yields per version)',
      anchor: 'Effect 4 PubSub',
    },
  ],
);
const t = med.get('tokio-ts mpsc send/recv');
if (t !== undefined) console.log(`  mpsc send/recv: ${(1e9 / t / 1e6).toFixed(1)} M msg/s`);
const m = med.get('tokio-ts mpsc send/recvMany');
if (m !== undefined) console.log(`  mpsc send/recvMany: ${(1e9 / m / 1e6).toFixed(1)} M msg/s`);
// every receiver saw every version: the per-delivery figure above is exact
watchDeliveries = 0;
await rt.blockOn(watchFanOut);
console.log(
  `  watch fan-out: ${watchDeliveries} deliveries per run (${FAN} receivers x ${FAN_MSGS} versions)`,
);

/**
 * The mpsc ratios again, from interleaved rounds: each round runs ours and
 * every anchor once, back to back, and takes the ratio within the round. On
 * this noisy VM a neighbour's burst can land on all of one mitata group's
 * samples; it rarely lands on every round. Reported: the median per-round
 * ratio and the range. `SYNC_BENCH_ROUNDS` sets the count (default 7).
 */
const ROUNDS = Number(process.env.SYNC_BENCH_ROUNDS ?? 7);
const runs: Record<string, () => Promise<unknown>> = {
  ours: () => rt.blockOn(mpscThroughput),
  'Effect 3': () => Effect.runPromise(effectThroughput),
  'Effect 4': () => Effect4.runPromise(effect4Throughput),
  'promise queue': () => promiseThroughput(),
};
const perRound: Record<string, number[]> = {};
for (let r = 0; r < ROUNDS; r++) {
  const ns: Record<string, number> = {};
  for (const [name, f] of Object.entries(runs)) {
    const t0 = performance.now();
    await f();
    ns[name] = ((performance.now() - t0) * 1e6) / N;
  }
  for (const name of Object.keys(runs)) {
    if (name === 'ours') continue;
    (perRound[name] ??= []).push(ns[name]! / ns.ours!);
  }
  (perRound.ours ??= []).push(ns.ours!);
}
console.log(`\nmpsc, ${ROUNDS} interleaved rounds of ${N} messages:`);
const ourNs = perRound.ours ?? [];
console.log(
  `  tokio-ts send/recv: median ${median(ourNs).toFixed(1)} ns/msg (${Math.min(...ourNs).toFixed(1)}–${Math.max(...ourNs).toFixed(1)})`,
);
for (const [name, xs] of Object.entries(perRound)) {
  if (name === 'ours') continue;
  console.log(
    `  vs ${name.padEnd(14)} median ${median(xs).toFixed(1)}x faster (rounds ${xs.map((x) => x.toFixed(1)).join(', ')})`,
  );
}
