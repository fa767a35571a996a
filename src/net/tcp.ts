/** TCP: `TcpListener` and `TcpStream`. */
import { connect as netConnect, type Socket } from 'node:net';
import type { Future, Suspend } from '../future/future.js';
import { IoError } from '../io/error.js';
import { fromNode, type SocketAddr, type ToSocketAddr, toHostPort } from './addr.js';
import { AcceptLeaf, ListenerCore } from './listener.js';
import { awaitConnect } from './ready.js';
import { OwnedReadHalf, OwnedWriteHalf, SocketIo, SocketStreamBase } from './stream.js';

/**
 * A TCP connection: `AsyncRead + AsyncWrite` with pull-based reads (bytes
 * wait in the socket until read, so a slow reader slows the peer) and writes
 * that wait while Node's write buffer is full.
 *
 * Close it with `close()` (or `using`), typically in a `finally`: there is no
 * drop in JavaScript, and an unclosed socket stays open.
 *
 * @example
 * ```ts
 * import { main, spawn } from 'tokio-ts';
 * import { TcpListener, TcpStream } from 'tokio-ts/net';
 *
 * main(function* () {
 *   const listener = yield* TcpListener.bind('127.0.0.1:0');
 *   const server = spawn(function* () {
 *     const [socket] = yield* listener.accept();
 *     const buf = new Uint8Array(1024);
 *     const n = yield* socket.read(buf);
 *     yield* socket.writeAll(buf.subarray(0, n));
 *     socket.close();
 *   });
 *   const stream = yield* TcpStream.connect(listener.localAddr());
 *   yield* stream.writeAll(new TextEncoder().encode('hello'));
 *   console.log(yield* stream.readToString()); // hello
 *   stream.close();
 *   yield* server;
 *   listener.close();
 * });
 * ```
 */
export class TcpStream extends SocketStreamBase {
  #nodelay = false;

  /** @internal */
  constructor(socket: Socket) {
    const addr =
      socket.remoteAddress === undefined
        ? undefined
        : `${socket.remoteAddress}:${socket.remotePort}`;
    super(new SocketIo(socket, 'tcp', addr));
  }

  /**
   * Opens a connection to `addr` (`'host:port'`, `'[v6]:port'`,
   * `{ host, port }` or a `SocketAddr`). Throws an `IoError`
   * (`connection-refused`, `invalid-input`, `not-found` …) on failure.
   *
   * ## Cancel safety
   * Cancelling destroys the half-open socket.
   */
  static connect(addr: ToSocketAddr): Future<TcpStream> {
    const hp = toHostPort(addr, 'TcpStream.connect(addr)');
    return connectTcp(hp.host, hp.port);
  }

