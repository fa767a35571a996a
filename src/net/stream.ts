/**
 * What TcpStream and UnixStream share: a Node socket driven by a PullReader
 * and a PushWriter, and the owned halves of `intoSplit`.
 * @internal
 */
import type { Socket } from 'node:net';
import { select } from '../future/combinators.js';
import type { Future, Suspend } from '../future/future.js';
import { ReadBase, ReadWriteBase, WriteBase } from '../io/bases.js';
import { checkBuf, checkBufs } from '../io/check.js';
import { checkInterest, type Interest, Ready, ReadyBits } from '../io/interest.js';
import { flushPending, readReady } from '../io/probe.js';
import { coopProceed } from '../runtime/context.js';
import { inspect, instrument, type ResourceInfo } from '../runtime/instrument.js';
import { PullReader } from '../runtime/io/pull-reader.js';
import { PushWriter } from '../runtime/io/push-writer.js';
import { consumeBudget } from '../task/spawn.js';
import { hostPort } from './addr.js';

/** The readiness of `io` for `interest`, as Ready bits (0 = would wait). */
function readyBits(io: SocketIo, interest: number): number {
  let bits = 0;
  if ((interest & ReadyBits.R) !== 0) {
    if (io.r.isReady()) bits |= ReadyBits.R;
    if (io.r.readClosed) bits |= ReadyBits.READ_CLOSED;
  }
  if ((interest & ReadyBits.W) !== 0) {
    if (io.w.writableNow) bits |= ReadyBits.W;
    if (io.w.writeClosed) bits |= ReadyBits.WRITE_CLOSED;
  }
  return bits;
}

/** `ready(interest)`: waits until any of `interest` is ready. @internal */
export function ready(io: SocketIo, interest: Interest): Future<Ready> {
  return readyGen(io, checkInterest(interest, 'ready(interest)').bits);
}

function* readyGen(io: SocketIo, interest: number): Generator<Suspend, Ready, unknown> {
  // A ready socket completes at once, so spend budget as the other leaves do.
  if (!coopProceed()) yield* consumeBudget();
  for (;;) {
    const bits = readyBits(io, interest);
    if (bits !== 0) return new Ready(bits);
    try {
      if (interest === ReadyBits.R) yield* io.r.readable();
      else if (interest === ReadyBits.W) yield* io.w.writable();
      else yield* select({ r: io.r.readable(), w: io.w.writable() }, { biased: true });
    } catch (e) {
      // A writable() that finds the write side closed throws: report it as
      // write-closed readiness (anything else is a real error).
      if (readyBits(io, interest) === 0) throw e;
    }
  }
}

/**
 * The driver pair of one socket. @internal
 */
export class SocketIo {
  readonly socket: Socket;
  readonly r: PullReader;
  readonly w: PushWriter;
  closed = false;
  /** `setZeroLinger()` was called: close with an RST instead of a FIN. */
  zeroLinger = false;

  /** 'tcp' or 'unix' */
  readonly label: string;
  /** the address connected to (unix: the path), for the console */
  readonly address: string | undefined;

  constructor(socket: Socket, label: string, address: string | undefined) {
    this.socket = socket;
    this.label = label;
    this.address = address;
    this.r = new PullReader(socket, label, address);
    this.w = new PushWriter(socket, label, address);
    const errored = (socket as { errored?: Error | null }).errored;
    if (errored) socket.emit('error', errored);
    if (instrument !== null) instrument.resource(this);
  }

  /** what the console shows: addresses, bytes moved, and who waits to read or write */
  [inspect](): ResourceInfo {
    const s = this.socket;
    const readers: object[] = [];
    for (let w = this.r.waiters.head; w !== null; w = w.nx) readers.push(w);
    const writers: object[] = [];
    for (let w = this.w.drainWaiters.head; w !== null; w = w.nx) writers.push(w);
    for (let w = this.w.doneWaiters.head; w !== null; w = w.nx) writers.push(w);
    const unix = this.label === 'unix';
    return {
      kind: unix ? 'unix stream' : 'tcp stream',
      waiters: [...readers, ...writers],
      fields: {
        local: unix ? undefined : hostPort(s.localAddress, s.localPort),
        peer: unix ? this.address : hostPort(s.remoteAddress, s.remotePort),
        bytesRead: s.bytesRead,
        bytesWritten: s.bytesWritten,
        buffered: this.r.buffered,
        closed: this.closed || s.destroyed,
      },
      groups: { readers, writers },
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.r.close();
    this.w.close();
    // Zero linger: drop what is buffered and reset the connection (RST).
    if (this.zeroLinger) this.socket.resetAndDestroy();
    // Sends what Node still buffers, then FIN, then frees the socket.
    else this.socket.destroySoon();
  }
}

/**
 * The methods every connected stream socket has. Subclasses add addresses.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { TcpListener, TcpStream } from 'tokio-ts/net';
 * import { SocketStreamBase } from 'tokio-ts/net';
 *
 * main(function* () {
 *   const l = yield* TcpListener.bind('127.0.0.1:0');
 *   const c = yield* TcpStream.connect(l.localAddr());
 *   console.log(c instanceof SocketStreamBase); // true
 *   c.close();
 *   l.close();
 * });
 * ```
 */
export abstract class SocketStreamBase extends ReadWriteBase {
  /** @internal */
  readonly io: SocketIo;

