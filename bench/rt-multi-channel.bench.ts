/**
 * sharedChannel SPSC between two threads (a producer task on one worker, a
 * consumer task on the other) beside postMessage of the same numbers from a
 * worker (issue 5 goal: >= 5 M msg/s and >= 10x postMessage).
 *   npm run bench -- rt-multi-channel
 */
import { Worker } from 'node:worker_threads';
import { Runtime, spawn } from 'tokio-ts';
import { sharedChannel } from 'tokio-ts/sync/shared';
import type { MultiThreadRuntime } from 'tokio-ts/worker';
import { recvAll, sendN } from './fixtures/multi-tasks.js';
import { footer, measure } from './lib/timed.js';

const M = Number(process.env.MSGS ?? 2_000_000);
const RUNS = Number(process.env.RUNS ?? 5);
const want = (M * (M - 1)) / 2;

const rt = Runtime.builder().multiThread().workerThreads(2).build() as MultiThreadRuntime;
const ours = await measure(
  {
    name: `sharedChannel(1024) SPSC, ${M / 1e6} M numbers`,
    ops: M,
    setup: async () => {
      const [tx, rx] = sharedChannel<number>(1024);
      await rt.blockOn(function* () {
        // warm both workers (pinned tasks alternate between them)
        const p = spawn(sendN, tx, 1000);
        yield* spawn(recvAll, rx);
        yield* p;
      });
    },
    run: async () => {
      const [tx, rx] = sharedChannel<number>(1024);
      const sum = await rt.blockOn(function* () {
        const p = spawn(sendN, tx, M);
        const c = spawn(recvAll, rx);
        yield* p;
        return yield* c;
      });
      if (sum !== want) throw new Error(`wrong sum ${sum}`);
    },
    teardown: () => rt.shutdown(),
  },
  RUNS,
);

let w: Worker;
const PM = Math.min(M, 500_000);
const pm = await measure(
  {
    name: `postMessage, one number per message, ${PM / 1e6} M`,
    ops: PM,
    setup: async () => {
      w = new Worker(new URL('./fixtures/pm-sender.js', import.meta.url));
      await new Promise<void>((r) => w.once('online', () => r()));
    },
    run: () =>
      new Promise<void>((resolve) => {
        let n = 0;
        let sum = 0;
        const on = (v: number) => {
          sum += v;
          if (++n === PM) {
            w.off('message', on);
            if (sum !== (PM * (PM - 1)) / 2) throw new Error('wrong sum');
            resolve();
          }
        };
        w.on('message', on);
        w.postMessage(PM);
      }),
    teardown: () => w.terminate().then(() => undefined),
  },
  RUNS,
);

console.log('\nratio (msg/s):');
console.log(
  `  sharedChannel vs postMessage  ${(ours / pm).toFixed(1)}x (goal >= 10x; goal >= 5 M msg/s)`,
);
await footer();
