// mini-redis: Tokio's tutorial server on tokio-ts. A task per connection, a
// Semaphore limiting connections, the Db shared by all of them (one thread:
// no lock needed), key expiry by a background task on the timing wheel,
// pub/sub on broadcast channels, and a graceful shutdown on SIGINT/SIGTERM
// (CancellationToken + JoinSet: commands in flight finish, then exit 0).
//   npm start                       (127.0.0.1:6379)
//   node dist/examples/mini-redis/server.js --port 6380 --host 127.0.0.1 --max-connections 250
import { fileURLToPath } from 'node:url';
import { type Future, type JoinHandle, JoinSet, main, select, spawn } from 'tokio-ts';
import { BytesMut } from 'tokio-ts/codec';
import { TcpListener, type TcpStream } from 'tokio-ts/net';
import { SignalKind, signal } from 'tokio-ts/signal';
import { type broadcast, CancellationToken, mpsc, RecvError, Semaphore } from 'tokio-ts/sync';
import type { AbortHandle } from 'tokio-ts/task';
import { apply, commandName, requestArgs } from './commands.js';
import { Db } from './db.js';
import {
  array,
  bulk,
  error,
  type Frame,
  int,
  RespCodec,
  RespError,
  type RespLimits,
  simple,
} from './resp.js';

export interface ServerOptions {
  /** Connections served at once; the next one waits in the accept queue (default 250). */
  maxConnections?: number;
  /** Protocol limits (bulk size, array length, nesting). */
  limits?: Partial<RespLimits>;
}

/** A live connection, as the shutdown sees it. */
interface Conn {
  task: AbortHandle | null;
  /** Parked waiting for a request: nothing is in flight, it may be cancelled. */
  idle: boolean;
}

/** Serves `listener` until `shutdown` is cancelled, then lets in-flight commands finish. */
export function* run(
  listener: TcpListener,
  shutdown: CancellationToken,
  opts: ServerOptions = {},
): Future<void> {
  const db = new Db();
  const purge = spawn(db.purgeTask(), { name: 'mini-redis purge' });
  const limit = new Semaphore(opts.maxConnections ?? 250);
  const codecLimits = opts.limits ?? {};
  const conns = new JoinSet<void>();
  const live = new Set<Conn>();
  try {
    for (;;) {
      const p = yield* select({ permit: limit.acquire(), stop: shutdown.cancelled() });
      if (p.key === 'stop') break;
      const permit = p.value;
      const a = yield* select({ conn: listener.accept(), stop: shutdown.cancelled() });
      if (a.key === 'stop') {
        permit.release();
        break;
      }
      const [socket, peer] = a.value;
      const conn: Conn = { task: null, idle: false };
      live.add(conn);
      conn.task = conns.spawn(
        function* () {
          try {
            yield* handle(socket, db, conn, shutdown, codecLimits);
          } finally {
            socket.close();
            live.delete(conn);
            permit.release();
          }
        },
        { name: `conn ${peer}` }, // as the console and task dumps show it
      );
    }
  } finally {
    listener.close();
  }
  // Graceful shutdown: connections waiting for a request stop now; the others
  // finish the command they are writing the reply of, then stop.
  for (const c of live) if (c.idle) c.task?.abort();
  while ((yield* conns.joinNext()) !== undefined) {}
  db.close();
  yield* purge;
}

/** One connection: read requests (pipelined), apply them, write the replies in one write. */
function* handle(
  socket: TcpStream,
  db: Db,
  conn: Conn,
  shutdown: CancellationToken,
  limits: Partial<RespLimits>,
): Future<void> {
  // Bulk strings as views into the read buffer: every request in it is
  // handled before more bytes are read, and the Db copies what it keeps.
  const codec = new RespCodec({ ...limits, views: true });
  const rbuf = new BytesMut();
  const wbuf = new BytesMut();
  const subs = new Map<string, JoinHandle<void>>();
  let messages: mpsc.UnboundedSender<Frame> | null = null;
  let inbox: mpsc.Receiver<Frame> | null = null;
  try {
    for (;;) {
      // Every complete request in the buffer (pipelining), replies batched.
      for (;;) {
        let frame: Frame | undefined;
        try {
          frame = codec.decode(rbuf);
        } catch (e) {
          if (!(e instanceof RespError)) throw e;
          codec.encode(error(`ERR Protocol error: ${e.message}`), wbuf);
          yield* socket.writeAll(wbuf.chunk());
          return; // Redis closes the connection after a protocol error
        }
        if (frame === undefined) break;
        const args = requestArgs(frame);
        if (!Array.isArray(args)) {
          codec.encode(args, wbuf);
          continue;
        }
        const cmd = commandName(args[0]!);
        if (cmd === 'SUBSCRIBE' || cmd === 'UNSUBSCRIBE') {
          if (messages === null) {
            const [tx, rx] = mpsc.unboundedChannel<Frame>();
            messages = tx;
            inbox = rx as unknown as mpsc.Receiver<Frame>;
          }
          subscription(cmd, args, subs, db, messages, codec, wbuf);
        } else if (subs.size > 0 && cmd !== 'PING' && cmd !== 'QUIT') {
          codec.encode(
            error(
              `ERR Can't execute '${cmd.toLowerCase()}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT are allowed in this context`,
            ),
            wbuf,
          );
        } else if (cmd === 'QUIT') {
          codec.encode(simple('OK'), wbuf);
          yield* socket.writeAll(wbuf.chunk());
          return;
        } else if (cmd === 'PING' && subs.size > 0) {
          codec.encode(array([bulk('pong'), bulk(args[1] ?? '')]), wbuf);
        } else {
          codec.encode(apply(db, args, cmd), wbuf);
        }
      }
      if (wbuf.length > 0) {
        yield* socket.writeAll(wbuf.chunk());
        wbuf.clear();
      }
      if (shutdown.isCancelled()) return;
      // Wait for the next request (or a published message). Nothing is in
      // flight here, so the shutdown may cancel this wait.
      conn.idle = true;
      let chunk: Uint8Array | undefined;
      if (inbox === null || subs.size === 0) {
        chunk = yield* socket.readChunk();
      } else {
        const r = yield* select({ data: socket.readChunk(), msg: inbox.recv() });
        if (r.key === 'msg') {
          conn.idle = false;
          if (r.value !== undefined) codec.encode(r.value, wbuf);
          continue;
        }
        chunk = r.value;
      }
      conn.idle = false;
      if (chunk === undefined) return; // the client closed
      rbuf.extend(chunk);
    }
  } finally {
    for (const t of subs.values()) t.abort();
    messages?.close();
  }
}

