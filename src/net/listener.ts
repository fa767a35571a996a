/**
 * The accept side shared by TcpListener and UnixListener: a Node server whose
 * connections wait (paused) in a queue until a task accepts them.
 * @internal
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Suspend } from '../future/future.js';
import { IoError } from '../io/error.js';
import { inspect, instrument, type ResourceInfo } from '../runtime/instrument.js';
import { LazyTakeLeaf } from '../runtime/io/lazy-take.js';
import { LinkedList } from '../runtime/linked-list.js';
import { RingBuffer } from '../runtime/ring-buffer.js';
import { hostPort } from './addr.js';
import { awaitReady } from './ready.js';

const swallow = (): void => {};

/** @internal */
export class ListenerCore {
  readonly server: Server;
  readonly #queue = new RingBuffer<Socket>();
  readonly waiters = new LinkedList<LazyTakeLeaf<Socket>>();
  closed = false;
  error: IoError | null = null;
  readonly label: string;

  constructor(label: string) {
    this.label = label;
    this.server = createServer({ allowHalfOpen: true, pauseOnConnect: true });
    this.server.on('connection', this.#onConnection);
    if (instrument !== null) instrument.resource(this);
  }

  /** what the console shows: the address, connections not accepted yet, tasks in accept() */
  [inspect](): ResourceInfo {
    const waiters: object[] = [];
    for (let w = this.waiters.head; w !== null; w = w.nx) waiters.push(w);
    const a = this.server.address();
    return {
      kind: this.label,
      waiters,
      fields: {
        local: a === null ? undefined : typeof a === 'string' ? a : hostPort(a.address, a.port),
        queued: this.#queue.length,
        closed: this.closed,
      },
    };
  }

  /** Starts listening; resolves once bound. */
  *listen(
    opts: { host: string; port: number } | { path: string },
    address: string,
  ): Generator<Suspend, void, unknown> {
    const server = this.server;
    yield* awaitReady(
      server,
      'listening',
      () => server.listen(opts),
      { address },
      () => server.close(),
      `${this.label} bind ${address}`,
    );
    server.on('error', this.#onError);
  }

  readonly #onConnection = (socket: Socket): void => {
    if (this.closed) {
      socket.destroy();
      return;
    }
    // Until a task accepts it, an error on the socket must not crash the process;
    // the stream's reader sees the socket's state when it wraps it.
    socket.on('error', swallow);
    this.#queue.push(socket);
    const w = this.waiters.shift();
    if (w !== null) w.task!.wake();
  };

  readonly #onError = (err: Error): void => {
    this.error = IoError.from(err);
    for (let w = this.waiters.shift(); w !== null; w = this.waiters.shift()) w.task!.wake();
  };

  /** @internal */
  isReady(): boolean {
    return this.#queue.length > 0 || this.closed || this.error !== null;
  }

  /** @internal */
  take(): Socket {
    if (this.closed) throw new IoError('not-connected', `${this.label}: the listener is closed`);
    if (this.error !== null) throw this.error;
    const s = this.#queue.shift()!;
    s.off('error', swallow);
    if (this.#queue.length > 0) {
      const w = this.waiters.shift();
      if (w !== null) w.task!.wake();
    }
    return s;
  }

  /** @internal */
  passOn(): void {
    if (this.#queue.length > 0) {
      const w = this.waiters.shift();
      if (w !== null) w.task!.wake();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.server.close();
    for (let s = this.#queue.shift(); s !== undefined; s = this.#queue.shift()) s.destroy();
    for (let w = this.waiters.shift(); w !== null; w = this.waiters.shift()) w.task!.wake();
  }
}

/** Waits for a queued connection. Returns the raw socket; the listener wraps it. @internal */
export class AcceptLeaf extends LazyTakeLeaf<Socket> {
  readonly #core: ListenerCore;

  constructor(core: ListenerCore) {
    super();
    this.#core = core;
  }

  protected ready(): boolean {
    return this.#core.isReady();
  }

  protected take(): Socket {
    return this.#core.take();
  }

  protected waiters(): LinkedList<LazyTakeLeaf<Socket>> {
    return this.#core.waiters;
  }

  protected passOn(): void {
    this.#core.passOn();
  }

  describe(): string {
    return `${this.#core.label} accept`;
  }
}
