/**
 * `fromNodeWritable`: a Node `Writable` as a tokio-ts `AsyncWrite`.
 *
 * How and why: a write waits while the Writable's buffer is above its
 * high-water mark (`writableNeedDrain`, until `drain`), then hands Node a
 * copy of the bytes (the caller may reuse its buffer once a write returns,
 * and Node keeps what it is given until it is flushed). So a slow Node sink
 * slows the writing task down, with memory bounded by the high-water mark
 * plus one write. Completions of Node writes are counted by one bound
 * callback (no closure per write), which is what `flush` waits for.
 */
import type { Writable } from 'node:stream';
import type { Future } from '../future/future.js';
import { WriteBase } from '../io/bases.js';
import { checkBuf } from '../io/check.js';
import { IoError } from '../io/error.js';
import { LinkedList } from '../runtime/linked-list.js';
import { OpLeaf, type OpWaiters, type Side, wakeAll } from './op-leaf.js';

const WRITE = 0;
const FLUSH = 1;
const SHUTDOWN = 2;
/** A write of a chunk handed over (no copy). */
const WRITE_OWNED = 3;

/** The most one write takes (as the socket writer): bounds one copy. */
const MAX_WRITE = 256 * 1024;

/** @internal the write side over a Node Writable (also used by the duplex) */
export class NodeWriteSide implements Side {
  readonly waiters: OpWaiters = new LinkedList();
  readonly stream: Writable;
  /** Node writes not yet completed. */
  #inFlight = 0;
  #error: IoError | null = null;
  #closed = false;
  #ended = false;
  #finished = false;

