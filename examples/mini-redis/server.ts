// mini-redis: Tokio's tutorial server on tokio-ts. A task per connection (at
// most `maxConnections`, as Redis's maxclients), the Db shared by all of them (one thread:
// no lock needed), key expiry by a background task on the timing wheel,
// pub/sub with bounded per-client output, and a graceful shutdown on SIGINT/SIGTERM
// (CancellationToken + JoinSet: commands in flight finish within
// --shutdown-timeout, then exit 0; a second signal exits at once).
//   npm start                       (127.0.0.1:6379)
//   node dist/examples/mini-redis/server.js --port 6380 --host 127.0.0.1 --max-connections 250 \
//     --timeout 0 --shutdown-timeout 5
import { fileURLToPath } from 'node:url';
import { type Future, JoinSet, main, select, spawn } from 'tokio-ts';
import { BytesMut } from 'tokio-ts/codec';
import { TcpListener, type TcpStream } from 'tokio-ts/net';
import { SignalKind, signal } from 'tokio-ts/signal';
import { CancellationToken } from 'tokio-ts/sync';
import type { AbortHandle } from 'tokio-ts/task';
import { sleep } from 'tokio-ts/time';
import { apply, commandName } from './commands.js';
import { Db } from './db.js';
import { Outbox, type OutputLimit, PUBSUB_LIMIT } from './outbox.js';
import { RequestParser } from './request.js';
import {
  array,
  bulk,
  error,
  int,
  NULL,
  RespCodec,
  RespError,
  type RespLimits,
  simple,
} from './resp.js';

export interface ServerOptions {
  /**
   * Clients served at once (Redis's `maxclients`, default 250): the next one
   * is told `-ERR max number of clients reached` and closed.
   */
  maxConnections?: number;
  /** Seconds a client may stay idle before it is closed (Redis's `timeout`; 0, the default: never). Subscribers are exempt. */
  timeout?: number;
  /** How long (ms) a shutdown waits for replies in flight before it closes their connections (default 5000). */
  shutdownTimeout?: number;
  /** Protocol limits (bulk size, array length, nesting). */
  limits?: Partial<RespLimits>;
  /** Output limit of subscribed clients (default Redis's `client-output-buffer-limit pubsub 32mb 8mb 60`). */
  pubsubLimit?: OutputLimit;
}

/** A live connection, as the shutdown sees it. */
interface Conn {
  task: AbortHandle | null;
  /** Parked waiting for a request: nothing is in flight, it may be cancelled. */
  idle: boolean;
}

/**
 * A connection's read or write buffer above this size is replaced by a fresh
 * one when the connection waits (1 MB: above what redis-benchmark's largest
 * pipelines need, so a busy connection does not reallocate per batch).
 */
const SHRINK_ABOVE = 1024 * 1024;
/** A buffer holding more than this of a partial request keeps growing (the request needs it). */
const KEEP_PARTIAL = 64 * 1024;

/** What a client past `maxConnections` is told before it is closed (Redis's words). */
const TOO_MANY = Buffer.from('-ERR max number of clients reached\r\n');

/**
 * Serves `listener` until `shutdown` is cancelled, then lets in-flight
 * commands finish for at most `shutdownTimeout` ms before closing the rest.
 */
export function* run(
  listener: TcpListener,
  shutdown: CancellationToken,
  opts: ServerOptions = {},
): Future<void> {
  const db = new Db();
  const purge = spawn(db.purgeTask(), { name: 'mini-redis purge' });
  const max = opts.maxConnections ?? 250;
  const conns = new JoinSet<void>();
  const live = new Set<Conn>();
  try {
    for (;;) {
      const a = yield* select({ conn: listener.accept(), stop: shutdown.cancelled() });
      if (a.key === 'stop') break;
      const [socket, peer] = a.value;
      while (conns.tryJoinNext() !== undefined) {} // forget finished connections
      if (live.size >= max) {
        // As Redis: accept, say why, close. The reply fits any socket buffer,
        // so nothing waits and no socket is held past the limit.
        socket.tryWrite(TOO_MANY);
        socket.close();
        continue;
      }
      // Replies leave at once: with Nagle's algorithm a small write after a
      // large one waits for the peer's delayed ACK (40 ms per pipelined batch).
      socket.setNodelay(true);
      const conn: Conn = { task: null, idle: false };
      live.add(conn);
      conn.task = conns.spawn(
        function* () {
          try {
            yield* handle(socket, db, conn, shutdown, opts);
          } finally {
            socket.close();
            live.delete(conn);
          }
        },
        { name: `conn ${peer}` }, // as the console and task dumps show it
      );
    }
  } finally {
    listener.close();
  }
  // Graceful shutdown: connections waiting for a request stop now; the others
  // finish the command they are writing the reply of, then stop — unless a
  // client does not read its reply: after the deadline, they are closed.
  for (const c of live) if (c.idle) c.task?.abort();
  const deadline = sleep(opts.shutdownTimeout ?? 5000);
  for (;;) {
    const r = yield* select({ done: conns.joinNext(), deadline });
    if (r.key === 'deadline') {
      conns.abortAll();
      while ((yield* conns.joinNext()) !== undefined) {}
      break;
    }
    if (r.value === undefined) break;
  }
  db.close();
  yield* purge;
}

