/**
 * The signal driver: one `process.on(sig)` listener per signal while anybody
 * listens for it, fanned out to the subscribers; and a keep-alive timer while
 * a task is parked waiting for a signal.
 *
 * How and why: Node's signal listeners do not keep the event loop alive, but
 * a task parked in `recv()` must (Tokio's runtime blocks on it), or `main`
 * would see nothing left to wake the task. The listener is removed when the
 * last subscriber goes, so Node's default handling (terminate on SIGINT)
 * returns. `main()` checks {@link USER_SIGNAL_LISTENER} to leave SIGINT and
 * SIGTERM to the program while it listens for them.
 * @internal
 */

/** Marks our `process.on` listeners; `main()` defers to them. @internal */
export const USER_SIGNAL_LISTENER = Symbol.for('tokio-ts.signal-listener');

/** Something told about each delivery of a signal. @internal */
export interface Subscriber {
  notify(): void;
}

interface Entry {
  readonly subs: Set<Subscriber>;
  readonly listener: () => void;
}

const entries = new Map<NodeJS.Signals, Entry>();

/** @internal */
export function subscribe(sig: NodeJS.Signals, sub: Subscriber): void {
  let e = entries.get(sig);
  if (e === undefined) {
    const subs = new Set<Subscriber>();
    const listener = (): void => {
      for (const s of [...subs]) s.notify();
    };
    (listener as unknown as Record<symbol, boolean>)[USER_SIGNAL_LISTENER] = true;
    e = { subs, listener };
    entries.set(sig, e);
    process.on(sig, listener);
  }
  e.subs.add(sub);
}

/** @internal */
export function unsubscribe(sig: NodeJS.Signals, sub: Subscriber): void {
  const e = entries.get(sig);
  if (e === undefined || !e.subs.delete(sub) || e.subs.size > 0) return;
  entries.delete(sig);
  process.off(sig, e.listener);
}

let parked = 0;
let keepAlive: ReturnType<typeof setInterval> | null = null;

/** A task parks waiting for a signal: keep the process alive. @internal */
export function parkStart(): void {
  if (parked++ === 0) keepAlive = setInterval(noop, 0x7fffffff);
}

/** That wait is over. @internal */
export function parkEnd(): void {
  if (--parked === 0 && keepAlive !== null) {
    clearInterval(keepAlive);
    keepAlive = null;
  }
}

function noop(): void {}
