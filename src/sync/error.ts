/** Errors of the channels. */

/**
 * The receiving side is gone: the value could not be sent and is handed back
 * in `value`.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { mpsc, SendError } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const [tx, rx] = mpsc.channel<string>(1);
 *   rx.close();
 *   try { yield* tx.send('lost?'); } catch (e) { console.log((e as SendError<string>).value); } // lost?
 * });
 * ```
 */
export class SendError<T> extends Error {
  readonly kind = 'closed';
  readonly value: T;
  constructor(value: T) {
    super('channel closed: the receiver is gone');
    this.name = 'SendError';
    this.value = value;
  }
}

/**
 * `Sender.sendTimeout` gave up: the channel stayed full for the whole
 * timeout (`kind: 'timeout'`) or the receiver is gone (`kind: 'closed'`).
 * Either way the message was not sent and is handed back in `value`
 * (Tokio's `SendTimeoutError`).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { mpsc, SendTimeoutError } from 'tokio-ts/sync';
 *
 * main(function* () {
 *   const [tx, rx] = mpsc.channel<string>(1);
 *   tx.trySend('first');
 *   try {
 *     yield* tx.sendTimeout('second', 10);
 *   } catch (e) {
 *     const err = e as SendTimeoutError<string>;
 *     console.log(err.kind, err.value); // timeout second
 *   }
 *   rx.close();
 * }, { startPaused: true });
 * ```
 */
export class SendTimeoutError<T> extends Error {
  readonly kind: 'timeout' | 'closed';
  readonly value: T;
  constructor(kind: 'timeout' | 'closed', value: T) {
    super(
      kind === 'timeout'
        ? 'channel full: the send timed out'
        : 'channel closed: the receiver is gone',
    );
    this.name = 'SendTimeoutError';
    this.kind = kind;
    this.value = value;
  }
}

/**
 * Receiving failed: the channel is `closed` (every sender gone), or, for a
 * broadcast receiver, it `lagged` behind and `skipped` messages were lost.
 *
 * @example
 * ```ts
 * import { RecvError } from 'tokio-ts/sync';
 *
 * console.log(new RecvError('closed').kind); // closed
 * ```
 */
export class RecvError extends Error {
  readonly kind: 'closed' | 'lagged';
  readonly skipped: number;
  constructor(kind: 'closed' | 'lagged', skipped = 0) {
    super(
      kind === 'closed' ? 'channel closed' : `receiver lagged behind: ${skipped} messages skipped`,
    );
    this.name = 'RecvError';
    this.kind = kind;
    this.skipped = skipped;
  }
}

/** Channels refuse `undefined` (it means "no message" in `recv`). @internal */
export function refuseUndefined(v: unknown): void {
  if (v === undefined) throw new TypeError('channels cannot carry undefined (use null)');
}