/** One connection: read requests (pipelined), apply them, write the replies in one write. */
function* handle(
  socket: TcpStream,
  db: Db,
  conn: Conn,
  shutdown: CancellationToken,
  opts: ServerOptions,
): Future<void> {
  const s = new Session(socket, db, conn, opts);
  const idleMs = (opts.timeout ?? 0) * 1000;
  try {
    for (;;) {
      const quit = s.serveBuffered();
      if (!(yield* s.flush())) return;
      if (quit || shutdown.isCancelled()) return;
      s.shrink();
      // Wait for the next request (or a published message). Nothing is in
      // flight here, so the shutdown may cancel this wait.
      conn.idle = true;
      const outbox = s.outbox;
      let chunk: Uint8Array | undefined;
      if (outbox !== null && outbox.channels.size > 0) {
        const r = yield* select({ data: socket.readChunk(), out: outbox.ready.notified() });
        if (r.key === 'out') {
          conn.idle = false;
          continue;
        }
        chunk = r.value;
      } else if (idleMs > 0) {
        // Redis's `timeout`: an idle client (not a subscriber) is closed, silently.
        const r = yield* select({ data: socket.readChunk(), idle: sleep(idleMs) });
        if (r.key === 'idle') return;
        chunk = r.value;
      } else {
        chunk = yield* socket.readChunk();
      }
      conn.idle = false;
      if (chunk === undefined) return; // the client closed
      s.rbuf.extend(chunk);
    }
  } finally {
    s.close();
  }
}

/**
 * A connection's state. The work is done in plain methods, apart from the
 * connection's generator: a suspended generator keeps the values its frame
 * last held, and a request's bytes are views into a read buffer that may be
 * large and about to be replaced.
 */
class Session {
  // Bulk strings as views into the read buffer: every request in it is
  // handled before more bytes are read, and the Db copies what it keeps.
  readonly parser: RequestParser;
  readonly codec = new RespCodec();
  rbuf = new BytesMut();
  wbuf = new BytesMut();
  /**
   * Created by the first SUBSCRIBE: from then on every reply and message
   * goes through it, in order, under the pub/sub output limit.
   */
  outbox: Outbox | null = null;

  constructor(
    readonly socket: TcpStream,
    readonly db: Db,
    readonly conn: Conn,
    readonly opts: ServerOptions,
  ) {
    this.parser = new RequestParser({ ...opts.limits, views: true });
  }

  /** Runs every complete request in the read buffer (pipelining), replies batched; true to close. */
  serveBuffered(): boolean {
    const { parser, codec, db, rbuf, wbuf } = this;
    for (;;) {
      let args: Uint8Array[] | undefined;
      try {
        args = parser.parse(rbuf);
      } catch (e) {
        if (!(e instanceof RespError)) throw e;
        codec.encode(error(`ERR Protocol error: ${e.message}`), wbuf);
        return true; // Redis closes the connection after a protocol error
      }
      if (args === undefined) return false;
      const cmd = commandName(args[0]!);
      const subscribed = this.outbox !== null && this.outbox.channels.size > 0;
      if (cmd === 'SUBSCRIBE' || cmd === 'UNSUBSCRIBE') {
        this.outbox ??= new Outbox(this.opts.pubsubLimit ?? PUBSUB_LIMIT, () => {
          // Over its output limit: gone from every channel now, closed by its task.
          this.close();
          this.conn.task?.abort();
        });
        subscription(cmd, args, db, this.outbox, codec, wbuf);
      } else if (subscribed && cmd !== 'PING' && cmd !== 'QUIT') {
        codec.encode(
          error(
            `ERR Can't execute '${cmd.toLowerCase()}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT are allowed in this context`,
          ),
          wbuf,
        );
      } else if (cmd === 'QUIT') {
        codec.encode(simple('OK'), wbuf);
        return true;
      } else if (cmd === 'PING' && subscribed) {
        codec.encode(array([bulk('pong'), bulk(args[1] ?? '')]), wbuf);
      } else {
        codec.encode(apply(db, args, cmd), wbuf);
      }
    }
  }

