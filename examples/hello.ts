// The seed guide's first program: hello from the runtime.
//   npm run build && node dist/examples/hello.js
import { fileURLToPath } from 'node:url';
import { type Future, main, spawn } from 'tokio-ts';

/** Spawns a task that says hello, joins it, and returns what it said. */
export function* hello(): Future<string> {
  const greeting = spawn(function* () {
    return 'hello from a tokio-ts task';
  });
  const text = yield* greeting;
  console.log(text);
  return text;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(hello);
