/** `signal(kind)`: a stream of deliveries of one Unix signal, as Tokio's `unix::signal`. */
import type { Future } from '../future/future.js';
import { suspend, type Waker } from '../future/suspend.js';
import { parkEnd, parkStart, subscribe, unsubscribe } from './registry.js';
import { SignalKind } from './signal-kind.js';

/**
 * Listens for `kind` from now on and returns the stream of its deliveries.
 * While the stream is open, the signal no longer has Node's default effect
 * (SIGINT and SIGTERM no longer end the process, and inside `main()` they no
 * longer cancel the main task): the program handles it. `close()` (or
 * `using`) removes the listener and brings the default back.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { SignalKind, signal } from 'tokio-ts/signal';
 *
 * main(function* () {
 *   using hup = signal(SignalKind.hangup());
 *   process.kill(process.pid, 'SIGHUP');
 *   yield* hup.recv();
 *   console.log('got SIGHUP');
 * });
 * ```
 */
export function signal(kind: SignalKind): Signal {
  if (!(kind instanceof SignalKind))
    throw new TypeError('signal(kind): kind must be a SignalKind (SignalKind.interrupt(), …)');
  return new Signal(kind);
}

/**
 * A stream of deliveries of one signal, from {@link signal}. Deliveries
 * coalesce as in Tokio: several signals between two `recv()` calls give one
 * notification (at most one is kept pending).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { SignalKind, signal } from 'tokio-ts/signal';
 *
 * main(function* () {
 *   const usr2 = signal(SignalKind.userDefined2());
 *   process.kill(process.pid, 'SIGUSR2');
 *   process.kill(process.pid, 'SIGUSR2');
 *   console.log(yield* usr2.recv()); // true: both deliveries, one notification
 *   usr2.close();
 *   console.log(yield* usr2.recv()); // undefined: closed
 * });
 * ```
 */
export class Signal {
  // A registry Subscriber, structurally: `implements` would name an internal type in the shipped .d.ts.
  /** Which signal this stream listens for. */
  readonly kind: SignalKind;
  #pending = false;
  #closed = false;
  #waker: Waker<true | undefined> | null = null;

  /** @internal */
  constructor(kind: SignalKind) {
    this.kind = kind;
    subscribe(kind.name, this);
  }

  /**
   * Waits for the next delivery (or takes the pending one) and resolves with
   * `true`; resolves with `undefined` once the stream is closed (Tokio's
   * `Some(())` / `None`). One task at a time may wait. While a task waits,
   * the process stays alive.
   *
   * ## Cancel safety
   * Cancel safe: a delivery that woke a cancelled `recv()` stays pending for
   * the next one.
   */
  recv(): Future<true | undefined> {
    return suspend<true | undefined>(this.#register, `signal ${this.kind.name}`);
  }

  readonly #register = (waker: Waker<true | undefined>): (() => void) | undefined => {
    if (this.#closed) {
      waker.wake(undefined);
      return;
    }
    if (this.#pending) {
      this.#pending = false;
      waker.wake(true);
      return;
    }
    if (this.#waker !== null)
      throw new Error(`Signal(${this.kind.name}).recv(): another task is already waiting`);
    this.#waker = waker;
    parkStart();
    return () => {
      if (this.#waker === waker) {
        this.#waker = null;
        parkEnd();
      } else if (!this.#closed) {
        // Woken by a delivery but cancelled before it ran: keep the delivery.
        this.#pending = true;
      }
    };
  };

  /** Takes a pending delivery without waiting: true if there was one. */
  tryRecv(): boolean {
    if (!this.#pending) return false;
    this.#pending = false;
    return true;
  }

  /** @internal */
  notify(): void {
    const w = this.#waker;
    if (w === null) {
      this.#pending = true;
      return;
    }
    this.#waker = null;
    parkEnd();
    w.wake(true);
  }

  /**
   * Stops listening: removes this stream's listener (Node's default handling
   * returns once no stream or `ctrlC()` listens for the signal) and wakes a
   * waiting `recv()` with undefined. Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending = false;
    unsubscribe(this.kind.name, this);
    const w = this.#waker;
    if (w !== null) {
      this.#waker = null;
      parkEnd();
      w.wake(undefined);
    }
  }

  /** Same as {@link close}, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#closed;
  }
}
