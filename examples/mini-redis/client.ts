// A small mini-redis client library on tokio-ts: one connection, requests and
// replies as RESP frames through a `Framed` stream.
import type { Future } from 'tokio-ts';
import { Framed } from 'tokio-ts/codec';
import { TcpStream, type ToSocketAddr } from 'tokio-ts/net';
import { array, bulk, type Frame, RespCodec } from './resp.js';

/** A reply of kind error. */
export class RedisError extends Error {
  readonly kind = 'redis';
  constructor(message: string) {
    super(message);
    this.name = 'RedisError';
  }
}

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

export class Client {
  readonly #conn: Framed<Frame, Frame, TcpStream>;

  private constructor(stream: TcpStream) {
    stream.setNodelay(true);
    this.#conn = new Framed(stream, new RespCodec());
  }

  /** Connects to a server. */
  static *connect(addr: ToSocketAddr): Future<Client> {
    return new Client(yield* TcpStream.connect(addr));
  }

  /** Sends a command and returns its reply; an error reply is thrown as a RedisError. */
  *command(...args: (string | Uint8Array)[]): Future<Frame> {
    yield* this.#conn.send(array(args.map((a) => bulk(a))));
    const reply = yield* this.#conn.next();
    if (reply === undefined) throw new RedisError('connection closed by the server');
    if (reply.t === 'error') throw new RedisError(reply.v);
    return reply;
  }

  *ping(msg?: string): Future<string> {
    const r = yield* this.command(...(msg === undefined ? ['PING'] : ['PING', msg]));
    return r.t === 'simple' ? r.v : r.t === 'bulk' ? text(r.v) : '';
  }

  *get(key: string): Future<string | undefined> {
    const r = yield* this.command('GET', key);
    return r.t === 'bulk' ? text(r.v) : undefined;
  }

  /** SET, optionally expiring after `px` ms. */
  *set(key: string, value: string | Uint8Array, opts: { px?: number } = {}): Future<void> {
    if (opts.px === undefined) yield* this.command('SET', key, value);
    else yield* this.command('SET', key, value, 'PX', String(opts.px));
  }

  *publish(channel: string, message: string | Uint8Array): Future<number> {
    const r = yield* this.command('PUBLISH', channel, message);
    return r.t === 'int' ? r.v : 0;
  }

  /** Enters subscriber mode: the connection then only receives messages. */
  *subscribe(channels: string[]): Future<Subscriber> {
    yield* this.#conn.send(array(['SUBSCRIBE', ...channels].map((a) => bulk(a))));
    for (let i = 0; i < channels.length; i++) {
      const r = yield* this.#conn.next();
      if (r === undefined || r.t !== 'array') throw new RedisError('unexpected reply to SUBSCRIBE');
    }
    return new Subscriber(this.#conn);
  }

  close(): void {
    this.#conn.inner.close();
  }
}

/** A connection in subscriber mode. */
export class Subscriber {
  readonly #conn: Framed<Frame, Frame, TcpStream>;

  /** @internal */
  constructor(conn: Framed<Frame, Frame, TcpStream>) {
    this.#conn = conn;
  }

  /** The next published message, or undefined when the connection closed. Cancel safe. */
  *nextMessage(): Future<{ channel: string; content: string } | undefined> {
    for (;;) {
      const r = yield* this.#conn.next();
      if (r === undefined) return undefined;
      if (r.t === 'array' && r.v[0]?.t === 'bulk' && text(r.v[0].v) === 'message') {
        const [, ch, msg] = r.v;
        if (ch?.t === 'bulk' && msg?.t === 'bulk')
          return { channel: text(ch.v), content: text(msg.v) };
      }
    }
  }

  close(): void {
    this.#conn.inner.close();
  }
}
