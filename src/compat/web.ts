/**
 * Web streams (`ReadableStream`, `WritableStream`: `fetch` bodies, `Response`,
 * `CompressionStream`, …) as tokio-ts I/O and back.
 *
 * How and why: as the Node adapters, pull-based. A read here is one
 * `reader.read()` there, its promise settled into the adapter by handlers
 * bound once (kept across a cancelled read, so nothing is lost); a write
 * waits for the writer's `ready` (its queue below the high-water mark). The
 * other way, the stream's `pull`/`write` run the tokio-ts side as a task on
 * the runtime the adapter was made on, and `cancel`/`abort` cancel it.
 */
import type { ReadableStreamReadResult } from 'node:stream/web';
import type { Future, Suspend } from '../future/future.js';
import { ReadBase, WriteBase } from '../io/bases.js';
import { checkBuf } from '../io/check.js';
import { IoError } from '../io/error.js';
import type { AsyncRead, AsyncWrite } from '../io/traits.js';
import { writeAll } from '../io/util.js';
import { LinkedList } from '../runtime/linked-list.js';
import { currentScheduler } from '../runtime/runtime.js';
import type { Scheduler } from '../runtime/scheduler.js';
import { JoinError } from '../task/error.js';
import { handleOf, type JoinHandle } from '../task/join-handle.js';
import { ChunkCursor } from './chunk-cursor.js';
import { OpLeaf, type OpWaiters, type Side, wakeAll } from './op-leaf.js';
import { checkRead, checkWrite, chunkSizeOf } from './to-node.js';

type Gen<T> = Generator<Suspend, T, unknown>;

const READ = 0;
const CHUNK = 1;
const WRITE = 2;
const FLUSH = 3;
const SHUTDOWN = 4;

function webError(e: unknown, what: string): IoError {
  if (e instanceof IoError) return e;
  return new IoError('other', `${what}: ${e instanceof Error ? e.message : String(e)}`, {
    cause: e,
  });
}

class WebReadSide implements Side {
  readonly waiters: OpWaiters = new LinkedList();
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #cur = new ChunkCursor();
  #pending = false;
  #eof = false;
  #error: IoError | null = null;
  #closed = false;

  constructor(rs: ReadableStream<Uint8Array>) {
    this.#reader = rs.getReader();
  }

  ready(): boolean {
    return this.#cur.chunk !== null || this.#eof || this.#error !== null || this.#closed;
  }

  take(op: number, arg: unknown): number | Uint8Array | undefined {
    if (this.#closed) throw new IoError('not-connected', 'fromWebReadable: the reader is closed');
    if (this.#cur.chunk === null) {
      if (this.#error !== null) throw this.#error;
      return op === CHUNK ? undefined : 0;
    }
    return op === CHUNK ? this.#cur.takeChunk() : this.#cur.takeInto(arg as Uint8Array);
  }

  arm(): void {
    if (this.#pending) return;
    this.#pending = true;
    this.#reader.read().then(this.#onRead, this.#onError);
  }

  taskCancelled(): void {
    this.close();
  }

  describe(op: number): string {
    return op === CHUNK ? 'web ReadableStream readChunk' : 'web ReadableStream read';
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#cur.chunk = null;
    this.#reader.cancel().catch(ignore);
    wakeAll(this.waiters);
  }

  readonly #onRead = (r: ReadableStreamReadResult<Uint8Array>): void => {
    this.#pending = false;
    if (r.done) this.#eof = true;
    else if (!(r.value instanceof Uint8Array)) {
      this.#error = new IoError(
        'invalid-data',
        `fromWebReadable: the stream gave a ${typeof r.value}, not a Uint8Array`,
      );
    } else if (r.value.length === 0) {
      // an empty chunk is not the end: read again if someone waits
      if (this.waiters.length > 0) this.arm();
      return;
    } else this.#cur.set(r.value);
    wakeAll(this.waiters);
  };

  readonly #onError = (e: unknown): void => {
    this.#pending = false;
    if (this.#error === null) this.#error = webError(e, 'fromWebReadable');
    wakeAll(this.waiters);
  };
}

function ignore(): void {}

/**
 * A web `ReadableStream` of bytes seen as an `AsyncRead` (see {@link fromWebReadable}).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { fromWebReadable } from 'tokio-ts/compat';
 *
 * main(function* () {
 *   const r = fromWebReadable(new Blob(['blob bytes']).stream());
 *   console.log(yield* r.readToString()); // blob bytes
 * });
 * ```
 */
export class WebReader extends ReadBase {
  readonly #side: WebReadSide;

