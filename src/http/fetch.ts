/**
 * `fetch`: the platform `fetch` as a Future that is aborted with its task.
 */
import { call } from '../future/call.js';
import type { Future } from '../future/future.js';
import { timeout } from '../time/timeout.js';

/** `RequestInit` plus a timeout. */
export interface FetchInit extends RequestInit {
  /**
   * Milliseconds (on the runtime's clock) until the response's headers must
   * have arrived; past it the request is aborted and `Elapsed` is thrown.
   */
  timeout?: number;
}

/**
 * The platform `fetch` inside a task: resolves with the `Response` once its
 * headers have arrived. If the task is cancelled meanwhile (an `abort`, a
 * `select` or `timeout` that lost), the request is aborted — the connection is
 * closed, nothing is left running. `init.timeout` bounds the wait and throws
 * `Elapsed`. An `init.signal` of your own aborts it too. Read the body with
 * `yield* call((signal) => …)` or wrap the whole exchange in `timeout`, which
 * aborts the transfer as well (see the example).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { call } from 'tokio-ts/future';
 * import { fetch, Response, serve } from 'tokio-ts/http';
 * import { Elapsed, sleep } from 'tokio-ts/time';
 *
 * main(function* () {
 *   const server = yield* serve({ port: 0, host: '127.0.0.1' }, function* (req) {
 *     if (req.url.endsWith('/slow')) yield* sleep(10_000);
 *     return new Response('hi');
 *   });
 *   const res = yield* fetch(`http://${server.addr}/`);
 *   console.log(yield* call(res.text())); // hi
 *   try {
 *     yield* fetch(`http://${server.addr}/slow`, { timeout: 50 });
 *   } catch (e) {
 *     console.log(e instanceof Elapsed); // true
 *   }
 *   yield* server.shutdown(0);
 * });
 * ```
 *
 * ## Cancel safety
 * Cancelling aborts the request; no response is lost that the caller could
 * still have read, since nothing was returned yet.
 *
 * ## Errors
 * What the platform `fetch` rejects with (`TypeError: fetch failed` with a
 * `cause`), `Elapsed` past `init.timeout`, `RangeError` for a bad timeout.
 */
export function fetch(input: string | URL | Request, init?: FetchInit): Future<Response> {
  const ms = init?.timeout;
  if (ms !== undefined && (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0))
    throw new RangeError(`fetch: init.timeout must be a number of ms >= 0, got ${String(ms)}`);
  const own = init?.signal ?? null;
  let rest: RequestInit | undefined = init;
  if (init !== undefined && 'timeout' in init) {
    const { timeout: _t, ...others } = init;
    rest = others;
  }
  const fut = call((signal) =>
    globalThis.fetch(input, {
      ...rest,
      signal: own === null ? signal : AbortSignal.any([signal, own]),
    }),
  );
  return ms === undefined ? fut : timeout(ms, fut);
}
