/** `ctrlC()`: wait for the next SIGINT. */
import type { Future } from '../future/future.js';
import { suspend, type Waker } from '../future/suspend.js';
import { parkEnd, parkStart, type Subscriber, subscribe, unsubscribe } from './registry.js';

/**
 * Waits for the next SIGINT (Ctrl-C). The listener is installed when the
 * future is first polled and removed when it completes or is cancelled, so
 * Node's default handling returns afterwards (unlike Tokio, which keeps its
 * handler for the life of the process). While it waits, the process stays
 * alive, and inside `main()` the SIGINT goes to this future instead of
 * cancelling the main task; after it, a SIGINT cancels `main()` as usual.
 *
 * In a loop, prefer one `signal(SignalKind.interrupt())` stream for the whole
 * loop: between two `ctrlC()` futures nobody listens, and a SIGINT in that
 * gap gets the default handling.
 *
 * @example
 * ```ts
 * import { main, select } from 'tokio-ts';
 * import { ctrlC } from 'tokio-ts/signal';
 *
 * main(function* () {
 *   setImmediate(() => process.kill(process.pid, 'SIGINT')); // a user pressing Ctrl-C
 *   yield* ctrlC();
 *   console.log('shutting down');
 * });
 * ```
 *
 * ## Cancel safety
 * Cancelling removes the listener. A SIGINT that arrived just before the
 * cancellation is dropped with the future.
 */
export function ctrlC(): Future<void> {
  return suspend<void>(register, 'ctrlC (SIGINT)');
}

function register(waker: Waker<void>): () => void {
  const sub = new CtrlCSub(waker);
  subscribe('SIGINT', sub);
  parkStart();
  return () => sub.end();
}

class CtrlCSub implements Subscriber {
  #waker: Waker<void> | null;
  constructor(waker: Waker<void>) {
    this.#waker = waker;
  }
  notify(): void {
    const w = this.#waker;
    this.end();
    w?.wake();
  }
  end(): void {
    if (this.#waker === null) return;
    this.#waker = null;
    unsubscribe('SIGINT', this);
    parkEnd();
  }
}
