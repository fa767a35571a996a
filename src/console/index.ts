/**
 * The console (`tokio-ts/console`): see inside a running program. Tasks with
 * their state, polls, busy/scheduled/idle time, poll-time histogram and what
 * they wait on; the task tree; sync primitives with their holders and
 * waiters; warnings (long polls, self-wake loops, a lock held across a wait);
 * event-loop delay. A web UI on loopback, `GET /api/snapshot` as JSON, a
 * recording with replay (`tokio-ts-console replay FILE`), and
 * `diagnostics_channel` tracing channels `tokio-ts:task` and `tokio-ts:poll`.
 *
 * Turn it on with `Builder.console({ port })`, `startConsole(rt)`, or the
 * environment: `TOKIO_TS_CONSOLE=127.0.0.1:6669` (and
 * `TOKIO_TS_CONSOLE_RECORD=path`). Off, it costs one branch per scheduler
 * event.
 */
export type { Warning, WarningThresholds } from './collector.js';
export { activeConsole, type ConsoleHandle, type ConsoleOptions, startConsole } from './console.js';
export { type ReplayServer, replayRecording } from './replay.js';
export type { ResourceSnapshot, Snapshot, TaskSnapshot } from './snapshot.js';
export type { TaskEvent } from './tracing.js';