  /** @internal */
  constructor(io: SocketIo) {
    super();
    this.io = io;
  }

  /**
   * Reads available bytes into `buf` (waits until there are some); returns the
   * count, 0 at end of stream (the peer shut down its writing).
   *
   * ## Cancel safety
   * Cancel safe: a cancelled read took no bytes; the next read gets them.
   */
  read(buf: Uint8Array): Future<number> {
    checkBuf(buf, 'read(buf)');
    return this.io.r.read(buf);
  }

  /**
   * The next chunk of bytes as the OS delivered it, without copying
   * (undefined at end of stream). The chunk belongs to the caller.
   *
   * ## Cancel safety
   * Cancel safe.
   */
  readChunk(): Future<Uint8Array | undefined> {
    return this.io.r.readChunk();
  }

  /**
   * Copies available bytes into `buf` without consuming them (waits until
   * there are some); 0 at end of stream.
   *
   * ## Cancel safety
   * Cancel safe.
   */
  peek(buf: Uint8Array): Future<number> {
    checkBuf(buf, 'peek(buf)');
    return this.io.r.peek(buf);
  }

  /**
   * Reads without waiting: the count (0 at end of stream), or `undefined` when
   * no bytes are there yet (Tokio's `WouldBlock`).
   */
  tryRead(buf: Uint8Array): number | undefined {
    checkBuf(buf, 'tryRead(buf)');
    return this.io.r.tryRead(buf);
  }

  /**
   * Waits until a read would not wait (bytes, end of stream or an error).
   *
   * ## Cancel safety
   * Cancel safe.
   */
  readable(): Future<void> {
    return this.io.r.readable();
  }

  /**
   * Waits until any readiness in `interest` is there and returns it (Tokio's
   * `ready`): readable and `readClosed` for {@link Interest.READABLE},
   * writable and `writeClosed` for {@link Interest.WRITABLE}. As with
   * `readable()`, readable means "a read would not wait" (bytes are buffered,
   * or the stream ended or failed), not only "the OS has bytes": Node reads
   * the socket for us.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { Interest } from 'tokio-ts/io';
   * import { TcpListener, TcpStream } from 'tokio-ts/net';
   *
   * main(function* () {
   *   const l = yield* TcpListener.bind('127.0.0.1:0');
   *   const c = yield* TcpStream.connect(l.localAddr());
   *   const [s] = yield* l.accept();
   *   const r = yield* c.ready(Interest.READABLE.add(Interest.WRITABLE));
   *   console.log(r.isWritable(), r.isReadable()); // true false
   *   yield* s.writeAll(new Uint8Array([1]));
   *   console.log((yield* c.ready(Interest.READABLE)).isReadable()); // true
   *   console.log(c.tryRead(new Uint8Array(4))); // 1
   *   c.close();
   *   s.close();
   *   l.close();
   * });
   * ```
   *
   * ## Cancel safety
   * Cancel safe: it consumes nothing.
   */
  ready(interest: Interest): Future<Ready> {
    return ready(this.io, interest);
  }

  /**
   * Reads without waiting into several buffers, filling them in order: the
   * total count (0 at end of stream), or `undefined` when no bytes are there
   * yet (Tokio's `try_read_vectored`).
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { Interest } from 'tokio-ts/io';
   * import { TcpListener, TcpStream } from 'tokio-ts/net';
   *
   * main(function* () {
   *   const l = yield* TcpListener.bind('127.0.0.1:0');
   *   const c = yield* TcpStream.connect(l.localAddr());
   *   const [s] = yield* l.accept();
   *   yield* s.writeAll(new TextEncoder().encode('headbody'));
   *   yield* c.ready(Interest.READABLE);
   *   const head = new Uint8Array(4);
   *   const body = new Uint8Array(16);
   *   console.log(c.tryReadVectored([head, body])); // 8
   *   console.log(new TextDecoder().decode(head)); // head
   *   c.close();
   *   s.close();
   *   l.close();
   * });
   * ```
   */
  tryReadVectored(bufs: Uint8Array[]): number | undefined {
    return this.io.r.tryReadVectored(checkBufs(bufs, 'tryReadVectored(bufs)'));
  }

