/**
 * `readBytes`, `readText`, `readJson`: read a web body inside a task, and stop
 * the transfer if the task is cancelled.
 */
import { call } from '../future/call.js';
import type { Future } from '../future/future.js';

const decoder = new TextDecoder();

/**
 * Reads the whole body of a `Response` (from `fetch`) or `Request` (in a
 * `serve` handler), chunk by chunk. Unlike `yield* call(res.text())`, a
 * cancelled read cancels the body stream, which aborts a `fetch`'s download
 * and closes its connection: wrap `fetch` and the read in one `timeout` and
 * the whole exchange is bounded.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { fetch, readBytes, readText, Response, serve } from 'tokio-ts/http';
 * import { timeout } from 'tokio-ts/time';
 *
 * main(function* () {
 *   const server = yield* serve({ port: 0, host: '127.0.0.1' }, function* (req) {
 *     return new Response(`you sent ${(yield* readBytes(req)).length} bytes`);
 *   });
 *   const text = yield* timeout(5000, function* () {
 *     const res = yield* fetch(`http://${server.addr}/`, { method: 'POST', body: 'abc' });
 *     return yield* readText(res);
 *   });
 *   console.log(text); // you sent 3 bytes
 *   yield* server.shutdown();
 * });
 * ```
 *
 * ## Cancel safety
 * Not cancel safe: the bytes read so far are lost, and the body is cancelled
 * (that is the point).
 *
 * ## Errors
 * `TypeError` if the body was already read; what the stream fails with.
 */
export function* readBytes(r: Request | Response): Future<Uint8Array> {
  const body = r.body;
  if (body === null) return new Uint8Array(0);
  if (body.locked || r.bodyUsed) throw new TypeError('readBytes: the body has already been read');
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  let done = false;
  try {
    for (;;) {
      const c = yield* call(reader.read());
      if (c.done) break;
      parts.push(c.value);
      size += c.value.length;
    }
    done = true;
  } finally {
    if (!done) reader.cancel().catch(ignore);
  }
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Reads the whole body as UTF-8 text; see {@link readBytes}.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { readText, Response } from 'tokio-ts/http';
 *
 * main(function* () {
 *   console.log(yield* readText(new Response('hi'))); // hi
 * });
 * ```
 *
 * ## Cancel safety
 * As {@link readBytes}: the body is cancelled.
 */
export function* readText(r: Request | Response): Future<string> {
  return decoder.decode(yield* readBytes(r));
}

/**
 * Reads the whole body and parses it as JSON; see {@link readBytes}.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { readJson, Response } from 'tokio-ts/http';
 *
 * main(function* () {
 *   console.log(yield* readJson(Response.json({ a: 1 }))); // { a: 1 }
 * });
 * ```
 *
 * ## Cancel safety
 * As {@link readBytes}: the body is cancelled.
 *
 * ## Errors
 * `SyntaxError` for a body that is not JSON.
 */
export function* readJson(r: Request | Response): Future<unknown> {
  return JSON.parse(yield* readText(r)) as unknown;
}

function ignore(): void {}
