/**
 * The entry script of a worker thread of the multi-thread runtime: turns on
 * Node's module compile cache for this thread before the worker's module
 * graph is loaded, then loads it (`worker-main.ts`).
 * @internal
 */
import * as nodeModule from 'node:module';

// Workers load the runtime's and the task modules' graph again on each thread
// (~35 ms of CPU per worker on Node 26, most of a cold start; issue 21): with
// V8's code cache on disk a later process, and a later worker of this one,
// compiles less. Node >= 22.1; the directory is Node's default
// (NODE_COMPILE_CACHE, else <tmpdir>/node-compile-cache); an unusable one is
// reported in the result, never thrown; NODE_DISABLE_COMPILE_CACHE=1 turns it
// off. Not under a coverage run, which the cache would make less precise.
if (process.env.NODE_V8_COVERAGE === undefined) {
  // the variable passed on: Node 22 ignores it when called without a directory
  const dir = process.env.NODE_COMPILE_CACHE;
  (nodeModule as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache?.(
    dir === '' ? undefined : dir,
  );
}
await import('./worker-main.js');