  /**
   * Writes `buf`, returning how many bytes were taken (all of it up to 256
   * KiB). The bytes are copied: `buf` may be reused as soon as this returns.
   * Waits first while Node's write buffer is above its high-water mark, so a
   * peer that does not read slows the writer down.
   *
   * ## Cancel safety
   * Cancel safe: a cancelled write wrote nothing.
   */
  write(buf: Uint8Array): Future<number> {
    checkBuf(buf, 'write(buf)');
    return this.io.w.write(buf);
  }

  /** Writes without waiting: the count, or `undefined` when Node's buffer is full. */
  tryWrite(buf: Uint8Array): number | undefined {
    checkBuf(buf, 'tryWrite(buf)');
    return this.io.w.tryWrite(buf);
  }

  /**
   * Writes several buffers in order as one write (Tokio's `write_vectored`):
   * they are gathered into one copy (at most 256 KiB) handed to Node at once,
   * and the count taken is returned. Waits first while Node's write buffer
   * is full.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { TcpListener, TcpStream } from 'tokio-ts/net';
   *
   * main(function* () {
   *   const l = yield* TcpListener.bind('127.0.0.1:0');
   *   const c = yield* TcpStream.connect(l.localAddr());
   *   const [s] = yield* l.accept();
   *   const enc = new TextEncoder();
   *   console.log(yield* c.writeVectored([enc.encode('head:'), enc.encode('body')])); // 9
   *   c.close();
   *   console.log(yield* s.readToString()); // head:body
   *   s.close();
   *   l.close();
   * });
   * ```
   *
   * ## Cancel safety
   * Cancel safe: a cancelled write wrote nothing.
   */
  override writeVectored(bufs: Uint8Array[]): Future<number> {
    return this.io.w.writeVectored(checkBufs(bufs, 'writeVectored(bufs)'));
  }

  /** True: {@link writeVectored} sends all the buffers in one write. */
  override isWriteVectored(): boolean {
    return true;
  }

  /**
   * Writes several buffers in order without waiting: the count, or
   * `undefined` when Node's buffer is full (Tokio's `try_write_vectored`).
   */
  tryWriteVectored(bufs: Uint8Array[]): number | undefined {
    return this.io.w.tryWriteVectored(checkBufs(bufs, 'tryWriteVectored(bufs)'));
  }

  /**
   * Waits until a write would not wait.
   *
   * ## Cancel safety
   * Cancel safe.
   */
  writable(): Future<void> {
    return this.io.w.writable();
  }

  /**
   * Waits until Node has handed every written byte to the OS.
   *
   * ## Cancel safety
   * Cancel safe.
   */
  flush(): Future<void> {
    return this.io.w.flush();
  }

  /**
   * Flushes and shuts down the write direction (sends FIN); the peer reads 0.
   * Reading still works. Calling it twice is fine.
   *
   * ## Cancel safety
   * Cancel safe: the FIN is sent whether or not the caller waits for it.
   */
  shutdown(): Future<void> {
    return this.io.w.shutdown();
  }

  /**
   * Closes the stream: bytes already written are still sent, then the
   * connection closes. Later reads and writes fail with an `IoError` of kind
   * `not-connected`, and so do reads and writes parked on it now.
   */
  close(): void {
    this.io.close();
  }

  /** Same as {@link close}. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal */
  [readReady](): boolean {
    return this.io.r.isReady();
  }

  /** @internal Node sends what `write` accepted without a flush. */
  [flushPending](): boolean {
    return false;
  }
}

/**
 * The read half of a socket stream (`split`/`intoSplit`).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { TcpListener, TcpStream } from 'tokio-ts/net';
 *
 * main(function* () {
 *   const l = yield* TcpListener.bind('127.0.0.1:0');
 *   const c = yield* TcpStream.connect(l.localAddr());
 *   const [s] = yield* l.accept();
 *   const [rd] = s.intoSplit();
 *   yield* c.writeAll(new Uint8Array([7]));
 *   const chunk = yield* rd.readChunk();
 *   console.log(chunk); // <Buffer 07>
 *   c.close();
 *   s.close();
 *   l.close();
 * });
 * ```
 */
export class OwnedReadHalf extends ReadBase {
  /** @internal */
  readonly io: SocketIo;

