/** Runtimes: build one, run futures on it, inspect it, shut it down. */

export { Builder, type BuilderOptions } from './builder.js';
export { type MainOptions, main } from './main.js';
export { RuntimeMetrics, type TaskDump } from './metrics.js';
export { Handle, Runtime, type SpawnOptions } from './runtime.js';
export type { UnhandledErrorPolicy } from './scheduler.js';
