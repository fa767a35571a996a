// The seed guide's second program: a spawned task prints after 2 s, main after 1 s.
//   npm run build && node dist/examples/spawn.js
import { fileURLToPath } from 'node:url';
import { type Future, main, sleep, spawn } from 'tokio-ts';

/** Prints "Task 1" after 1 s and "Task 2" (from a spawned task) after 2 s. */
export function* run(): Future<void> {
  const task = spawn(function* () {
    yield* sleep(2000);
    console.log('Task 2');
  });
  yield* sleep(1000);
  console.log('Task 1');
  yield* task;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(run);
