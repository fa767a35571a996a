/** `FramedRead`, `FramedWrite`, `Framed`: streams of frames over byte streams. */
import type { Future, Suspend } from '../future/future.js';
import type { AsyncRead, AsyncWrite } from '../io/traits.js';
import { BytesMut } from './bytes-mut.js';
import { CodecError } from './error.js';
import type { Decoder, Encoder } from './traits.js';

const READ_CHUNK = 8 * 1024;
/** tokio-util's backpressure boundary: `feed` writes out once this much is buffered. */
const DEFAULT_HWM = 8 * 1024;

type ChunkReader = { readChunk(): Future<Uint8Array | undefined> };

/** @internal The read half of a framed stream, shared by FramedRead and Framed. */
class ReadState<T> {
  readonly buf = new BytesMut();
  eof = false;
  done = false;
  readonly chunked: ChunkReader | null;

  constructor(
    readonly r: AsyncRead,
    readonly decoder: Decoder<T>,
  ) {
    const c = r as Partial<ChunkReader>;
    this.chunked = typeof c.readChunk === 'function' ? (r as unknown as ChunkReader) : null;
  }

  *next(): Generator<Suspend, T | undefined, unknown> {
    if (this.done) return undefined;
    try {
      for (;;) {
        if (this.eof) {
          const last =
            this.decoder.decodeEof !== undefined
              ? this.decoder.decodeEof(this.buf)
              : this.#defaultEof();
          if (last === undefined) this.done = true;
          return last;
        }
        if (this.buf.length > 0) {
          const item = this.decoder.decode(this.buf);
          if (item !== undefined) return item;
        }
        if (this.chunked !== null) {
          const c = yield* this.chunked.readChunk();
          if (c === undefined) this.eof = true;
          else this.buf.extend(c);
        } else {
          const n = yield* this.r.read(this.buf.spare(READ_CHUNK));
          if (n === 0) this.eof = true;
          else this.buf.commit(n);
        }
      }
    } catch (e) {
      // Like tokio-util: after an error the frame stream ends.
      this.done = true;
      throw e;
    }
  }

  #defaultEof(): T | undefined {
    const item = this.decoder.decode(this.buf);
    if (item !== undefined) return item;
    if (this.buf.length > 0)
      throw new CodecError(
        'bytes-remaining-on-stream',
        `the stream ended inside a frame (${this.buf.length} bytes left)`,
      );
    return undefined;
  }
}

/** @internal The write half, shared by FramedWrite and Framed. */
class WriteState<T> {
  readonly buf = new BytesMut();

  constructor(
    readonly w: AsyncWrite,
    readonly encoder: Encoder<T>,
    readonly hwm: number,
  ) {}

  *writeOut(): Generator<Suspend, void, unknown> {
    const buf = this.buf;
    while (buf.length > 0) {
      const n = yield* this.w.write(buf.chunk());
      if (n === 0)
        throw new CodecError('bytes-remaining-on-stream', 'the writer accepts no more bytes');
      buf.advance(n);
    }
  }

  *feed(item: T): Generator<Suspend, void, unknown> {
    this.encoder.encode(item, this.buf);
    if (this.buf.length >= this.hwm) yield* this.writeOut();
  }

  *flush(): Generator<Suspend, void, unknown> {
    yield* this.writeOut();
    yield* this.w.flush();
  }

  *send(item: T): Generator<Suspend, void, unknown> {
    this.encoder.encode(item, this.buf);
    yield* this.writeOut();
    yield* this.w.flush();
  }

  *close(): Generator<Suspend, void, unknown> {
    yield* this.writeOut();
    yield* this.w.shutdown();
  }
}

/**
 * Reads frames from a byte stream with a {@link Decoder}. Uses the stream's
 * zero-copy `readChunk()` when it has one (sockets do).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { FramedRead, LinesCodec } from 'tokio-ts/codec';
 * import { duplex } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const [a, b] = duplex(64);
 *   yield* a.writeAll(new TextEncoder().encode('one\ntwo\n'));
 *   a.close();
 *   const lines = new FramedRead(b, new LinesCodec());
 *   for (let line; (line = yield* lines.next()) !== undefined; ) console.log(line);
 *   // one
 *   // two
 * });
 * ```
 */
export class FramedRead<T, R extends AsyncRead = AsyncRead> {
  readonly #s: ReadState<T>;

  constructor(reader: R, decoder: Decoder<T>) {
    if (reader === null || typeof reader !== 'object' || typeof reader.read !== 'function')
      throw new TypeError('new FramedRead(reader, decoder): reader must be an AsyncRead');
    if (decoder === null || typeof decoder !== 'object' || typeof decoder.decode !== 'function')
      throw new TypeError('new FramedRead(reader, decoder): decoder must have decode(src)');
    this.#s = new ReadState(reader, decoder);
  }

  /**
   * The next frame, or `undefined` once the stream ended. A decoder error is
   * thrown, and the frame stream then ends (later calls return `undefined`).
   *
   * ## Cancel safety
   * Cancel safe (when the reader's reads are): bytes already read stay
   * buffered for the next call.
   */
  next(): Future<T | undefined> {
    return this.#s.next();
  }

  /** The wrapped reader. */
  get inner(): R {
    return this.#s.r as R;
  }

  /** Bytes read but not decoded yet. */
  readBuffer(): BytesMut {
    return this.#s.buf;
  }

  /** The decoder. */
  get decoder(): Decoder<T> {
    return this.#s.decoder;
  }
}

