/**
 * `serve`: an HTTP/1.1 server on node:http where each request is a task.
 *
 * How and why: node:http (llhttp) parses, keeps connections alive and guards
 * against slow clients; this module adds the task per request, its
 * cancellation when the client leaves or the request times out, pull-based
 * bodies and a graceful shutdown. A request costs one task, one generator and
 * one small `Exchange` record (the task's observer and the handler's `info`);
 * the web `Request` and `Response` are light look-alikes (see `body.ts`). The
 * request timeout is a timer on the runtime's clock, so a paused clock drives
 * it in tests.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import { call } from '../future/call.js';
import type { Future } from '../future/future.js';
import { suspend } from '../future/suspend.js';
import type { AsyncRead } from '../io/traits.js';
import { fromNode, type SocketAddr } from '../net/addr.js';
import { LinkedList } from '../runtime/linked-list.js';
import { currentScheduler } from '../runtime/runtime.js';
import type { Scheduler } from '../runtime/scheduler.js';
import type { Task, TaskObserver } from '../runtime/task.js';
import { CancellationToken } from '../sync/cancellation-token.js';
import { handleOf } from '../task/join-handle.js';
import { Elapsed } from '../time/error.js';
import { Instant } from '../time/instant.js';
import { timeout } from '../time/timeout.js';
import { ABORT, REAL } from './body.js';
import { IncomingRequest } from './request.js';
import { readChunk, readerOf, responseParts } from './response.js';

/** Options of {@link serve}. */
export interface ServeOptions {
  /** The port to listen on; 0 picks a free one (see {@link HttpServer.addr}). */
  port: number;
  /** The address to listen on (default `'0.0.0.0'`). */
  host?: string;
  /** Connections served at once; a request on a connection past it gets 503 and is closed. */
  maxConnections?: number;
  /**
   * Milliseconds a handler may take to produce its `Response` (default
   * 300 000, Node's; 0: no limit). Past it the handler is cancelled and the
   * client gets 408. Measured on the runtime's clock.
   */
  requestTimeout?: number;
  /** The default deadline of {@link HttpServer.shutdown}, in ms (default 30 000). */
  shutdownTimeout?: number;
}

/** What a handler learns about a request besides the `Request` itself. */
export interface RequestInfo {
  /** The client's address. */
  readonly remoteAddr: SocketAddr;
}

/** A request handler: runs as its own task and returns the response. */
export type Handler = (req: Request, info: RequestInfo) => Future<Response>;

/**
 * Starts an HTTP/1.1 server; resolves once it listens. Each request runs
 * `handler` as its own task with a web `Request` (its body read from the
 * socket on demand). The handler is cancelled — its `finally` blocks and
 * `defer`red cleanups run, and `request.signal` aborts — when the client
 * disconnects before the response is complete, when `requestTimeout` passes
 * (the client gets 408), or at the deadline of {@link HttpServer.shutdown}.
 * A handler that throws gets the client a 500 and is logged on stderr. The
 * handler's `defer`red cleanups run when it returns its `Response` (with a
 * `requestTimeout`, the default), before a streamed body is written: tie
 * cleanup of a body's producer to `request.signal` or the stream's `cancel`,
 * which fire if the client leaves mid-body. Return
 * a `Response` from `tokio-ts/http` for speed (any web `Response` works); a
 * body may be a string, bytes, a `ReadableStream` or {@link readerBody}.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { fetch, Response, serve } from 'tokio-ts/http';
 * import { call } from 'tokio-ts/future';
 *
 * main(function* () {
 *   const server = yield* serve({ port: 0, host: '127.0.0.1' }, function* (req, info) {
 *     return new Response(`hello ${new URL(req.url).searchParams.get('name')}`);
 *   });
 *   const res = yield* fetch(`http://${server.addr}/?name=tokio`);
 *   console.log(res.status, yield* call(res.text())); // 200 hello tokio
 *   yield* server.shutdown();
 * });
 * ```
 *
 * ## Cancel safety
 * Cancelling `serve` before it resolves closes the listener.
 *
 * ## Errors
 * `TypeError`/`RangeError` for bad options; the listen error (`EADDRINUSE`…)
 * as Node reports it.
 */
