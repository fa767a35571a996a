/** Unix domain sockets: `UnixListener` and `UnixStream` (path addresses). */
import { connect as netConnect, type Socket } from 'node:net';
import type { Future, Suspend } from '../future/future.js';
import { IoError } from '../io/error.js';
import { AcceptLeaf, ListenerCore } from './listener.js';
import { awaitConnect } from './ready.js';
import { OwnedReadHalf, OwnedWriteHalf, SocketIo, SocketStreamBase } from './stream.js';

function checkPath(path: unknown, what: string): string {
  if (typeof path !== 'string' || path.length === 0)
    throw new IoError('invalid-input', `${what}: path must be a non-empty string`, {
      code: 'EINVAL',
    });
  return path;
}

/**
 * A connected Unix domain stream socket; the same shape as `TcpStream` with
 * path addresses.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { UnixListener, UnixStream } from 'tokio-ts/net';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 *
 * main(function* () {
 *   const path = join(tmpdir(), `tokio-ts-doc-${process.pid}.sock`);
 *   const listener = yield* UnixListener.bind(path);
 *   const client = yield* UnixStream.connect(path);
 *   const [server] = yield* listener.accept();
 *   yield* client.writeAll(new TextEncoder().encode('over a unix socket'));
 *   client.close();
 *   console.log(yield* server.readToString()); // over a unix socket
 *   server.close();
 *   listener.close();
 * });
 * ```
 */
export class UnixStream extends SocketStreamBase {
  readonly #path: string | undefined;

  /** @internal */
  constructor(socket: Socket, path: string | undefined) {
    super(new SocketIo(socket, 'unix', path));
    this.#path = path;
  }

  /**
   * Connects to the socket at `path`.
   *
   * ## Cancel safety
   * Cancelling destroys the half-open socket.
   */
  static connect(path: string): Future<UnixStream> {
    return connectUnix(checkPath(path, 'UnixStream.connect(path)'));
  }

  /** The peer's path (the one connected to, for a client; undefined for an accepted stream). */
  peerAddr(): string | undefined {
    return this.#path;
  }

  /** The local path (undefined for a client, whose socket is unnamed). */
  localAddr(): string | undefined {
    return undefined;
  }

  /** Read and write halves usable at the same time. */
  split(): [OwnedReadHalf, OwnedWriteHalf] {
    return this.intoSplit();
  }

  /** The owned read and write halves. */
  intoSplit(): [OwnedReadHalf, OwnedWriteHalf] {
    return [new OwnedReadHalf(this.io), new OwnedWriteHalf(this.io)];
  }
}

function* connectUnix(path: string): Generator<Suspend, UnixStream, unknown> {
  const socket = netConnect({ path, allowHalfOpen: true });
  yield* awaitConnect(socket, { path }, `unix connect ${path}`);
  return new UnixStream(socket, path);
}

/**
 * A Unix domain socket server bound to a path. See {@link UnixStream} for an example.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { UnixListener, UnixStream } from 'tokio-ts/net';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 *
 * main(function* () {
 *   const path = join(tmpdir(), `tokio-ts-listener-${process.pid}.sock`);
 *   const listener = yield* UnixListener.bind(path);
 *   const client = yield* UnixStream.connect(path);
 *   const [server] = yield* listener.accept();
 *   console.log(listener.localAddr() === path); // true
 *   client.close();
 *   server.close();
 *   listener.close();
 * });
 * ```
 */
export class UnixListener {
  readonly #core: ListenerCore;
  readonly #path: string;

  /** @internal */
  constructor(core: ListenerCore, path: string) {
    this.#core = core;
    this.#path = path;
  }

  /**
   * Binds to `path` (which must not exist: an `IoError` of kind `addr-in-use`
   * otherwise). Node removes the socket file when the listener closes.
   */
  static bind(path: string): Future<UnixListener> {
    return bindUnix(checkPath(path, 'UnixListener.bind(path)'));
  }

  /**
   * Waits for the next connection.
   *
   * ## Cancel safety
   * Cancel safe: no connection is lost.
   */
  accept(): Future<[UnixStream, string | undefined]> {
    return acceptUnix(this.#core);
  }

  /** The path the listener is bound to. */
  localAddr(): string {
    return this.#path;
  }

  /** Stops listening; pending `accept`s fail with `not-connected`. */
  close(): void {
    this.#core.close();
  }

  /** Same as {@link close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}

function* bindUnix(path: string): Generator<Suspend, UnixListener, unknown> {
  const core = new ListenerCore('unix listener');
  yield* core.listen({ path }, path);
  return new UnixListener(core, path);
}

function* acceptUnix(
  core: ListenerCore,
): Generator<Suspend, [UnixStream, string | undefined], unknown> {
  const socket = yield* new AcceptLeaf(core);
  return [new UnixStream(socket, undefined), undefined];
}