  /** Writes the replies (and queued messages); false once the client was disconnected. */
  *flush(): Future<boolean> {
    const { wbuf, outbox } = this;
    if (outbox === null) {
      if (wbuf.length > 0) yield* writeBuf(this.socket, wbuf);
      return true;
    }
    if (wbuf.length > 0) {
      outbox.push(Buffer.from(wbuf.chunk()), outbox.channels.size > 0);
      wbuf.clear();
    }
    yield* drain(this.socket, outbox);
    return !outbox.killed;
  }

  /**
   * Lets buffers grown for a big request or reply go before the connection
   * waits: an idle connection keeps no more than a fresh one (plus a partial
   * request, whose offsets the parser keeps relative to the buffer's start).
   */
  shrink(): void {
    if (this.rbuf.capacity > SHRINK_ABOVE && this.rbuf.length <= KEEP_PARTIAL) {
      const fresh = new BytesMut();
      fresh.extend(this.rbuf.chunk());
      this.rbuf = fresh;
    }
    if (this.wbuf.capacity > SHRINK_ABOVE) this.wbuf = new BytesMut();
  }

  /** Leaves every channel. */
  close(): void {
    const o = this.outbox;
    if (o === null) return;
    for (const name of o.channels) this.db.unsubscribe(name, o);
    o.channels.clear();
  }
}

/** Writes the buffer out and clears it. */
function* writeBuf(socket: TcpStream, b: BytesMut): Future<void> {
  yield* socket.writeAll(b.chunk());
  b.clear();
}

/** Writes what the outbox holds; published messages may arrive meanwhile. */
function* drain(socket: TcpStream, out: Outbox): Future<void> {
  for (let c = out.peek(); c !== undefined; c = out.peek()) out.consume(yield* socket.write(c));
}

/** SUBSCRIBE / UNSUBSCRIBE: the connection's outbox joins or leaves the channels. */
function subscription(
  cmd: string,
  args: Uint8Array[],
  db: Db,
  out: Outbox,
  codec: RespCodec,
  wbuf: BytesMut,
): void {
  const names = args
    .slice(1)
    .map((a) => Buffer.from(a.buffer, a.byteOffset, a.length).toString('utf8'));
  const subs = out.channels;
  if (cmd === 'SUBSCRIBE') {
    if (names.length === 0) {
      codec.encode(error(`ERR wrong number of arguments for 'subscribe' command`), wbuf);
      return;
    }
    for (const name of names) {
      if (!subs.has(name)) {
        subs.add(name);
        db.subscribe(name, out);
      }
      codec.encode(array([bulk('subscribe'), bulk(name), int(subs.size)]), wbuf);
    }
    return;
  }
  const which = names.length > 0 ? names : [...subs];
  if (which.length === 0) codec.encode(array([bulk('unsubscribe'), NULL, int(0)]), wbuf);
  for (const name of which) {
    if (subs.delete(name)) db.unsubscribe(name, out);
    codec.encode(array([bulk('unsubscribe'), bulk(name), int(subs.size)]), wbuf);
  }
}

function flag(argv: string[], name: string, fallback: string): string {
  const i = argv.indexOf(name);
  return i === -1 ? fallback : (argv[i + 1] ?? fallback);
}

const USAGE =
  'usage: server.js [--host 127.0.0.1] [--port 6379] [--max-connections 250] [--timeout SECS] [--shutdown-timeout SECS]';

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const argv = process.argv;
  const host = flag(argv, '--host', '127.0.0.1');
  const port = Number(flag(argv, '--port', '6379'));
  const maxConnections = Number(flag(argv, '--max-connections', '250'));
  const timeout = Number(flag(argv, '--timeout', '0'));
  const shutdownTimeout = Number(flag(argv, '--shutdown-timeout', '5'));
  if (
    !Number.isInteger(port) ||
    port < 0 ||
    port > 65535 ||
    !Number.isInteger(maxConnections) ||
    maxConnections < 1 ||
    !Number.isInteger(timeout) ||
    timeout < 0 ||
    !(shutdownTimeout >= 0)
  ) {
    console.error(USAGE);
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
      console.log('mini-redis: shutting down');
      shutdown.cancel();
      // A second signal: exit at once (as Redis: "You insist... exiting now").
      const again = yield* select({ int: sigint.recv(), term: sigterm.recv() });
      process.exit(again.key === 'int' ? 130 : 143);
    });
    yield* run(listener, shutdown, {
      maxConnections,
      timeout,
      shutdownTimeout: shutdownTimeout * 1000,
    });
    stopper.abort();
    sigint.close();
    sigterm.close();
    console.log('mini-redis: shut down');
  });
}