  /** @internal */
  constructor(side: WebReadSide) {
    super();
    this.#side = side;
  }

  /**
   * Reads into `buf`: the count, 0 at the end. One `reader.read()` per chunk.
   *
   * ## Cancel safety
   * Cancel safe: a chunk that arrives for a cancelled read is kept for the
   * next. Cancelling the task that waits here cancels the web stream.
   *
   * ## Errors
   * The stream's error as an `IoError`.
   */
  read(buf: Uint8Array): Future<number> {
    checkBuf(buf, 'read(buf)');
    if (buf.length === 0) return { [Symbol.iterator]: zero };
    return new OpLeaf(this.#side, READ, buf) as unknown as Future<number>;
  }

  /**
   * The next chunk as the stream gave it, without copying (undefined at the end).
   *
   * ## Cancel safety
   * Cancel safe, as `read`.
   */
  readChunk(): Future<Uint8Array | undefined> {
    return new OpLeaf(this.#side, CHUNK, null) as unknown as Future<Uint8Array | undefined>;
  }

  /** Cancels the web stream; later reads fail with `not-connected`. */
  close(): void {
    this.#side.close();
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
 * A web `ReadableStream<Uint8Array>` (a `fetch` body, `Blob.stream()`, a
 * `DecompressionStream`'s readable) as a tokio-ts `AsyncRead`, pull-based:
 * the stream's source is pulled only as the task reads. `close()` cancels
 * the stream, and so does cancelling a task that waits in a read.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { fromWebReadable } from 'tokio-ts/compat';
 *
 * main(function* () {
 *   const body = new Response('web body').body!;
 *   console.log(yield* fromWebReadable(body).readToString()); // web body
 * });
 * ```
 *
 * ## Errors
 * `TypeError` if `rs` is not a `ReadableStream` (or is locked).
 */
export function fromWebReadable(rs: ReadableStream<Uint8Array>): WebReader {
  if (rs === null || typeof rs !== 'object' || typeof rs.getReader !== 'function')
    throw new TypeError('fromWebReadable(rs): expected a ReadableStream');
  return new WebReader(new WebReadSide(rs));
}

class WebWriteSide implements Side {
  readonly waiters: OpWaiters = new LinkedList();
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  #inFlight = 0;
  #waitingReady = false;
  #error: IoError | null = null;
  #closed = false;
  #ended = false;
  #finished = false;

  constructor(ws: WritableStream<Uint8Array>) {
    this.#writer = ws.getWriter();
    this.#writer.closed.then(this.#onClosed, this.#onError);
  }

  ready(op: number): boolean {
    if (this.#error !== null || this.#closed) return true;
    if (op === WRITE) {
      const d = this.#writer.desiredSize;
      return d === null || d > 0 || this.#ended;
    }
    if (op === FLUSH) return this.#inFlight === 0;
    return this.#finished;
  }

  take(op: number, arg: unknown): number | undefined {
    if (this.#closed) throw new IoError('not-connected', 'fromWebWritable: the writer is closed');
    if (this.#error !== null) throw this.#error;
    if (op === WRITE) {
      if (this.#ended)
        throw new IoError('broken-pipe', 'fromWebWritable: write after shutdown', {
          code: 'EPIPE',
        });
      const buf = arg as Uint8Array;
      this.#inFlight++;
      this.#writer.write(buf.slice()).then(this.#onWritten, this.#onError);
      return buf.length;
    }
    return undefined;
  }

  arm(op: number): void {
    if (op === WRITE && !this.#waitingReady) {
      this.#waitingReady = true;
      this.#writer.ready.then(this.#onReady, this.#onError);
    } else if (op === SHUTDOWN && !this.#ended) {
      this.#ended = true;
      this.#writer.close().catch(ignore); // the outcome arrives through `closed`
    }
  }

  taskCancelled(): void {
    this.close();
  }

  describe(op: number): string {
    return op === WRITE
      ? 'web WritableStream write (ready)'
      : op === FLUSH
        ? 'web WritableStream flush'
        : 'web WritableStream close';
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#writer.abort().catch(ignore);
    wakeAll(this.waiters);
  }

  readonly #onReady = (): void => {
    this.#waitingReady = false;
    wakeAll(this.waiters);
  };

  readonly #onWritten = (): void => {
    this.#inFlight--;
    if (this.#inFlight === 0) wakeAll(this.waiters);
  };

  readonly #onClosed = (): void => {
    this.#finished = true;
    wakeAll(this.waiters);
  };

  readonly #onError = (e: unknown): void => {
    this.#waitingReady = false;
    if (this.#error === null && !this.#closed) this.#error = webError(e, 'fromWebWritable');
    wakeAll(this.waiters);
  };
}

/**
 * A web `WritableStream` seen as an `AsyncWrite` (see {@link fromWebWritable}).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { fromWebWritable } from 'tokio-ts/compat';
 *
 * main(function* () {
 *   let n = 0;
 *   const w = fromWebWritable(new WritableStream<Uint8Array>({ write(c) { n += c.length; } }));
 *   yield* w.writeAll(new Uint8Array(5));
 *   yield* w.shutdown();
 *   console.log(n); // 5
 * });
 * ```
 */
export class WebWriter extends WriteBase {
  readonly #side: WebWriteSide;

  /** @internal */
  constructor(side: WebWriteSide) {
    super();
    this.#side = side;
  }

  /**
   * Writes `buf` (copied) once the stream's queue is below its high-water
   * mark; returns its length.
   *
   * ## Cancel safety
   * Cancel safe: a cancelled write wrote nothing. Cancelling the task that
   * waits here aborts the web stream.
   *
   * ## Errors
   * The stream's error as an `IoError`; `broken-pipe` after `shutdown()`;
   * `not-connected` after `close()`.
   */
  write(buf: Uint8Array): Future<number> {
    checkBuf(buf, 'write(buf)');
    return new OpLeaf(this.#side, WRITE, buf) as unknown as Future<number>;
  }

  /**
   * Waits until the stream's sink has taken every write.
   *
   * ## Cancel safety
   * Cancel safe.
   */
  flush(): Future<void> {
    return new OpLeaf(this.#side, FLUSH, null) as unknown as Future<void>;
  }

  /**
   * Closes the stream (`writer.close()`) and waits until it is closed.
   *
   * ## Cancel safety
   * Cancel safe: the stream is closed whether or not the caller waits.
   */
  shutdown(): Future<void> {
    return new OpLeaf(this.#side, SHUTDOWN, null) as unknown as Future<void>;
  }

  /** Aborts the web stream; later writes fail with `not-connected`. */
  close(): void {
    this.#side.close();
  }

  /** Same as {@link close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * A web `WritableStream<Uint8Array>` (a `CompressionStream`'s writable, a
 * `TransformStream`'s) as a tokio-ts `AsyncWrite` with backpressure: a
 * write waits for the writer's `ready`. `close()` aborts the stream, and so
 * does cancelling a task that waits in a write.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { fromWebReadable, fromWebWritable } from 'tokio-ts/compat';
 *
 * main(function* () {
 *   const t = new TransformStream<Uint8Array, Uint8Array>();
 *   const w = fromWebWritable(t.writable);
 *   const r = fromWebReadable(t.readable);
 *   yield* w.write(new TextEncoder().encode('through'));
 *   console.log(new TextDecoder().decode(yield* r.readChunk())); // through
 * });
 * ```
 *
 * ## Errors
 * `TypeError` if `ws` is not a `WritableStream` (or is locked).
 */
export function fromWebWritable(ws: WritableStream<Uint8Array>): WebWriter {
  if (ws === null || typeof ws !== 'object' || typeof ws.getWriter !== 'function')
    throw new TypeError('fromWebWritable(ws): expected a WritableStream');
  return new WebWriter(new WebWriteSide(ws));
}

interface Closable {
  close?: () => unknown;
}

/** Runs `fut` as a task on `sched`; the promise rejects with the future's own error. */
function run<T>(sched: Scheduler, fut: Future<T>, name: string): [JoinHandle<T>, Promise<T>] {
  const h = handleOf<T>(sched.spawn(fut, name));
  return [h, Promise.resolve(h).catch(unwrap)];
}

function unwrap(e: unknown): never {
  throw e instanceof JoinError && e.isFailed() ? e.cause : e;
}

function* pullOnce(
  r: AsyncRead & { readChunk?: () => Gen<Uint8Array | undefined> },
  c: ReadableStreamDefaultController<Uint8Array>,
  size: number,
): Gen<void> {
  let chunk: Uint8Array | undefined;
  if (typeof r.readChunk === 'function') chunk = yield* r.readChunk();
  else {
    const buf = new Uint8Array(size);
    const n = yield* r.read(buf);
    chunk = n === 0 ? undefined : buf.subarray(0, n);
  }
  if (chunk === undefined) c.close();
  else c.enqueue(chunk);
}

/**
 * A tokio-ts `AsyncRead` as a web `ReadableStream<Uint8Array>` (for a
 * `Response` body, `pipeThrough`, …), pull-based: each `pull` of the stream
 * is one read, run as a task on the runtime the adapter was made on.
 * Cancelling the stream cancels the pending read and closes the reader (if
 * it has `close()`).
 *
 * `RangeError` if `opts.chunkSize` is not a positive integer.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { call } from 'tokio-ts/future';
 * import { duplex } from 'tokio-ts/io';
 * import { toWebReadable } from 'tokio-ts/compat';
 *
 * main(function* () {
 *   const [a, b] = duplex(64);
 *   yield* a.writeAll(new TextEncoder().encode('as a Response'));
 *   a.close();
 *   console.log(yield* call(() => new Response(toWebReadable(b)).text())); // as a Response
 * });
 * ```
 */
export function toWebReadable(
  r: AsyncRead,
  opts: { chunkSize?: number } = {},
): ReadableStream<Uint8Array> {
  checkRead(r, 'toWebReadable(r)');
  const sched = currentScheduler();
  const size = chunkSizeOf(opts, 'toWebReadable');
  let inFlight: JoinHandle<void> | null = null;
  return new ReadableStream<Uint8Array>(
    {
      pull(c) {
        const [h, p] = run(sched, pullOnce(r, c, size), 'toWebReadable pull');
        inFlight = h;
        return p;
      },
      cancel() {
        inFlight?.abort();
        (r as Closable).close?.();
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * A tokio-ts `AsyncWrite` as a web `WritableStream<Uint8Array>`: each chunk
 * is written with `writeAll` (as a task on the runtime the adapter was made
 * on) before the stream takes the next, so the writer's backpressure reaches
 * the stream's `ready`; `close()` shuts the writer down; `abort()` cancels
 * the pending write and closes the writer (if it has `close()`).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { call } from 'tokio-ts/future';
 * import { duplex } from 'tokio-ts/io';
 * import { toWebWritable } from 'tokio-ts/compat';
 *
 * main(function* () {
 *   const [a, b] = duplex(1024);
 *   yield* call(() => new Blob(['to tokio-ts']).stream().pipeTo(toWebWritable(a)));
 *   console.log(yield* b.readToString()); // to tokio-ts
 * });
 * ```
 */
export function toWebWritable(w: AsyncWrite): WritableStream<Uint8Array> {
  checkWrite(w, 'toWebWritable(w)');
  const sched = currentScheduler();
  let inFlight: JoinHandle<void> | null = null;
  return new WritableStream<Uint8Array>({
    write(chunk) {
      const [h, p] = run(sched, writeAll(w, chunk), 'toWebWritable write');
      inFlight = h;
      return p;
    },
    close() {
      const [h, p] = run(sched, w.shutdown(), 'toWebWritable close');
      inFlight = h;
      return p;
    },
    abort() {
      inFlight?.abort();
      (w as Closable).close?.();
    },
  });
}