  constructor(stream: Writable) {
    this.stream = stream;
    stream.on('error', this.#onError);
    stream.on('drain', this.#wake);
    stream.on('finish', this.#onFinish);
    stream.on('close', this.#onClose);
    const errored = (stream as { errored?: Error | null }).errored;
    if (errored) this.#onError(errored);
    if (stream.writableFinished) this.#finished = true;
  }

  ready(op: number): boolean {
    if (this.#error !== null || this.#closed) return true;
    if (op === WRITE || op === WRITE_OWNED) return !this.stream.writableNeedDrain || this.#ended;
    if (op === FLUSH) return this.#inFlight === 0;
    return this.#finished;
  }

  take(op: number, arg: unknown): number | undefined {
    if (this.#closed) throw new IoError('not-connected', 'fromNodeWritable: the writer is closed');
    if (this.#error !== null) throw this.#error;
    if (op === WRITE || op === WRITE_OWNED) {
      if (this.#ended)
        throw new IoError('broken-pipe', 'fromNodeWritable: write after shutdown', {
          code: 'EPIPE',
        });
      const buf = arg as Uint8Array;
      this.#inFlight++;
      if (op === WRITE_OWNED) {
        this.stream.write(buf, this.#onWritten);
        return undefined;
      }
      const n = Math.min(buf.length, MAX_WRITE);
      this.stream.write(Buffer.from(buf.subarray(0, n)), this.#onWritten);
      return n;
    }
    return undefined;
  }

  arm(op: number): void {
    if (op === SHUTDOWN) this.end();
  }

  /** Ends the Writable (idempotent). */
  end(): void {
    if (this.#ended || this.#closed) return;
    this.#ended = true;
    this.stream.end();
  }

  taskCancelled(): void {
    this.close();
  }

  describe(op: number): string {
    return op === WRITE || op === WRITE_OWNED
      ? 'Node Writable write (drain)'
      : op === FLUSH
        ? 'Node Writable flush'
        : 'Node Writable shutdown (finish)';
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.stream.destroy();
    wakeAll(this.waiters);
  }

  readonly #wake = (): void => {
    wakeAll(this.waiters);
  };

  readonly #onWritten = (err?: Error | null): void => {
    this.#inFlight--;
    if (err) this.#onError(err);
    else if (this.#inFlight === 0) wakeAll(this.waiters);
  };

  readonly #onFinish = (): void => {
    this.#finished = true;
    wakeAll(this.waiters);
  };

  readonly #onError = (err: Error): void => {
    if (this.#error === null) this.#error = IoError.from(err);
    wakeAll(this.waiters);
  };

  readonly #onClose = (): void => {
    if (!this.#finished && this.#error === null && !this.#closed)
      this.#error = new IoError('broken-pipe', 'fromNodeWritable: the Node stream was destroyed', {
        code: 'EPIPE',
      });
    wakeAll(this.waiters);
  };
}

/**
 * A Node `Writable` seen as an `AsyncWrite` (see {@link fromNodeWritable}).
 *
 * @example
 * ```ts
 * import { Writable } from 'node:stream';
 * import { main } from 'tokio-ts';
 * import { fromNodeWritable } from 'tokio-ts/compat';
 *
 * main(function* () {
 *   const chunks: string[] = [];
 *   const w = fromNodeWritable(new Writable({ write(c, _e, cb) { chunks.push(String(c)); cb(); } }));
 *   yield* w.writeAll(new TextEncoder().encode('hi'));
 *   yield* w.shutdown();
 *   console.log(chunks); // [ 'hi' ]
 * });
 * ```
 */
export class NodeWriter extends WriteBase {
  /** @internal */
  readonly side: NodeWriteSide;

  /** @internal */
  constructor(side: NodeWriteSide) {
    super();
    this.side = side;
  }

  /** The Node stream written to. */
  get stream(): Writable {
    return this.side.stream;
  }

  /**
   * Writes up to 256 KiB of `buf` (copied: `buf` may be reused at once) and
   * returns the count; first waits while the Writable's buffer is full.
   *
   * ## Cancel safety
   * Cancel safe: a cancelled write wrote nothing. Cancelling the task that
   * waits here destroys the Node stream.
   *
   * ## Errors
   * The stream's error as an `IoError`; `broken-pipe` after `shutdown()` or
   * if the stream was destroyed; `not-connected` after `close()`.
   */
  write(buf: Uint8Array): Future<number> {
    checkBuf(buf, 'write(buf)');
    return new OpLeaf(this.side, WRITE, buf) as unknown as Future<number>;
  }

  /**
   * Writes all of `chunk` without copying it: the chunk is handed to Node,
   * which keeps it until it is written, so the caller must not change it
   * afterwards (a chunk from `readChunk` is the caller's to give). `copy`
   * uses it for zero-copy transfers. Waits first while the Writable is full.
   *
   * ## Cancel safety
   * Cancel safe: a cancelled `writeChunk` wrote nothing.
   */
  writeChunk(chunk: Uint8Array): Future<void> {
    if (!(chunk instanceof Uint8Array))
      throw new TypeError('writeChunk(chunk): chunk must be a Uint8Array');
    return new OpLeaf(this.side, WRITE_OWNED, chunk) as unknown as Future<void>;
  }

  /**
   * Waits until Node has completed every write given to it.
   *
   * ## Cancel safety
   * Cancel safe.
   */
  flush(): Future<void> {
    return new OpLeaf(this.side, FLUSH, null) as unknown as Future<void>;
  }

  /**
   * Ends the Writable (`end()`) and waits for its `finish`.
   *
   * ## Cancel safety
   * Cancel safe: the stream is ended whether or not the caller waits.
   */
  shutdown(): Future<void> {
    return new OpLeaf(this.side, SHUTDOWN, null) as unknown as Future<void>;
  }

  /** Destroys the Node stream; later writes fail with `not-connected`. */
  close(): void {
    this.side.close();
  }

  /** Same as {@link close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * A Node `Writable` (a file stream, an HTTP response, a child's stdin) as a
 * tokio-ts `AsyncWrite` with backpressure: a write waits while Node's buffer
 * is full, so a slow sink slows the task. `close()` destroys the stream, and
 * so does cancelling a task that waits in a write.
 *
 * @example
 * ```ts
 * import { PassThrough } from 'node:stream';
 * import { main } from 'tokio-ts';
 * import { fromNodeWritable } from 'tokio-ts/compat';
 *
 * main(function* () {
 *   const pt = new PassThrough();
 *   const w = fromNodeWritable(pt);
 *   yield* w.writeAll(Buffer.from('abc'));
 *   console.log(String(pt.read())); // abc
 * });
 * ```
 *
 * ## Errors
 * `TypeError` if `w` is not a Node `Writable`.
 */
export function fromNodeWritable(w: Writable): NodeWriter {
  checkWritable(w, 'fromNodeWritable(w)');
  return new NodeWriter(new NodeWriteSide(w));
}

/** @internal */
export function checkWritable(w: unknown, what: string): void {
  const x = w as Partial<Writable> | null;
  if (
    x === null ||
    typeof x !== 'object' ||
    typeof x.write !== 'function' ||
    typeof x.end !== 'function'
  )
    throw new TypeError(`${what}: expected a Node Writable`);
}
