/** UDP: `UdpSocket`. */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import type { Future, Suspend } from '../future/future.js';
import { suspend } from '../future/suspend.js';
import { checkBuf } from '../io/check.js';
import { IoError } from '../io/error.js';
import { inspect, instrument, type ResourceInfo } from '../runtime/instrument.js';
import { LazyTakeLeaf } from '../runtime/io/lazy-take.js';
import { LinkedList } from '../runtime/linked-list.js';
import { RingBuffer } from '../runtime/ring-buffer.js';
import { fromNode, hostPort, type SocketAddr, type ToSocketAddr, toHostPort } from './addr.js';
import { awaitReady } from './ready.js';

/** Datagrams kept for readers; beyond this new ones are dropped, as a full kernel buffer drops them. */
const MAX_QUEUED = 4096;

interface Datagram {
  msg: Buffer;
  from: RemoteInfo;
}

/**
 * A UDP socket. Datagrams keep their boundaries; a receive buffer smaller
 * than the datagram gets its first bytes and the rest is discarded, as in
 * Tokio. Methods can be used from several tasks at once.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { UdpSocket } from 'tokio-ts/net';
 *
 * main(function* () {
 *   const a = yield* UdpSocket.bind('127.0.0.1:0');
 *   const b = yield* UdpSocket.bind('127.0.0.1:0');
 *   yield* a.sendTo(new TextEncoder().encode('datagram'), b.localAddr());
 *   const buf = new Uint8Array(64);
 *   const [n, from] = yield* b.recvFrom(buf);
 *   console.log(new TextDecoder().decode(buf.subarray(0, n)), from.port === a.localAddr().port); // datagram true
 *   a.close();
 *   b.close();
 * });
 * ```
 */
export class UdpSocket {
  /** @internal */
  readonly sock: Socket;
  /** @internal */
  readonly queue = new RingBuffer<Datagram>();
  /** @internal */
  readonly waiters = new LinkedList<LazyTakeLeaf<unknown>>();
  /** @internal */
  closed = false;
  /** @internal */
  error: IoError | null = null;
  #peer: SocketAddr | null = null;
  /** Datagrams dropped because nobody read them fast enough. */
  dropped = 0;
  /** @internal bytes received by `recv`/`recvFrom` (for the console) */
  bytesRead = 0;
  /** @internal bytes sent (for the console) */
  bytesWritten = 0;

  /** @internal */
  constructor(sock: Socket) {
    this.sock = sock;
    sock.on('message', this.#onMessage);
    sock.on('error', this.#onError);
    if (instrument !== null) instrument.resource(this);
  }

  /** @internal what the console shows: addresses, bytes, datagrams queued and dropped, tasks in recv */
  [inspect](): ResourceInfo {
    const waiters: object[] = [];
    for (let w = this.waiters.head; w !== null; w = w.nx) waiters.push(w);
    let local: string | undefined;
    try {
      const a = this.sock.address();
      local = hostPort(a.address, a.port);
    } catch {
      local = undefined; // closed
    }
    const p = this.#peer;
    return {
      kind: 'udp socket',
      waiters,
      fields: {
        local,
        peer: p === null ? undefined : hostPort(p.ip, p.port),
        bytesRead: this.bytesRead,
        bytesWritten: this.bytesWritten,
        queued: this.queue.length,
        dropped: this.dropped,
        closed: this.closed,
      },
    };
  }

  /**
   * Binds a socket to `addr` (port 0 picks one). IPv6 addresses make an IPv6
   * socket.
   *
   * ## Cancel safety
   * Cancelling closes the socket.
   */
  static bind(addr: ToSocketAddr): Future<UdpSocket> {
    const hp = toHostPort(addr, 'UdpSocket.bind(addr)');
    return bindUdp(hp.host, hp.port);
  }

  readonly #onMessage = (msg: Buffer, from: RemoteInfo): void => {
    if (this.closed) return;
    if (this.queue.length >= MAX_QUEUED) {
      this.dropped++;
      return;
    }
    this.queue.push({ msg, from });
    const w = this.waiters.shift();
    if (w !== null) w.task!.wake();
  };

  readonly #onError = (err: Error): void => {
    this.error = IoError.from(err);
    for (let w = this.waiters.shift(); w !== null; w = this.waiters.shift()) w.task!.wake();
  };

  /** @internal */
  isReady(): boolean {
    return this.queue.length > 0 || this.closed || this.error !== null;
  }

  /** @internal */
  take(buf: Uint8Array): [number, SocketAddr] {
    if (this.closed) throw closedError();
    if (this.queue.length === 0 && this.error !== null) throw this.error;
    const d = this.queue.shift()!;
    const n = Math.min(d.msg.length, buf.length);
    buf.set(n === d.msg.length ? d.msg : d.msg.subarray(0, n));
    this.bytesRead += n;
    if (this.queue.length > 0) this.passOn();
    return [n, fromNode(d.from.address, d.from.port)];
  }

  /** @internal */
  passOn(): void {
    if (this.isReady()) {
      const w = this.waiters.shift();
      if (w !== null) w.task!.wake();
    }
  }

  /**
   * Sends one datagram to `addr`; returns the bytes sent. `buf` may be reused
   * when it returns.
   *
   * ## Cancel safety
   * Cancel safe in Tokio's sense: if cancelled, the datagram may or may not
   * have been sent, and it was never partly sent.
   */
  sendTo(buf: Uint8Array, addr: ToSocketAddr): Future<number> {
    checkBuf(buf, 'UdpSocket.sendTo(buf, addr)');
    const hp = toHostPort(addr, 'UdpSocket.sendTo(buf, addr)');
    return this.#send(buf, hp.port, hp.host);
  }