export function* serve(opts: ServeOptions, handler: Handler): Future<HttpServer> {
  checkOptions(opts);
  if (typeof handler !== 'function')
    throw new TypeError('serve(opts, handler): handler must be a function');
  const server = new HttpServer(currentScheduler(), opts, handler);
  yield* server.listen(opts.port, opts.host ?? '0.0.0.0');
  return server;
}

/**
 * A running server made by {@link serve}: its address, and how to stop it.
 * `await using server = …` (plain async code) shuts it down at scope end.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { Response, serve } from 'tokio-ts/http';
 *
 * main(function* () {
 *   const server = yield* serve({ port: 0 }, function* () { return new Response('ok'); });
 *   console.log(server.addr.port > 0); // true
 *   yield* server.shutdown(1000);
 *   yield* server.closed();
 *   console.log('closed'); // closed
 * });
 * ```
 */
export class HttpServer {
  readonly #sched: Scheduler;
  readonly #node: Server;
  readonly #handler: Handler;
  readonly #maxConns: number;
  readonly #requestTimeout: number;
  readonly #shutdownTimeout: number;
  readonly #inflight = new LinkedList<Exchange>();
  readonly #drained = new CancellationToken();
  readonly #closed = new CancellationToken();
  readonly #sockets = new Set<Socket>();
  #addr: SocketAddr | null = null;
  #conns = 0;
  #draining = false;

  /** @internal */
  constructor(sched: Scheduler, opts: ServeOptions, handler: Handler) {
    this.#sched = sched;
    this.#handler = handler;
    this.#maxConns = opts.maxConnections ?? Number.POSITIVE_INFINITY;
    this.#requestTimeout = opts.requestTimeout ?? 300_000;
    this.#shutdownTimeout = opts.shutdownTimeout ?? 30_000;
    this.#node = createServer(this.#onRequest);
    this.#node.on('connection', this.#onConnection);
  }

  /** The address the server listens on (with the real port when `port` was 0). */
  get addr(): SocketAddr {
    return this.#addr!;
  }

