/** `lookupHost`: DNS resolution to socket addresses. */
import { lookup } from 'node:dns/promises';
import { call } from '../future/call.js';
import type { Future, Suspend } from '../future/future.js';
import { IoError } from '../io/error.js';
import { SocketAddr, toHostPort } from './addr.js';

/**
 * Resolves `'host:port'` (or `{ host, port }`) to every address of the host,
 * through the OS resolver (`getaddrinfo`, on libuv's thread pool). An unknown
 * host throws an `IoError` of kind `not-found`.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { lookupHost } from 'tokio-ts/net';
 *
 * main(function* () {
 *   const addrs = yield* lookupHost('localhost:80');
 *   console.log(addrs.every((a) => a.port === 80)); // true
 * });
 * ```
 *
 * ## Cancel safety
 * Cancel safe; the lookup itself finishes in the background.
 */
export function lookupHost(host: string | { host: string; port: number }): Future<SocketAddr[]> {
  const hp = toHostPort(host, 'lookupHost(host)');
  return lookupGen(hp.host, hp.port);
}

function* lookupGen(host: string, port: number): Generator<Suspend, SocketAddr[], unknown> {
  try {
    const res = yield* call(lookup(host, { all: true }));
    return res.map((r) => new SocketAddr(r.address, port));
  } catch (e) {
    throw IoError.from(e, { address: host });
  }
}