  /**
   * Waits for a datagram; copies it into `buf` (truncating it if `buf` is
   * smaller) and returns `[bytes, sender]`.
   *
   * ## Cancel safety
   * Cancel safe: a cancelled receive took no datagram.
   */
  recvFrom(buf: Uint8Array): Future<[number, SocketAddr]> {
    checkBuf(buf, 'UdpSocket.recvFrom(buf)');
    return new RecvLeaf(this, buf) as unknown as Future<[number, SocketAddr]>;
  }

  /**
   * Sets the default peer: `send`/`recv` then talk to it only (datagrams from
   * others are discarded by the OS).
   */
  connect(addr: ToSocketAddr): Future<void> {
    const hp = toHostPort(addr, 'UdpSocket.connect(addr)');
    return this.#connect(hp.host, hp.port);
  }

  *#connect(host: string, port: number): Generator<Suspend, void, unknown> {
    const sock = this.sock;
    yield* suspend<void>((waker) => {
      sock.connect(port, host, (err?: Error) => {
        if (err) waker.throw(IoError.from(err, { address: `${host}:${port}` }));
        else waker.wake();
      });
    }, `udp connect ${host}:${port}`);
    const r = sock.remoteAddress();
    this.#peer = fromNode(r.address, r.port);
  }

  /**
   * Sends a datagram to the connected peer (`not-connected` if none).
   *
   * ## Cancel safety
   * As {@link sendTo}.
   */
  send(buf: Uint8Array): Future<number> {
    checkBuf(buf, 'UdpSocket.send(buf)');
    if (this.#peer === null)
      throw new IoError('not-connected', 'UdpSocket.send: the socket is not connected', {
        code: 'ENOTCONN',
      });
    return this.#send(buf, undefined, undefined);
  }

  /**
   * Receives a datagram from the connected peer; returns its size (truncated
   * to `buf`).
   *
   * ## Cancel safety
   * Cancel safe.
   */
  recv(buf: Uint8Array): Future<number> {
    checkBuf(buf, 'UdpSocket.recv(buf)');
    return this.#recv(buf);
  }

  *#recv(buf: Uint8Array): Generator<Suspend, number, unknown> {
    const [n] = (yield* new RecvLeaf(this, buf)) as [number, SocketAddr];
    return n;
  }

  *#send(
    buf: Uint8Array,
    port: number | undefined,
    host: string | undefined,
  ): Generator<Suspend, number, unknown> {
    if (this.closed) throw closedError();
    const copy = Buffer.from(buf);
    const sock = this.sock;
    return yield* suspend<number>((waker) => {
      const cb = (err: Error | null, n: number): void => {
        if (err)
          waker.throw(
            IoError.from(err, { address: host === undefined ? undefined : `${host}:${port}` }),
          );
        else {
          this.bytesWritten += n;
          waker.wake(n);
        }
      };
      if (port === undefined) sock.send(copy, cb);
      else sock.send(copy, port, host, cb);
    }, 'udp send');
  }

  /** The local address. */
  localAddr(): SocketAddr {
    if (this.closed) throw closedError(); // Node's raw ERR_SOCKET_DGRAM_NOT_RUNNING otherwise
    const a = this.sock.address();
    return fromNode(a.address, a.port);
  }

  /** The connected peer (`not-connected` if none). */
  peerAddr(): SocketAddr {
    if (this.#peer === null)
      throw new IoError('not-connected', 'UdpSocket: the socket is not connected', {
        code: 'ENOTCONN',
      });
    return this.#peer;
  }

  /** Allows sending to broadcast addresses. */
  setBroadcast(on: boolean): void {
    if (this.closed) throw closedError();
    this.sock.setBroadcast(!!on);
  }

  /** Closes the socket; pending receives fail with `not-connected`. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.clear();
    this.sock.close();
    for (let w = this.waiters.shift(); w !== null; w = this.waiters.shift()) w.task!.wake();
  }

  /** Same as {@link close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}

function closedError(): IoError {
  return new IoError('not-connected', 'UdpSocket: the socket is closed');
}

function* bindUdp(host: string, port: number): Generator<Suspend, UdpSocket, unknown> {
  const type = isIP(host) === 6 ? 'udp6' : 'udp4';
  const sock = createSocket({ type });
  const address = `${host}:${port}`;
  yield* awaitReady(
    sock,
    'listening',
    () => sock.bind(port, host),
    { address },
    () => sock.close(),
    `udp bind ${address}`,
  );
  return new UdpSocket(sock);
}

class RecvLeaf extends LazyTakeLeaf<unknown> {
  readonly #s: UdpSocket;
  readonly #buf: Uint8Array;

  constructor(s: UdpSocket, buf: Uint8Array) {
    super();
    this.#s = s;
    this.#buf = buf;
  }

  protected ready(): boolean {
    return this.#s.isReady();
  }

  protected take(): unknown {
    return this.#s.take(this.#buf);
  }

  protected waiters(): LinkedList<LazyTakeLeaf<unknown>> {
    return this.#s.waiters;
  }

  protected passOn(): void {
    this.#s.passOn();
  }

  describe(): string {
    return 'udp recv';
  }
}
