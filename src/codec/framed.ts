/** `FramedRead`, `FramedWrite`, `Framed`: streams of frames over byte streams. */
import type { Future, Suspend } from '../future/future.js';
import { IoError } from '../io/error.js';
import { probeFlush } from '../io/probe.js';
import type { AsyncRead, AsyncWrite } from '../io/traits.js';
import { BytesMut } from './bytes-mut.js';
import { CodecError } from './error.js';
import type { Decoder, Encoder } from './traits.js';

/**
 * Spare room offered to a reader without `readChunk` (tokio-util: 8 KiB).
 * 64 KiB, as Node's read streams: each `File` read is a thread-pool round trip.
 */
const READ_CHUNK = 64 * 1024;
/** tokio-util's backpressure boundary: `feed` writes out once this much is buffered. */
const DEFAULT_HWM = 8 * 1024;

type ChunkReader = { readChunk(): Future<Uint8Array | undefined> };

/**
 * @internal The read half of a framed stream, shared by FramedRead and Framed.
 *
 * tokio-util's `ReadFrame` state machine: `readable` means the buffer may
 * hold a frame (decode before reading more); `eof` means the last read
 * returned end of stream (decode with `decodeEof`); `errored` means the last
 * call threw, so the next returns `undefined` once. After that `undefined`
 * the reader is read again, so a stream that ends (or fails) and then has
 * more bytes keeps producing frames.
 */
class ReadState<T> {
  buf: BytesMut;
  readable: boolean;
  eof = false;
  errored = false;
  readonly chunked: ChunkReader | null;

  constructor(
    readonly r: AsyncRead,
    public decoder: Decoder<T>,
    buf: BytesMut = new BytesMut(),
  ) {
    const c = r as Partial<ChunkReader>;
    this.chunked = typeof c.readChunk === 'function' ? (r as unknown as ChunkReader) : null;
    this.buf = buf;
    this.readable = buf.length > 0;
  }