  /** Turns Nagle's algorithm off (`true`) or on. */
  setNodelay(nodelay: boolean): void {
    this.#nodelay = !!nodelay;
    this.io.socket.setNoDelay(this.#nodelay);
  }

  /** Whether Nagle's algorithm is off. */
  nodelay(): boolean {
    return this.#nodelay;
  }

  /**
   * The linger setting (Tokio's `linger()`, in ms): `0` after
   * {@link setZeroLinger}, `undefined` for the default (a close sends what is
   * buffered, then FIN, in the background).
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { TcpListener, TcpStream } from 'tokio-ts/net';
   *
   * main(function* () {
   *   const l = yield* TcpListener.bind('127.0.0.1:0');
   *   const c = yield* TcpStream.connect(l.localAddr());
   *   console.log(c.linger()); // undefined
   *   c.setZeroLinger();
   *   console.log(c.linger()); // 0
   *   c.close(); // an RST, not a FIN
   *   l.close();
   * });
   * ```
   */
  linger(): number | undefined {
    return this.io.zeroLinger ? 0 : undefined;
  }

  /**
   * Makes `close()` reset the connection (Tokio's `set_zero_linger`, a zero
   * `SO_LINGER`): bytes not yet sent are dropped and the peer's reads fail
   * with an `IoError` of kind `connection-reset` instead of seeing end of
   * stream. Node has no `SO_LINGER` option; this is done with
   * `socket.resetAndDestroy()` at close, which has the same effect on the wire.
   */
  setZeroLinger(): void {
    this.io.zeroLinger = true;
  }

  /**
   * Sets the linger duration in ms (Tokio's `set_linger`): `0` is
   * {@link setZeroLinger}, `undefined` restores the default. A positive
   * duration would make close block the thread until the data is sent or
   * the time is up; Node cannot do that (it has no `SO_LINGER`, and never
   * blocks on close), so it is an `IoError` of kind `unsupported`, rather than
   * a setting silently ignored. (Tokio deprecates positive lingers for the
   * same reason: they block the runtime.)
   */
  setLinger(ms: number | undefined): void {
    if (ms === undefined) {
      this.io.zeroLinger = false;
      return;
    }
    if (typeof ms !== 'number' || !(ms >= 0))
      throw new RangeError(
        `TcpStream.setLinger(ms): ms must be >= 0 or undefined, got ${String(ms)}`,
      );
    if (ms > 0)
      throw new IoError(
        'unsupported',
        'TcpStream.setLinger: Node has no SO_LINGER; only a zero linger (setZeroLinger) is supported',
      );
    this.io.zeroLinger = true;
  }

  /** The address of the peer. */
  peerAddr(): SocketAddr {
    return fromNode(this.io.socket.remoteAddress, this.io.socket.remotePort);
  }

  /** The local address of this end. */
  localAddr(): SocketAddr {
    return fromNode(this.io.socket.localAddress, this.io.socket.localPort);
  }

  /**
   * A read half and a write half that can be used at the same time, from the
   * same or different tasks. (Tokio's borrowed `split` and owned `intoSplit`
   * are the same thing here.)
   */
  split(): [OwnedReadHalf, OwnedWriteHalf] {
    return this.intoSplit();
  }

  /** The owned read and write halves; `reunite` puts them back together. */
  intoSplit(): [OwnedReadHalf, OwnedWriteHalf] {
    return [new TcpReadHalf(this), new OwnedWriteHalf(this.io)];
  }
}

/** The read half of a TcpStream, able to give the stream back. */
class TcpReadHalf extends OwnedReadHalf {
  readonly #stream: TcpStream;
  constructor(stream: TcpStream) {
    super(stream.io);
    this.#stream = stream;
  }
  /** The stream both halves came from; throws if `w` is not this half's pair. */
  reunite(w: OwnedWriteHalf): TcpStream {
    if (!this.isPairOf(w))
      throw new TypeError('reunite(w): the halves are not from the same stream');
    return this.#stream;
  }
}

function* connectTcp(host: string, port: number): Generator<Suspend, TcpStream, unknown> {
  const address = `${host}:${port}`;
  const socket = netConnect({ host, port, allowHalfOpen: true });
  yield* awaitConnect(socket, { address }, `tcp connect ${address}`);
  return new TcpStream(socket);
}

/**
 * A TCP server socket. Connections wait in a queue until `accept()` takes
 * them; they are not read before.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { TcpListener, TcpStream } from 'tokio-ts/net';
 *
 * main(function* () {
 *   const listener = yield* TcpListener.bind('127.0.0.1:0');
 *   const client = yield* TcpStream.connect(listener.localAddr());
 *   const [socket, peer] = yield* listener.accept();
 *   console.log(peer.ip); // 127.0.0.1
 *   socket.close();
 *   client.close();
 *   listener.close();
 * });
 * ```
 */
export class TcpListener {
  readonly #core: ListenerCore;

  /** @internal */
  constructor(core: ListenerCore) {
    this.#core = core;
  }

  /**
   * Binds to `addr` (port 0 picks a free port). Throws an `IoError` of kind
   * `addr-in-use` if the port is taken, `invalid-input` for a bad address.
   *
   * ## Cancel safety
   * Cancelling closes the half-bound server.
   */
  static bind(addr: ToSocketAddr): Future<TcpListener> {
    const hp = toHostPort(addr, 'TcpListener.bind(addr)');
    return bindTcp(hp.host, hp.port);
  }

  /**
   * Waits for the next connection; returns the stream and the peer's address.
   * Throws an `IoError` of kind `not-connected` once the listener is closed.
   *
   * ## Cancel safety
   * Cancel safe: no connection is lost; the next `accept` gets it.
   */
  accept(): Future<[TcpStream, SocketAddr]> {
    return acceptTcp(this.#core);
  }

  /** The address the listener is bound to. */
  localAddr(): SocketAddr {
    const a = this.#core.server.address();
    if (a === null || typeof a === 'string')
      throw new IoError('not-connected', 'TcpListener: not bound', { code: 'ENOTCONN' });
    return fromNode(a.address, a.port);
  }

  /** Stops listening; queued connections are closed and pending `accept`s fail. */
  close(): void {
    this.#core.close();
  }

  /** Same as {@link close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}

function* bindTcp(host: string, port: number): Generator<Suspend, TcpListener, unknown> {
  const core = new ListenerCore('tcp listener');
  yield* core.listen({ host, port }, `${host}:${port}`);
  return new TcpListener(core);
}

function* acceptTcp(core: ListenerCore): Generator<Suspend, [TcpStream, SocketAddr], unknown> {
  const socket = yield* new AcceptLeaf(core);
  const stream = new TcpStream(socket);
  let peer: SocketAddr;
  try {
    peer = stream.peerAddr();
  } catch {
    // The peer already went away; the stream reports it on first use.
    peer = fromNode('0.0.0.0', 0);
  }
  return [stream, peer];
}
