// Helpers of the mini-redis tests: an in-process server on a loopback port,
// raw sockets that record what they receive, waits on socket events.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { type Future, spawn } from 'tokio-ts';
import { call } from 'tokio-ts/future';
import { TcpListener } from 'tokio-ts/net';
import { CancellationToken } from 'tokio-ts/sync';
import { run, type ServerOptions } from '../../examples/mini-redis/server.js';

/** Runs `body(port)` against an in-process server, then shuts it down gracefully. */
export function* withServer(
  body: (port: number, listener: TcpListener) => Future<void>,
  opts: ServerOptions = {},
): Future<void> {
  const listener = yield* TcpListener.bind('127.0.0.1:0');
  const port = listener.localAddr().port;
  const token = new CancellationToken();
  const server = spawn(run(listener, token, opts));
  try {
    yield* body(port, listener);
  } finally {
    token.cancel();
    yield* server;
  }
}

export interface Raw {
  sock: Socket;
  /** Everything received so far (latin1). */
  data: () => string;
  /** Bytes received so far. */
  received: () => number;
  closed: Promise<void>;
  isClosed: () => boolean;
}

/** A raw socket that collects what it receives. */
export function raw(port: number, opts: { allowHalfOpen?: boolean } = {}): Raw {
  const sock = connect({ port, host: '127.0.0.1', allowHalfOpen: opts.allowHalfOpen ?? false });
  let got = '';
  let n = 0;
  let closed = false;
  sock.on('data', (d) => {
    n += d.length;
    if (got.length < 1 << 20) got += d.toString('latin1');
  });
  sock.on('error', () => {});
  const done = new Promise<void>((r) =>
    sock.on('close', () => {
      closed = true;
      r();
    }),
  );
  return { sock, data: () => got, received: () => n, closed: done, isClosed: () => closed };
}

/** One turn of Node's event loop (socket events get delivered). */
export function* turn(): Future<void> {
  yield* call(new Promise<void>((r) => setImmediate(r)));
}

/** Waits (on socket events, not timers) until `cond()` holds. */
export function* until(cond: () => boolean, what: string, turns = 10_000): Future<void> {
  for (let i = 0; i < turns && !cond(); i++) yield* turn();
  assert.ok(cond(), `timed out waiting for ${what}`);
}
