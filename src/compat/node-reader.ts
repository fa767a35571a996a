/**
 * `fromNodeReadable`: a Node `Readable` as a tokio-ts `AsyncRead`.
 *
 * How and why: the stream stays in paused mode (it is never switched to
 * flowing): one `read()` here is one `readable.read()` there, which hands
 * over a chunk Node already buffered and lets Node call `_read()` to refill
 * up to its high-water mark. A task that does not read leaves the bytes in
 * Node's buffer, so Node stops calling `_read()`: the producer slows down to
 * the consumer, with memory bounded by the stream's high-water mark plus one
 * chunk. Chunks are handed over without copying (`readChunk`), or copied
 * into the caller's buffer (`read`), the rest kept for the next read.
 */
import type { Readable } from 'node:stream';
import type { Future } from '../future/future.js';
import { ReadBase } from '../io/bases.js';
import { checkBuf } from '../io/check.js';
import { IoError, UnexpectedEof } from '../io/error.js';
import { LinkedList } from '../runtime/linked-list.js';
import { ChunkCursor } from './chunk-cursor.js';
import { OpLeaf, type OpWaiters, type Side, wakeAll } from './op-leaf.js';

const READ = 0;
const CHUNK = 1;

/** @internal the read side over a Node Readable (also used by the duplex) */
export class NodeReadSide implements Side {
  readonly waiters: OpWaiters = new LinkedList();
  readonly stream: Readable;
  readonly #cur = new ChunkCursor();
  #eof = false;
  #error: IoError | null = null;
  #closed = false;
  #armed = false;

  constructor(stream: Readable) {
    this.stream = stream;
    stream.on('error', this.#onError);
    stream.on('end', this.#onEnd);
    stream.on('close', this.#onClose);
    if (stream.readableEnded) this.#eof = true;
    const errored = (stream as { errored?: Error | null }).errored;
    if (errored) this.#onError(errored);
    else if (stream.destroyed) this.#onClose();
  }

  ready(_op: number): boolean {
    return (
      this.#cur.chunk !== null ||
      this.stream.readableLength > 0 ||
      this.#eof ||
      this.#error !== null ||
      this.#closed
    );
  }

  take(op: number, arg: unknown): number | Uint8Array | undefined {
    if (this.#closed) throw new IoError('not-connected', 'fromNodeReadable: the reader is closed');
    const cur = this.#cur;
    if (cur.chunk === null) {
      const got = this.stream.readableLength > 0 ? this.stream.read() : null;
      if (got === null) {
        if (this.#error !== null) throw this.#error;
        return op === CHUNK ? undefined : 0;
      }
      cur.set(toBytes(got));
    }
    return op === CHUNK ? cur.takeChunk() : cur.takeInto(arg as Uint8Array);
  }

  arm(_op: number): void {
    if (!this.#armed) {
      this.#armed = true;
      // A 'readable' listener keeps the stream paused and starts Node reading.
      this.stream.on('readable', this.#onReadable);
    } else this.stream.read(0); // ask Node to refill (it does nothing above the high-water mark)
  }

  taskCancelled(): void {
    this.close();
  }

  describe(op: number): string {
    return op === CHUNK ? 'Node Readable readChunk' : 'Node Readable read';
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#cur.chunk = null;
    this.stream.off('readable', this.#onReadable);
    this.stream.destroy();
    wakeAll(this.waiters);
  }

  readonly #onReadable = (): void => {
    wakeAll(this.waiters);
  };

  readonly #onEnd = (): void => {
    this.#eof = true;
    wakeAll(this.waiters);
  };

  readonly #onError = (err: Error): void => {
    if (this.#error === null) this.#error = IoError.from(err);
    wakeAll(this.waiters);
  };

  readonly #onClose = (): void => {
    if (!this.#eof && this.#error === null && !this.#closed)
      this.#error = new UnexpectedEof(
        'fromNodeReadable: the Node stream was destroyed before its end',
      );
    wakeAll(this.waiters);
  };
}

function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk);
  throw new IoError(
    'invalid-data',
    `fromNodeReadable: the stream gave a ${typeof chunk}, not bytes (an object-mode stream? use Stream.from)`,
  );
}

/**
 * A Node `Readable` seen as an `AsyncRead` (see {@link fromNodeReadable}).
 *
 * @example
 * ```ts
 * import { Readable } from 'node:stream';
 * import { main } from 'tokio-ts';
 * import { fromNodeReadable } from 'tokio-ts/compat';
 *
 * main(function* () {
 *   const r = fromNodeReadable(Readable.from([Buffer.from('a'), Buffer.from('b')]));
 *   console.log(yield* r.readChunk(), yield* r.readToString()); // <Buffer 61> b
 * });
 * ```
 */
export class NodeReader extends ReadBase {
  /** @internal */
  readonly side: NodeReadSide;

  /** @internal */
  constructor(side: NodeReadSide) {
    super();
    this.side = side;
  }

  /** The Node stream read from. */
  get stream(): Readable {
    return this.side.stream;
  }

  /**
   * Reads into `buf`: the count, 0 at the end of the stream. Waits for Node
   * to have bytes; Node reads more only while this side reads.
   *
   * ## Cancel safety
   * Cancel safe: a cancelled read took nothing. Cancelling the task that
   * waits here destroys the Node stream.
   *
   * ## Errors
   * The stream's error as an `IoError`; `UnexpectedEof` if it was destroyed
   * before its end; `not-connected` after `close()`.
   */
  read(buf: Uint8Array): Future<number> {
    checkBuf(buf, 'read(buf)');
    if (buf.length === 0) return { [Symbol.iterator]: zero };
    return new OpLeaf(this.side, READ, buf) as unknown as Future<number>;
  }

  /**
   * The next chunk as Node buffered it, without copying (undefined at the end).
   *
   * ## Cancel safety
   * Cancel safe, as `read`.
   */
  readChunk(): Future<Uint8Array | undefined> {
    return new OpLeaf(this.side, CHUNK, null) as unknown as Future<Uint8Array | undefined>;
  }

  /** Destroys the Node stream; later reads fail with `not-connected`. */
  close(): void {
    this.side.close();
  }

  /** Same as {@link close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}

function zero(): Iterator<never, number> {
  return { next: () => ({ done: true, value: 0 }) };
}

/**
 * A Node `Readable` (a file stream, an HTTP body, a child's stdout, any
 * byte stream) as a tokio-ts `AsyncRead`, pull-based: Node reads from its
 * source only as fast as the task reads here. `close()` destroys the Node
 * stream, and so does cancelling a task that waits in `read`.
 *
 * @example
 * ```ts
 * import { Readable } from 'node:stream';
 * import { main } from 'tokio-ts';
 * import { fromNodeReadable } from 'tokio-ts/compat';
 *
 * main(function* () {
 *   const r = fromNodeReadable(Readable.from(['hello ', 'world']));
 *   console.log(yield* r.readToString()); // hello world
 * });
 * ```
 *
 * ## Errors
 * `TypeError` if `r` is not a Node `Readable`.
 */
export function fromNodeReadable(r: Readable): NodeReader {
  checkReadable(r, 'fromNodeReadable(r)');
  return new NodeReader(new NodeReadSide(r));
}

/** @internal */
export function checkReadable(r: unknown, what: string): void {
  const x = r as Partial<Readable> | null;
  if (
    x === null ||
    typeof x !== 'object' ||
    typeof x.read !== 'function' ||
    typeof x.on !== 'function'
  )
    throw new TypeError(`${what}: expected a Node Readable`);
}