  /** @internal */
  constructor(io: SocketIo) {
    super();
    this.io = io;
  }

  /** As the stream's `read`. Cancel safe. */
  read(buf: Uint8Array): Future<number> {
    checkBuf(buf, 'read(buf)');
    return this.io.r.read(buf);
  }
  /** As the stream's `readChunk`. Cancel safe. */
  readChunk(): Future<Uint8Array | undefined> {
    return this.io.r.readChunk();
  }
  /** As the stream's `peek`. Cancel safe. */
  peek(buf: Uint8Array): Future<number> {
    checkBuf(buf, 'peek(buf)');
    return this.io.r.peek(buf);
  }
  /** As the stream's `tryRead`. */
  tryRead(buf: Uint8Array): number | undefined {
    checkBuf(buf, 'tryRead(buf)');
    return this.io.r.tryRead(buf);
  }
  /** As the stream's `readable`. Cancel safe. */
  readable(): Future<void> {
    return this.io.r.readable();
  }
  /** As the stream's `ready` (any interest; the stream's readiness). Cancel safe. */
  ready(interest: Interest): Future<Ready> {
    return ready(this.io, interest);
  }
  /** As the stream's `tryReadVectored`. */
  tryReadVectored(bufs: Uint8Array[]): number | undefined {
    return this.io.r.tryReadVectored(checkBufs(bufs, 'tryReadVectored(bufs)'));
  }
  /** @internal */
  [readReady](): boolean {
    return this.io.r.isReady();
  }
  /** True if `w` comes from the same stream. */
  isPairOf(w: OwnedWriteHalf): boolean {
    return w.io === this.io;
  }
}

/**
 * The write half of a socket stream (`split`/`intoSplit`). `close()` shuts
 * the write direction down, as dropping Tokio's `OwnedWriteHalf` does.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { TcpListener, TcpStream } from 'tokio-ts/net';
 *
 * main(function* () {
 *   const l = yield* TcpListener.bind('127.0.0.1:0');
 *   const c = yield* TcpStream.connect(l.localAddr());
 *   const [s] = yield* l.accept();
 *   const [, wr] = s.intoSplit();
 *   yield* wr.writeAll(new TextEncoder().encode('bye'));
 *   wr.close(); // FIN: the peer reads to the end
 *   console.log(yield* c.readToString()); // bye
 *   c.close();
 *   s.close();
 *   l.close();
 * });
 * ```
 */
export class OwnedWriteHalf extends WriteBase {
  /** @internal */
  readonly io: SocketIo;

  /** @internal */
  constructor(io: SocketIo) {
    super();
    this.io = io;
  }

  /** As the stream's `write` (copies; cancel safe). */
  write(buf: Uint8Array): Future<number> {
    checkBuf(buf, 'write(buf)');
    return this.io.w.write(buf);
  }
  /** As the stream's `tryWrite`. */
  tryWrite(buf: Uint8Array): number | undefined {
    checkBuf(buf, 'tryWrite(buf)');
    return this.io.w.tryWrite(buf);
  }
  /** As the stream's `writable`. Cancel safe. */
  writable(): Future<void> {
    return this.io.w.writable();
  }
  /** As the stream's `ready` (any interest; the stream's readiness). Cancel safe. */
  ready(interest: Interest): Future<Ready> {
    return ready(this.io, interest);
  }
  /** As the stream's `writeVectored` (one gathered write; cancel safe). */
  override writeVectored(bufs: Uint8Array[]): Future<number> {
    return this.io.w.writeVectored(checkBufs(bufs, 'writeVectored(bufs)'));
  }
  /** True: `writeVectored` sends all the buffers in one write. */
  override isWriteVectored(): boolean {
    return true;
  }
  /** As the stream's `tryWriteVectored`. */
  tryWriteVectored(bufs: Uint8Array[]): number | undefined {
    return this.io.w.tryWriteVectored(checkBufs(bufs, 'tryWriteVectored(bufs)'));
  }
  /** As the stream's `flush`. Cancel safe. */
  flush(): Future<void> {
    return this.io.w.flush();
  }
  /** Sends FIN after the written bytes. Cancel safe. */
  shutdown(): Future<void> {
    return this.io.w.shutdown();
  }
  /** Shuts the write direction down without waiting (Tokio's drop of the half). */
  close(): void {
    this.io.w.end();
  }
  /** Same as {@link close}. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal Node sends what `write` accepted without a flush. */
  [flushPending](): boolean {
    return false;
  }
}
