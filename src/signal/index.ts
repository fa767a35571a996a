/**
 * Unix signals (`tokio-ts/signal`), as Tokio's `tokio::signal`: `ctrlC()` and
 * `signal(SignalKind.*)` streams. Listeners exist only while a future or a
 * stream listens; then Node's default handling returns.
 */

export { ctrlC } from './ctrl-c.js';
export { Signal, signal } from './signal.js';
export { SignalKind } from './signal-kind.js';