  *next(): Generator<Suspend, T | undefined, unknown> {
    if (this.errored) {
      this.errored = false;
      this.readable = false;
      return undefined;
    }
    try {
      for (;;) {
        if (this.readable) {
          if (this.eof) {
            const last =
              this.decoder.decodeEof !== undefined
                ? this.decoder.decodeEof(this.buf)
                : this.#defaultEof();
            if (last === undefined) this.readable = false;
            return last;
          }
          const item = this.decoder.decode(this.buf);
          if (item !== undefined) return item;
          this.readable = false;
        }
        let n: number;
        if (this.chunked !== null) {
          const c = yield* this.chunked.readChunk();
          n = c === undefined ? 0 : c.length;
          if (n > 0) this.buf.extend(c!);
        } else {
          n = yield* this.r.read(this.buf.spare(READ_CHUNK));
          if (n > 0) this.buf.commit(n);
        }
        if (n === 0) {
          if (this.eof) return undefined;
          this.eof = true;
        } else this.eof = false;
        this.readable = true;
      }
    } catch (e) {
      // The next call returns undefined once, then reads again.
      this.errored = true;
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
  constructor(
    readonly w: AsyncWrite,
    public encoder: Encoder<T>,
    readonly hwm: number,
    readonly buf: BytesMut = new BytesMut(),
  ) {}

  *writeOut(): Generator<Suspend, void, unknown> {
    const buf = this.buf;
    while (buf.length > 0) {
      const n = yield* this.w.write(buf.chunk());
      // Tokio: io::ErrorKind::WriteZero, as writeAll and BufWriter throw
      if (n === 0)
        throw new IoError(
          'write-zero',
          'failed to write frame to transport: the writer accepts no more bytes',
        );
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

  /**
   * feed + flush, as tokio-util's `SinkExt::send`, with Tokio's socket flush:
   * a writer whose accepted bytes go out by themselves (a socket or pipe,
   * which say so through `flushPending`) is not flushed, so a `send` that
   * the writer takes without backpressure costs no event-loop turn (a
   * socket's `flush()` here waits for Node to hand the bytes to the OS;
   * Tokio's is a no-op). A writer that holds bytes back (a `BufWriter`) or
   * cannot tell is flushed. Backpressure stays: the write parks while the
   * socket's buffer is above its high-water mark.
   */
  *send(item: T): Generator<Suspend, void, unknown> {
    this.encoder.encode(item, this.buf);
    yield* this.writeOut();
    if (probeFlush(this.w) !== false) yield* this.w.flush();
  }

  *close(): Generator<Suspend, void, unknown> {
    yield* this.writeOut();
    yield* this.w.shutdown();
  }
}

/** Options of {@link FramedWrite} and {@link Framed}. */
export interface FramedOptions {
  /** Buffered bytes past which `feed` writes out (tokio-util's backpressure boundary; default 8 KiB). */
  backpressureBoundary?: number;
}

function checkReader(r: unknown, what: string): void {
  if (r === null || typeof r !== 'object' || typeof (r as AsyncRead).read !== 'function')
    throw new TypeError(`${what}: reader must be an AsyncRead`);
}

function checkWriter(w: unknown, what: string): void {
  if (w === null || typeof w !== 'object' || typeof (w as AsyncWrite).write !== 'function')
    throw new TypeError(`${what}: writer must be an AsyncWrite`);
}

function checkDecoder(d: unknown, what: string): void {
  if (d === null || typeof d !== 'object' || typeof (d as Decoder<unknown>).decode !== 'function')
    throw new TypeError(`${what}: decoder must have decode(src)`);
}

function checkEncoder(e: unknown, what: string): void {
  if (e === null || typeof e !== 'object' || typeof (e as Encoder<unknown>).encode !== 'function')
    throw new TypeError(`${what}: encoder must have encode(item, dst)`);
}

function hwmOf(opts: FramedOptions | undefined, what: string): number {
  const hwm = opts?.backpressureBoundary ?? DEFAULT_HWM;
  if (!(hwm >= 0))
    throw new RangeError(`${what}: backpressureBoundary must be >= 0, got ${String(hwm)}`);
  return hwm;
}

function moved(what: string): never {
  throw new TypeError(
    `${what} was moved (mapCodec/mapDecoder/mapEncoder/intoParts): use the new one`,
  );
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
export class FramedRead<T, R extends AsyncRead = AsyncRead, D extends Decoder<T> = Decoder<T>> {
  #s: ReadState<T> | null;

  constructor(reader: R, decoder: D & Decoder<T>) {
    checkReader(reader, 'new FramedRead(reader, decoder)');
    checkDecoder(decoder, 'new FramedRead(reader, decoder)');
    this.#s = new ReadState(reader, decoder);
  }

  get #st(): ReadState<T> {
    return this.#s ?? moved('this FramedRead');
  }

  /**
   * The next frame, or `undefined` at the end of the stream. A read or
   * decoder error is thrown, and the next call returns `undefined` once (the
   * end of that frame stream), as tokio-util's `FramedRead` does. After an
   * `undefined` (end of stream or after an error) the reader is read again:
   * a reader that returns more bytes after its end of stream (a file that
   * grew, a scripted mock) keeps producing frames, and a stream that really
   * ended keeps returning `undefined`.
   *
   * ## Cancel safety
   * Cancel safe (when the reader's reads are): bytes already read stay
   * buffered for the next call.
   */
  next(): Future<T | undefined> {
    return this.#st.next();
  }

  /** The wrapped reader. */
  get inner(): R {
    return this.#st.r as R;
  }

  /** Bytes read but not decoded yet. */
  readBuffer(): BytesMut {
    return this.#st.buf;
  }

  /** The decoder. */
  get decoder(): D {
    return this.#st.decoder as D;
  }

  /**
   * The decoder, to change its settings between frames (tokio-util's
   * `decoder_mut`; in JavaScript it is the same object as {@link decoder}).
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { FramedRead, LengthDelimitedCodec } from 'tokio-ts/codec';
   * import { duplex } from 'tokio-ts/io';
   *
   * main(function* () {
   *   const [, b] = duplex(64);
   *   const frames = new FramedRead(b, new LengthDelimitedCodec());
   *   frames.decoderMut().setMaxFrameLength(5);
   *   console.log(frames.decoder.maxFrameLength); // 5
   * });
   * ```
   */
  decoderMut(): D {
    return this.#st.decoder as D;
  }

  /**
   * Moves the reader, the buffered bytes and the read state to a new
   * `FramedRead` with the decoder `f` returns (tokio-util's `map_decoder`):
   * bytes already read are decoded by the new decoder. This one is unusable
   * afterwards (its methods throw a `TypeError`), as Rust moves it.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { BytesCodec, FramedRead, LinesCodec } from 'tokio-ts/codec';
   * import { duplex } from 'tokio-ts/io';
   *
   * main(function* () {
   *   const [a, b] = duplex(64);
   *   yield* a.writeAll(new TextEncoder().encode('HELLO\nraw bytes'));
   *   a.close();
   *   const lines = new FramedRead(b, new LinesCodec());
   *   console.log(yield* lines.next()); // HELLO
   *   const raw = lines.mapDecoder(() => new BytesCodec());
   *   console.log(new TextDecoder().decode(yield* raw.next())); // raw bytes
   * });
   * ```
   */
  mapDecoder<T2, D2 extends Decoder<T2>>(
    f: (decoder: D) => D2 & Decoder<T2>,
  ): FramedRead<T2, R, D2> {
    const st = this.#st;
    const d2 = f(st.decoder as D);
    checkDecoder(d2, 'FramedRead.mapDecoder(f)');
    this.#s = null;
    const out = new FramedRead<T2, R, D2>(st.r as R, d2);
    const moved2 = st as unknown as ReadState<T2>;
    moved2.decoder = d2;
    out.#s = moved2;
    return out;
  }
}

/**
 * Writes frames to a byte stream with an {@link Encoder}. `feed` buffers
 * (writing out once 8 KiB are buffered), `send` is `feed` + `flush` (no flush
 * of a socket or pipe, which sends what it accepts by itself).
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
export class FramedWrite<T, W extends AsyncWrite = AsyncWrite, E extends Encoder<T> = Encoder<T>> {
  #s: WriteState<T> | null;

  constructor(writer: W, encoder: E & Encoder<T>, opts: FramedOptions = {}) {
    checkWriter(writer, 'new FramedWrite(writer, encoder)');
    checkEncoder(encoder, 'new FramedWrite(writer, encoder)');
    this.#s = new WriteState(writer, encoder, hwmOf(opts, 'new FramedWrite'));
  }

  get #st(): WriteState<T> {
    return this.#s ?? moved('this FramedWrite');
  }

  /**
   * Encodes `item` into the buffer; writes the buffer out when it is over the
   * backpressure boundary.
   *
   * ## Cancel safety
   * Not cancel safe: the item may be partly written.
   */
  feed(item: T): Future<void> {
    return this.#st.feed(item);
  }

  /**
   * Encodes `item`, writes everything buffered and flushes the writer —
   * except a socket or pipe, whose written bytes go out by themselves: it is
   * not flushed, so a `send` costs no event-loop turn while the socket takes
   * the bytes (as with Tokio, whose socket flush is a no-op). Call
   * {@link flush} to wait until Node has handed the bytes to the OS. A
   * reader that falls behind still slows the sender: the write waits while
   * the socket's buffer is above its high-water mark.
   *
   * ## Cancel safety
   * Not cancel safe.
   */
  send(item: T): Future<void> {
    return this.#st.send(item);
  }

  /**
   * Writes everything buffered and flushes the writer.
   *
   * ## Cancel safety
   * Cancel safe: what is not written stays buffered.
   */
  flush(): Future<void> {
    return this.#st.flush();
  }

  /**
   * Writes everything buffered, then shuts the writer down.
   *
   * ## Cancel safety
   * Cancel safe: what is not written stays buffered; call it again.
   */
  close(): Future<void> {
    return this.#st.close();
  }

  /** The wrapped writer. */
  get inner(): W {
    return this.#st.w as W;
  }

  /** Encoded bytes not written yet. */
  writeBuffer(): BytesMut {
    return this.#st.buf;
  }

  /** The encoder. */
  get encoder(): E {
    return this.#st.encoder as E;
  }

  /**
   * The encoder, to change its settings between frames (tokio-util's
   * `encoder_mut`; the same object as {@link encoder}).
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { FramedWrite, LengthDelimitedCodec } from 'tokio-ts/codec';
   * import { duplex } from 'tokio-ts/io';
   *
   * main(function* () {
   *   const [a] = duplex(64);
   *   const out = new FramedWrite(a, new LengthDelimitedCodec());
   *   out.encoderMut().setMaxFrameLength(2);
   *   try {
   *     yield* out.send(new Uint8Array(3));
   *   } catch (e) {
   *     console.log((e as Error).name); // CodecError
   *   }
   * });
   * ```
   */
  encoderMut(): E {
    return this.#st.encoder as E;
  }

  /**
   * Moves the writer and the bytes not written yet to a new `FramedWrite`
   * with the encoder `f` returns (tokio-util's `map_encoder`). This one is
   * unusable afterwards (its methods throw a `TypeError`).
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { BytesCodec, FramedWrite, LinesCodec } from 'tokio-ts/codec';
   * import { duplex } from 'tokio-ts/io';
   *
   * main(function* () {
   *   const [a, b] = duplex(64);
   *   const lines = new FramedWrite(a, new LinesCodec());
   *   yield* lines.feed('header');
   *   const raw = lines.mapEncoder(() => new BytesCodec());
   *   yield* raw.send(new TextEncoder().encode('body'));
   *   yield* raw.close();
   *   console.log(JSON.stringify(yield* b.readToString())); // "header\nbody"
   * });
   * ```
   */
  mapEncoder<T2, E2 extends Encoder<T2>>(
    f: (encoder: E) => E2 & Encoder<T2>,
  ): FramedWrite<T2, W, E2> {
    const st = this.#st;
    const e2 = f(st.encoder as E);
    checkEncoder(e2, 'FramedWrite.mapEncoder(f)');
    this.#s = null;
    const out = new FramedWrite<T2, W, E2>(st.w as W, e2, { backpressureBoundary: st.hwm });
    const moved2 = st as unknown as WriteState<T2>;
    moved2.encoder = e2;
    out.#s = moved2;
    return out;
  }
}

/**
 * A {@link Framed}'s pieces: the stream, the codec and both buffers
 * (tokio-util's `FramedParts`). `framed.intoParts()` takes a `Framed` apart,
 * `Framed.fromParts(parts)` builds one, keeping bytes already read (decoded
 * first) and bytes not yet written (written first) — for a protocol that
 * starts with one codec and switches to another, or a handshake done by hand.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { Framed, FramedParts, LinesCodec } from 'tokio-ts/codec';
 * import { duplex } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const [a, b] = duplex(64);
 *   const parts = new FramedParts(b, new LinesCodec());
 *   parts.readBuf.extend(new TextEncoder().encode('read earlier\n'));
 *   const framed = Framed.fromParts(parts);
 *   console.log(yield* framed.next()); // read earlier
 *   a.close();
 * });
 * ```
 */
export class FramedParts<S, C> {
  /** The byte stream. */
  io: S;
  /** The codec. */
  codec: C;
  /** Bytes read from `io` and not decoded yet. */
  readBuf: BytesMut;
  /** Encoded bytes not written to `io` yet. */
  writeBuf: BytesMut;

  /** Parts with empty buffers (tokio-util's `FramedParts::new`). */
  constructor(io: S, codec: C) {
    this.io = io;
    this.codec = codec;
    this.readBuf = new BytesMut();
    this.writeBuf = new BytesMut();
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
export class Framed<
  T,
  U = T,
  S extends AsyncRead & AsyncWrite = AsyncRead & AsyncWrite,
  C extends Decoder<T> & Encoder<U> = Decoder<T> & Encoder<U>,
> {
  #r: ReadState<T> | null;
  #w: WriteState<U> | null;
  readonly #io: S;

  constructor(io: S, codec: C & Decoder<T> & Encoder<U>, opts: FramedOptions = {}) {
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
    this.#w = new WriteState(io, codec, hwmOf(opts, 'new Framed'));
  }

  /**
   * A `Framed` from its parts (tokio-util's `Framed::from_parts`): the bytes
   * in `parts.readBuf` are decoded before anything is read, the bytes in
   * `parts.writeBuf` are written before anything fed later.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { Framed, FramedParts, LinesCodec } from 'tokio-ts/codec';
   * import { duplex } from 'tokio-ts/io';
   *
   * main(function* () {
   *   const [a, b] = duplex(64);
   *   const parts = new FramedParts(a, new LinesCodec());
   *   parts.writeBuf.extend(new TextEncoder().encode('queued\n'));
   *   const framed = Framed.fromParts(parts);
   *   yield* framed.send('sent');
   *   yield* framed.close();
   *   console.log(JSON.stringify(yield* b.readToString())); // "queued\nsent\n"
   * });
   * ```
   */
  static fromParts<T, U, S extends AsyncRead & AsyncWrite, C extends Decoder<T> & Encoder<U>>(
    parts: FramedParts<S, C & Decoder<T> & Encoder<U>>,
    opts: FramedOptions = {},
  ): Framed<T, U, S, C> {
    if (!(parts instanceof FramedParts))
      throw new TypeError('Framed.fromParts(parts): parts must be a FramedParts');
    if (!(parts.readBuf instanceof BytesMut) || !(parts.writeBuf instanceof BytesMut))
      throw new TypeError('Framed.fromParts(parts): readBuf and writeBuf must be BytesMut');
    const f = new Framed<T, U, S, C>(parts.io, parts.codec, opts);
    f.#r = new ReadState(parts.io, parts.codec, parts.readBuf);
    f.#w = new WriteState(parts.io, parts.codec, f.#w!.hwm, parts.writeBuf);
    return f;
  }

  get #rs(): ReadState<T> {
    return this.#r ?? moved('this Framed');
  }

  get #ws(): WriteState<U> {
    return this.#w ?? moved('this Framed');
  }

  /**
   * The next frame, or `undefined` at the end of the stream (then, as
   * {@link FramedRead.next}, the stream is read again on the next call).
   *
   * ## Cancel safety
   * Cancel safe (see {@link FramedRead.next}).
   */
  next(): Future<T | undefined> {
    return this.#rs.next();
  }

  /**
   * Encodes `item` (writing out past the backpressure boundary).
   *
   * ## Cancel safety
   * Not cancel safe: the item may be partly written.
   */
  feed(item: U): Future<void> {
    return this.#ws.feed(item);
  }

  /**
   * Encodes `item`, writes out and flushes the stream unless it sends what
   * it accepts by itself (a socket, a pipe: see {@link FramedWrite.send}).
   *
   * ## Cancel safety
   * Not cancel safe.
   */
  send(item: U): Future<void> {
    return this.#ws.send(item);
  }

  /**
   * Writes out and flushes.
   *
   * ## Cancel safety
   * Cancel safe: what is not written stays buffered.
   */
  flush(): Future<void> {
    return this.#ws.flush();
  }

  /**
   * Writes out, then shuts the write side down.
   *
   * ## Cancel safety
   * Cancel safe: what is not written stays buffered; call it again.
   */
  close(): Future<void> {
    return this.#ws.close();
  }

  /** The wrapped stream. */
  get inner(): S {
    if (this.#r === null) moved('this Framed');
    return this.#io;
  }

  /** Bytes read but not decoded yet. */
  readBuffer(): BytesMut {
    return this.#rs.buf;
  }

  /** Encoded bytes not written yet. */
  writeBuffer(): BytesMut {
    return this.#ws.buf;
  }

  /** The codec. */
  get codec(): C {
    return this.#rs.decoder as C;
  }

  /**
   * The codec, to change its settings between frames (tokio-util's
   * `codec_mut`; the same object as {@link codec}).
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { Framed, LinesCodec } from 'tokio-ts/codec';
   * import { duplex } from 'tokio-ts/io';
   *
   * main(function* () {
   *   const [a] = duplex(64);
   *   const framed = new Framed(a, new LinesCodec({ maxLength: 80 }));
   *   console.log(framed.codecMut().maxLength); // 80
   * });
   * ```
   */
  codecMut(): C {
    return this.#rs.decoder as C;
  }

  /**
   * Moves the stream, both buffers and the read state to a new `Framed`
   * with the codec `f` returns (tokio-util's `map_codec`): bytes already
   * read are decoded, and bytes not yet written are written, by the new
   * `Framed`. This one is unusable afterwards (its methods throw a
   * `TypeError`), as Rust moves it.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { Framed, LengthDelimitedCodec, LinesCodec } from 'tokio-ts/codec';
   * import { duplex } from 'tokio-ts/io';
   *
   * main(function* () {
   *   const [a, b] = duplex(64);
   *   yield* a.writeAll(new Uint8Array([...new TextEncoder().encode('BINARY\n'), 0, 0, 0, 2, 104, 105]));
   *   const text = new Framed(b, new LinesCodec());
   *   console.log(yield* text.next()); // BINARY
   *   const bin = text.mapCodec(() => new LengthDelimitedCodec());
   *   console.log(yield* bin.next()); // Uint8Array(2) [ 104, 105 ]
   * });
   * ```
   */
  mapCodec<T2, U2, C2 extends Decoder<T2> & Encoder<U2>>(
    f: (codec: C) => C2 & Decoder<T2> & Encoder<U2>,
  ): Framed<T2, U2, S, C2> {
    const r = this.#rs;
    const w = this.#ws;
    const c2 = f(r.decoder as C);
    if (
      c2 === null ||
      typeof c2 !== 'object' ||
      typeof c2.decode !== 'function' ||
      typeof c2.encode !== 'function'
    )
      throw new TypeError('Framed.mapCodec(f): f must return a codec with decode and encode');
    this.#r = null;
    this.#w = null;
    const out = new Framed<T2, U2, S, C2>(this.#io, c2, { backpressureBoundary: w.hwm });
    const r2 = r as unknown as ReadState<T2>;
    const w2 = w as unknown as WriteState<U2>;
    r2.decoder = c2;
    w2.encoder = c2;
    out.#r = r2;
    out.#w = w2;
    return out;
  }

  /**
   * Takes this `Framed` apart (tokio-util's `into_parts`): the stream, the
   * codec, the bytes read and not decoded, the bytes encoded and not
   * written. This one is unusable afterwards.
   *
   * @example
   * ```ts
   * import { main } from 'tokio-ts';
   * import { Framed, LinesCodec } from 'tokio-ts/codec';
   * import { duplex } from 'tokio-ts/io';
   *
   * main(function* () {
   *   const [a, b] = duplex(64);
   *   yield* a.writeAll(new TextEncoder().encode('line\nrest'));
   *   const framed = new Framed(b, new LinesCodec());
   *   console.log(yield* framed.next()); // line
   *   const parts = framed.intoParts();
   *   console.log(new TextDecoder().decode(parts.readBuf.chunk())); // rest
   *   console.log(parts.io === b); // true
   * });
   * ```
   */
  intoParts(): FramedParts<S, C> {
    const r = this.#rs;
    const w = this.#ws;
    this.#r = null;
    this.#w = null;
    const parts = new FramedParts<S, C>(this.#io, r.decoder as C);
    parts.readBuf = r.buf;
    parts.writeBuf = w.buf;
    return parts;
  }
}
