// Spawns the TypeScript task module's definitions on a worker and on the
// blocking pool, and prints what came back.
import { Runtime, spawn } from 'tokio-ts';
import { spawnBlocking } from 'tokio-ts/worker';
import { double, triple } from './tasks.ts';

const rt = Runtime.builder().multiThread().workerThreads(1).build();
const task = await rt.blockOn(function* () {
  return yield* spawn(double, 21);
});
const blocking = await spawnBlocking(triple, 14);
await rt.shutdown();
console.log(JSON.stringify({ task, blocking }));