  /**
   * Stops the server gracefully: stops accepting connections, closes idle
   * ones, lets requests in flight finish (new requests on open connections get
   * 503), cancels those still running after `ms` (default: the
   * `shutdownTimeout` option) and waits for their cleanup, then closes every
   * connection. Calling it again joins the shutdown in progress.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { Response, serve } from 'tokio-ts/http';
   * import { sleep } from 'tokio-ts/time';
   *
   * main(function* () {
   *   const server = yield* serve({ port: 0 }, function* () {
   *     yield* sleep(10);
   *     return new Response('done');
   *   });
   *   yield* server.shutdown(5000); // nothing in flight: returns at once
   *   console.log('stopped'); // stopped
   * });
   * ```
   *
   * ## Cancel safety
   * Cancel safe: the shutdown started (no new connections, in-flight
   * requests finishing) goes on; a new call joins it.
   */
  *shutdown(ms?: number): Future<void> {
    const limit = ms ?? this.#shutdownTimeout;
    if (typeof limit !== 'number' || Number.isNaN(limit) || limit < 0)
      throw new RangeError(`HttpServer.shutdown: ms must be a number >= 0, got ${String(ms)}`);
    const start = Instant.now();
    this.#beginDrain();
    if (!this.#drained.isCancelled()) {
      try {
        yield* timeout(limit, this.#drained.cancelled());
      } catch (e) {
        if (!(e instanceof Elapsed)) throw e;
        for (let x = this.#inflight.head; x !== null; x = x.nx) this.#sched.cancel(x.task!);
        yield* this.#drained.cancelled();
      }
    }
    // Every handler is done. Responses written during the shutdown close their
    // connection when flushed; one finished just before may still be flushing
    // on a keep-alive connection: close connections as they turn idle, and
    // cut what is left at the deadline.
    while (!this.#closed.isCancelled()) {
      if (this.#closeIdle() === 0) break; // only closing sockets left: no timer needed
      const left = limit - start.elapsed();
      if (left <= 0) break;
      try {
        yield* timeout(Math.min(left, IDLE_POLL_MS), this.#closed.cancelled());
      } catch (e) {
        if (!(e instanceof Elapsed)) throw e;
      }
    }
    // http.Server's close now: it also stops its timeout-checking interval
    this.#node.close(ignore);
    this.#node.closeAllConnections();
    yield* this.#closed.cancelled();
  }

  /**
   * Waits until the server is closed: not listening, every connection gone.
   *
   * @example
   * ```ts
   * import { main, spawn } from 'tokio-ts';
   * import { Response, serve } from 'tokio-ts/http';
   *
   * main(function* () {
   *   const server = yield* serve({ port: 0 }, function* () { return new Response('ok'); });
   *   spawn(server.shutdown());
   *   yield* server.closed();
   *   console.log('closed'); // closed
   * });
   * ```
   *
   * ## Cancel safety
   * Cancel safe: it takes nothing.
   */
  closed(): Future<void> {
    return this.#closed.cancelled();
  }

  /** Shuts down (as {@link shutdown} with the default deadline) for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return Promise.resolve(handleOf<void>(this.#sched.spawn(this.shutdown(), 'http shutdown')));
  }

  /** Number of requests whose handler or response is still running. */
  get inFlight(): number {
    return this.#inflight.length;
  }

  /** @internal */
  *listen(port: number, host: string): Future<void> {
    const node = this.#node;
    node.once('close', () => this.#closed.cancel());
    let listening = false;
    try {
      yield* call(
        () =>
          new Promise<void>((resolve, reject) => {
            node.once('error', reject);
            node.listen(port, host, () => {
              node.off('error', reject);
              resolve();
            });
          }),
      );
      listening = true;
    } finally {
      if (!listening) {
        // failed, or cancelled mid-listen: make sure nothing is left listening
        if (node.listening) node.close();
        else node.once('listening', () => node.close());
        this.#closed.cancel();
      }
    }
    // errors after listening (EMFILE on accept…) are reported, not thrown at nobody
    node.on('error', (e) => process.stderr.write(`tokio-ts/http: server error: ${errorText(e)}\n`));
    const a = node.address();
    if (a === null || typeof a === 'string')
      throw new TypeError('tokio-ts/http: not a TCP address');
    this.#addr = fromNode(a.address, a.port);
  }

  #beginDrain(): void {
    if (this.#draining) return;
    this.#draining = true;
    // net.Server's close: stop accepting. (http.Server's would also run
    // closeIdleConnections, which cuts a response that is still flushing.)
    netClose.call(this.#node);
    this.#closeIdle();
    if (this.#inflight.length === 0) this.#drained.cancel();
  }

  /**
   * Closes the connections with no response on its way (unlike Node's
   * `closeIdleConnections`, not one still flushing); returns how many are left.
   */
  #closeIdle(): number {
    let busy = 0;
    for (const socket of this.#sockets) {
      const msg = (socket as { _httpMessage?: ServerResponse | null })._httpMessage;
      if ((msg == null || msg.writableFinished) && socket.writableLength === 0) socket.destroy();
      else if (!socket.destroyed) busy++;
    }
    return busy;
  }

  readonly #onConnection = (socket: Socket): void => {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    if (this.#conns >= this.#maxConns) {
      (socket as OverSocket)[OVER] = true;
      return;
    }
    this.#conns++;
    socket.once('close', this.#onConnectionClosed);
    // getpeername now, once per connection: Node caches it, so `remoteAddr`
    // still answers after the client has gone
    void socket.remoteAddress;
  };

  readonly #onConnectionClosed = (): void => {
    this.#conns--;
  };

  readonly #onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (this.#draining || (req.socket as OverSocket)[OVER] === true) {
      res.writeHead(503, ['connection', 'close', 'content-type', 'text/plain', 'retry-after', '1']);
      res.end('Service Unavailable');
      return;
    }
    const x = new Exchange(this, req, res);
    this.#inflight.push(x);
    (res as ExchangeResponse)[EXCHANGE] = x;
    res.on('close', onResponseClose);
    x.task = this.#sched.spawn(runExchange(this.#handler, this.#requestTimeout, x), undefined, x);
  };

  /** @internal */
  exchangeDone(x: Exchange): void {
    this.#inflight.remove(x);
    if (this.#draining && this.#inflight.length === 0) this.#drained.cancel();
  }

  /** @internal */
  get draining(): boolean {
    return this.#draining;
  }
}

const netClose = NetServer.prototype.close;

/** How often a shutdown looks for connections that turned idle (a rare case; see `shutdown`). */
const IDLE_POLL_MS = 20;
const OVER = Symbol('tokio-ts.http.overLimit');
const EXCHANGE = Symbol('tokio-ts.http.exchange');
type OverSocket = Socket & { [OVER]?: boolean };
type ExchangeResponse = ServerResponse & { [EXCHANGE]?: Exchange };

/** One request: the task's observer, the handler's `info`, an in-flight list node. @internal */
class Exchange implements TaskObserver, RequestInfo {
  readonly server: HttpServer;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  request: IncomingRequest | null = null;
  task: Task | null = null;
  done = false;
  #addr: SocketAddr | null = null;
  pv: Exchange | null = null;
  nx: Exchange | null = null;
  list: LinkedList<Exchange> | null = null;

  constructor(server: HttpServer, req: IncomingMessage, res: ServerResponse) {
    this.server = server;
    this.req = req;
    this.res = res;
  }

  get remoteAddr(): SocketAddr {
    this.#addr ??= fromNode(this.req.socket.remoteAddress, this.req.socket.remotePort);
    return this.#addr;
  }

  taskDone(): void {
    this.done = true;
    this.server.exchangeDone(this);
  }
}

/** The response closed: if before it was complete, the client is gone; cancel the handler. */
function onResponseClose(this: ExchangeResponse): void {
  const x = this[EXCHANGE]!;
  if (!x.done && !this.writableFinished) x.task!.sched.cancel(x.task!);
}

/** The task of one request: run the handler (with the timeout), write its response. */
function* runExchange(handler: Handler, ms: number, x: Exchange): Future<void> {
  const res = x.res;
  let complete = false;
  try {
    const req = new IncomingRequest(x.req);
    x.request = req;
    let response: Response;
    try {
      const fut = handler(req as unknown as Request, x);
      response = ms > 0 ? yield* timeout(ms, fut) : yield* fut;
      if (!(response instanceof Response))
        throw new TypeError(
          `tokio-ts/http: the handler returned ${describe(response)}, not a Response`,
        );
    } catch (e) {
      if (e instanceof Elapsed) {
        req[ABORT](e);
        writeError(res, 408, 'Request Timeout');
      } else {
        process.stderr.write(`tokio-ts/http: handler failed: ${errorText(e)}\n`);
        writeError(res, 500, 'Internal Server Error');
      }
      complete = true;
      return;
    }
    try {
      const body = writeHead(x, response);
      if (body !== null) yield* writeBody(res, body);
      // at shutdown, connections are closed once every response is flushed
      if (x.server.draining && !res.writableFinished) yield* finished(res);
    } catch (e) {
      process.stderr.write(`tokio-ts/http: writing the response failed: ${errorText(e)}\n`);
      writeError(res, 500, 'Internal Server Error');
    }
    complete = true;
  } finally {
    if (!complete) {
      // cancelled: the client left, or the shutdown deadline passed
      x.request?.[ABORT](new DOMException('the request was cancelled', 'AbortError'));
      if (!res.writableEnded) res.destroy();
    }
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? (e.stack ?? String(e)) : String(e);
}

function describe(v: unknown): string {
  return v === null
    ? 'null'
    : typeof v === 'object'
      ? `a ${v.constructor?.name ?? 'object'}`
      : typeof v;
}

function writeError(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, ['content-type', 'text/plain', 'connection', 'close']);
  res.end(text);
}

/**
 * Writes `response`'s status and headers, and its body when it is at hand (a
 * string, bytes, none): then the response is ended and null is returned.
 * Otherwise returns the body stream to pump. No generator on the fast path.
 */
function writeHead(x: Exchange, response: Response): ReadableStream<Uint8Array> | null {
  const res = x.res;
  if (x.server.draining) res.shouldKeepAlive = false;
  const parts = responseParts(response);
  let body: string | Uint8Array | ReadableStream<Uint8Array> | null;
  if (parts !== null) {
    if (parts.statusText === '') res.writeHead(parts.status, parts.headers);
    else res.writeHead(parts.status, parts.statusText, parts.headers);
    body = parts.body;
  } else {
    const real =
      REAL in response ? (response as unknown as { [REAL](): Response })[REAL]() : response;
    const headers: string[] = [];
    for (const [k, v] of real.headers) headers.push(k, v);
    if (real.statusText === '') res.writeHead(real.status, headers);
    else res.writeHead(real.status, real.statusText, headers);
    body = real.body;
  }
  if (body === null || typeof body === 'string' || body instanceof Uint8Array) {
    res.end(body ?? undefined);
    return null;
  }
  return body;
}

/** Writes a body stream to `res` with backpressure, then ends it. */
function* writeBody(res: ServerResponse, body: ReadableStream<Uint8Array>): Future<void> {
  const source = readerOf(body);
  if (source !== undefined) yield* pumpReader(res, source.reader, source.chunkSize);
  else yield* call((signal) => pumpStream(res, body, signal));
  res.end();
}

/** Writes an `AsyncRead` to `res`, zero-copy when the reader hands out its chunks. */
function* pumpReader(res: ServerResponse, reader: AsyncRead, size: number): Future<void> {
  const chunked = reader as { readChunk?: () => Future<Uint8Array | undefined> };
  if (typeof chunked.readChunk === 'function') {
    for (;;) {
      const chunk = yield* chunked.readChunk();
      if (chunk === undefined) return;
      if (!res.write(chunk)) yield* drained(res);
    }
  }
  for (;;) {
    const chunk = yield* readChunk(reader, size);
    if (chunk === null) return;
    if (!res.write(chunk)) yield* drained(res);
  }
}

/**
 * Writes a web stream to `res`. The loop runs as a plain promise chain that
 * the task waits on once (a suspension per chunk cost ~25 % of a 1 MiB
 * response); cancelling the task aborts `signal`, which cancels the stream.
 */
async function pumpStream(
  res: ServerResponse,
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
): Promise<void> {
  const reader = body.getReader();
  const onAbort = (): void => {
    reader.cancel().catch(ignore);
  };
  signal.addEventListener('abort', onAbort);
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done || signal.aborted) return;
      if (!res.write(r.value) && !(await drainedPromise(res))) {
        reader.cancel().catch(ignore);
        return;
      }
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function ignore(): void {}

/** Resolves true on 'drain', false if `res` closes first. */
function drainedPromise(res: ServerResponse): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const onDrain = (): void => {
      res.off('close', onClose);
      resolve(true);
    };
    const onClose = (): void => {
      res.off('drain', onDrain);
      resolve(false);
    };
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

/**
 * Waits until `res` can take more bytes. A response closed before it is
 * complete cancels the task (`onResponseClose`), which unregisters this wait:
 * one listener per wait, not two, on the hot path of a streamed body.
 */
function drained(res: ServerResponse): Future<void> {
  return suspend<void>((waker) => {
    const wake = (): void => {
      waker.wake();
    };
    res.once('drain', wake);
    return () => {
      res.off('drain', wake);
    };
  }, 'http response drain');
}

/** Waits until `res` is flushed to the OS (or closed). */
function finished(res: ServerResponse): Future<void> {
  return untilEvent(res, 'finish', 'http response finish');
}

/** Waits for `event` or 'close' on `res`; both listeners go when either fires or on cancel. */
function untilEvent(res: ServerResponse, event: string, what: string): Future<void> {
  return suspend<void>((waker) => {
    const off = (): void => {
      res.off(event, wake);
      res.off('close', wake);
    };
    const wake = (): void => {
      off();
      waker.wake();
    };
    res.on(event, wake);
    res.on('close', wake);
    return off;
  }, what);
}

function checkOptions(opts: ServeOptions): void {
  if (opts === null || typeof opts !== 'object')
    throw new TypeError('serve(opts, handler): opts must be an object');
  const { port, maxConnections, requestTimeout, shutdownTimeout, host } = opts;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`serve: port must be an integer in 0..65535, got ${String(port)}`);
  if (host !== undefined && typeof host !== 'string')
    throw new TypeError('serve: host must be a string');
  if (maxConnections !== undefined && (!Number.isInteger(maxConnections) || maxConnections < 1))
    throw new RangeError(
      `serve: maxConnections must be an integer >= 1, got ${String(maxConnections)}`,
    );
  for (const [name, v] of [
    ['requestTimeout', requestTimeout],
    ['shutdownTimeout', shutdownTimeout],
  ] as const) {
    if (v !== undefined && (typeof v !== 'number' || Number.isNaN(v) || v < 0))
      throw new RangeError(`serve: ${name} must be a number of ms >= 0, got ${String(v)}`);
  }
}
