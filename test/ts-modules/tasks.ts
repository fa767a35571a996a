// A task module written in TypeScript (run as .ts source, never compiled: see
// test/worker/ts-modules.test.ts). Only erasable syntax, for Node's type stripping.
import { threadId } from 'node:worker_threads';
import { defineBlocking, defineTask } from 'tokio-ts/worker';

export const double = defineTask(import.meta.url, function* double(x: number) {
  return { value: x * 2, thread: threadId };
});

export const triple = defineBlocking(import.meta.url, function triple(x: number) {
  return { value: x * 3, thread: threadId };
});