/**
 * Writes frames to a byte stream with an {@link Encoder}. `feed` buffers
 * (writing out once 8 KiB are buffered), `send` is `feed` + `flush`.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { FramedWrite, LengthDelimitedCodec } from 'tokio-ts/codec';
 * import { duplex } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const [a, b] = duplex(64);
 *   const out = new FramedWrite(a, new LengthDelimitedCodec());
 *   yield* out.send(new TextEncoder().encode('hi'));
 *   const head = new Uint8Array(6);
 *   yield* b.readExact(head);
 *   console.log(head); // Uint8Array(6) [ 0, 0, 0, 2, 104, 105 ]
 * });
 * ```
 */
export class FramedWrite<T, W extends AsyncWrite = AsyncWrite> {
  readonly #s: WriteState<T>;

  constructor(writer: W, encoder: Encoder<T>, opts: { backpressureBoundary?: number } = {}) {
    if (writer === null || typeof writer !== 'object' || typeof writer.write !== 'function')
      throw new TypeError('new FramedWrite(writer, encoder): writer must be an AsyncWrite');
    if (encoder === null || typeof encoder !== 'object' || typeof encoder.encode !== 'function')
      throw new TypeError('new FramedWrite(writer, encoder): encoder must have encode(item, dst)');
    this.#s = new WriteState(writer, encoder, opts.backpressureBoundary ?? DEFAULT_HWM);
  }

  /**
   * Encodes `item` into the buffer; writes the buffer out when it is over the
   * backpressure boundary.
   *
   * ## Cancel safety
   * Not cancel safe: the item may be partly written.
   */
  feed(item: T): Future<void> {
    return this.#s.feed(item);
  }

  /**
   * Encodes `item`, writes everything buffered and flushes the writer.
   *
   * ## Cancel safety
   * Not cancel safe.
   */
  send(item: T): Future<void> {
    return this.#s.send(item);
  }

  /**
   * Writes everything buffered and flushes the writer.
   *
   * ## Cancel safety
   * Cancel safe: what is not written stays buffered.
   */
  flush(): Future<void> {
    return this.#s.flush();
  }

  /** Writes everything buffered, then shuts the writer down. */
  close(): Future<void> {
    return this.#s.close();
  }

  /** The wrapped writer. */
  get inner(): W {
    return this.#s.w as W;
  }

  /** Encoded bytes not written yet. */
  writeBuffer(): BytesMut {
    return this.#s.buf;
  }
}

/**
 * Frames in both directions over one stream: {@link FramedRead}'s `next`
 * and {@link FramedWrite}'s `feed`/`send`/`flush`/`close`, with one codec.
 *
 * @example
 * ```ts
 * import { main, spawn } from 'tokio-ts';
 * import { Framed, LinesCodec } from 'tokio-ts/codec';
 * import { duplex } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const [a, b] = duplex(256);
 *   const server = spawn(function* () {
 *     const conn = new Framed(b, new LinesCodec());
 *     for (let line; (line = yield* conn.next()) !== undefined; ) yield* conn.send(line.toUpperCase());
 *     yield* conn.close();
 *   });
 *   const client = new Framed(a, new LinesCodec());
 *   yield* client.send('hello');
 *   console.log(yield* client.next()); // HELLO
 *   yield* client.close();
 *   yield* server;
 * });
 * ```
 */
export class Framed<T, U = T, S extends AsyncRead & AsyncWrite = AsyncRead & AsyncWrite> {
  readonly #r: ReadState<T>;
  readonly #w: WriteState<U>;
  readonly #io: S;

  constructor(io: S, codec: Decoder<T> & Encoder<U>, opts: { backpressureBoundary?: number } = {}) {
    if (
      io === null ||
      typeof io !== 'object' ||
      typeof io.read !== 'function' ||
      typeof io.write !== 'function'
    )
      throw new TypeError('new Framed(io, codec): io must be AsyncRead + AsyncWrite');
    if (
      codec === null ||
      typeof codec !== 'object' ||
      typeof codec.decode !== 'function' ||
      typeof codec.encode !== 'function'
    )
      throw new TypeError('new Framed(io, codec): codec must have decode and encode');
    this.#io = io;
    this.#r = new ReadState(io, codec);
    this.#w = new WriteState(io, codec, opts.backpressureBoundary ?? DEFAULT_HWM);
  }

  /**
   * The next frame, or `undefined` at the end of the stream.
   *
   * ## Cancel safety
   * Cancel safe (see {@link FramedRead.next}).
   */
  next(): Future<T | undefined> {
    return this.#r.next();
  }

  /** Encodes `item` (writing out past the backpressure boundary). Not cancel safe. */
  feed(item: U): Future<void> {
    return this.#w.feed(item);
  }

  /** Encodes `item`, writes out and flushes. Not cancel safe. */
  send(item: U): Future<void> {
    return this.#w.send(item);
  }

  /** Writes out and flushes. Cancel safe: what is not written stays buffered. */
  flush(): Future<void> {
    return this.#w.flush();
  }

  /** Writes out, then shuts the write side down. */
  close(): Future<void> {
    return this.#w.close();
  }

  /** The wrapped stream. */
  get inner(): S {
    return this.#io;
  }

  /** Bytes read but not decoded yet. */
  readBuffer(): BytesMut {
    return this.#r.buf;
  }

  /** Encoded bytes not written yet. */
  writeBuffer(): BytesMut {
    return this.#w.buf;
  }
}