/** SUBSCRIBE / UNSUBSCRIBE: a forwarding task per channel feeds the connection's inbox. */
function subscription(
  cmd: string,
  args: Uint8Array[],
  subs: Map<string, JoinHandle<void>>,
  db: Db,
  messages: mpsc.UnboundedSender<Frame>,
  codec: RespCodec,
  wbuf: BytesMut,
): void {
  const names = args
    .slice(1)
    .map((a) => Buffer.from(a.buffer, a.byteOffset, a.length).toString('utf8'));
  if (cmd === 'SUBSCRIBE') {
    if (names.length === 0) {
      codec.encode(error(`ERR wrong number of arguments for 'subscribe' command`), wbuf);
      return;
    }
    for (const name of names) {
      if (!subs.has(name)) subs.set(name, spawn(forward(name, db.subscribe(name), messages)));
      codec.encode(array([bulk('subscribe'), bulk(name), int(subs.size)]), wbuf);
    }
    return;
  }
  const which = names.length > 0 ? names : [...subs.keys()];
  if (which.length === 0) codec.encode(array([bulk('unsubscribe'), { t: 'null' }, int(0)]), wbuf);
  for (const name of which) {
    subs.get(name)?.abort();
    subs.delete(name);
    codec.encode(array([bulk('unsubscribe'), bulk(name), int(subs.size)]), wbuf);
  }
}

function* forward(
  name: string,
  rx: broadcast.BroadcastReceiver<Uint8Array>,
  out: mpsc.UnboundedSender<Frame>,
): Future<void> {
  const channel = bulk(name);
  try {
    for (;;) {
      let msg: Uint8Array;
      try {
        msg = yield* rx.recv();
      } catch (e) {
        if (e instanceof RecvError && e.kind === 'lagged') continue; // a slow subscriber loses messages, as in Redis
        return;
      }
      out.send(array([bulk('message'), channel, bulk(msg)]));
    }
  } finally {
    rx.close();
  }
}

function flag(argv: string[], name: string, fallback: string): string {
  const i = argv.indexOf(name);
  return i === -1 ? fallback : (argv[i + 1] ?? fallback);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const argv = process.argv;
  const host = flag(argv, '--host', '127.0.0.1');
  const port = Number(flag(argv, '--port', '6379'));
  const maxConnections = Number(flag(argv, '--max-connections', '250'));
  if (
    !Number.isInteger(port) ||
    port < 0 ||
    port > 65535 ||
    !Number.isInteger(maxConnections) ||
    maxConnections < 1
  ) {
    console.error('usage: server.js [--host 127.0.0.1] [--port 6379] [--max-connections 250]');
    process.exit(2);
  }
  main(function* () {
    const shutdown = new CancellationToken();
    // Listen for the signals before announcing the port (a test may signal at once).
    const sigint = signal(SignalKind.interrupt());
    const sigterm = signal(SignalKind.terminate());
    const listener = yield* TcpListener.bind({ host, port });
    console.log(`mini-redis listening on ${listener.localAddr()}`);
    const stopper = spawn(function* () {
      yield* select({ int: sigint.recv(), term: sigterm.recv() });
      shutdown.cancel();
    });
    yield* run(listener, shutdown, { maxConnections });
    stopper.abort();
    sigint.close();
    sigterm.close();
    console.log('mini-redis: shut down');
  });
}
