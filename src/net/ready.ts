/**
 * The one wait every `connect`/`bind`/`listen` shares: start the operation,
 * then park until the emitter says it is ready or fails.
 * @internal
 */
import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { Suspend } from '../future/future.js';
import { suspend } from '../future/suspend.js';
import { IoError } from '../io/error.js';

/**
 * Runs `start()`, then waits for `readyEvent` on `em`; an `'error'` first is
 * thrown as an `IoError` carrying `ctx` (address or path). If the task is
 * cancelled meanwhile, the listeners are removed and `undo()` frees what
 * `start` made (destroys the socket, closes the server).
 * @internal
 */
export function* awaitReady(
  em: EventEmitter,
  readyEvent: string,
  start: () => void,
  ctx: { address?: string; path?: string },
  undo: () => void,
  description: string,
): Generator<Suspend, void, unknown> {
  yield* suspend<void>((waker) => {
    const onReady = (): void => {
      em.off('error', onError);
      waker.wake();
    };
    const onError = (err: Error): void => {
      em.off(readyEvent, onReady);
      waker.throw(IoError.from(err, ctx));
    };
    em.once(readyEvent, onReady);
    em.once('error', onError);
    start();
    return () => {
      em.off(readyEvent, onReady);
      em.off('error', onError);
      undo();
    };
  }, description);
}

const noop = (): void => {};

/**
 * Waits until a socket made by `net.connect` (already connecting) is
 * connected; a cancelled wait destroys it. @internal
 */
export function awaitConnect(
  socket: Socket,
  ctx: { address?: string; path?: string },
  description: string,
): Generator<Suspend, void, unknown> {
  return awaitReady(socket, 'connect', noop, ctx, () => socket.destroy(), description);
}
