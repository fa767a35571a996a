/**
 * `toNodeReadable`, `toNodeWritable`, `toNodeDuplex`: tokio-ts I/O as Node
 * streams, for Node APIs (`stream.pipeline`, `http` bodies, `zlib`).
 *
 * How and why: Node calls `_read()` when it wants bytes and `_write()` with
 * one chunk at a time; the tokio-ts side must run as a task. Each adapter
 * has one pump task per direction, spawned at the first call on the runtime
 * the adapter was made on, and parked on a `Notify` between calls: no task
 * or closure per chunk. The read pump reads (zero-copy through `readChunk`
 * when the reader has it) and pushes until Node's buffer is full, then waits
 * for the next `_read()`: backpressure both ways. Destroying the Node stream
 * cancels the pumps (their pending read or write is cancelled) and closes
 * the tokio-ts side if it has `close()`.
 */
import { Duplex, Readable, Writable } from 'node:stream';
import type { Suspend } from '../future/future.js';
import { IoError } from '../io/error.js';
import type { AsyncRead, AsyncWrite } from '../io/traits.js';
import { writeAll } from '../io/util.js';
import { currentScheduler } from '../runtime/runtime.js';
import type { Scheduler } from '../runtime/scheduler.js';
import type { Task } from '../runtime/task.js';
import { Notify } from '../sync/notify.js';

type Gen<T> = Generator<Suspend, T, unknown>;

/** Options of `toNodeReadable` / `toNodeDuplex`. */
export interface ToNodeOptions {
  /**
   * Node's buffer size in bytes (its `highWaterMark`; default 64 KiB, the
   * size of one chunk the tokio-ts side typically hands over).
   */
  highWaterMark?: number;
  /**
   * Bytes per read when the reader has no `readChunk` (default 64 KiB); a
   * positive integer, `RangeError` otherwise.
   */
  chunkSize?: number;
}

const DEFAULT_CHUNK = 64 * 1024;

interface Closable {
  close?: () => unknown;
}

interface Pushable {
  push(chunk: Uint8Array | null): boolean;
  destroy(err?: Error): unknown;
  readonly destroyed: boolean;
}

/** Reads the AsyncRead into a Node Readable, as fast as Node asks. */
class ReadPump {
  readonly #r: AsyncRead & { readChunk?: () => Generator<Suspend, Uint8Array | undefined> };
  readonly #sched: Scheduler;
  readonly #host: Pushable;
  readonly #demand = new Notify();
  readonly #chunk: number;
  #task: Task | null = null;

  constructor(r: AsyncRead, sched: Scheduler, host: Pushable, chunk: number) {
    this.#r = r as AsyncRead & { readChunk?: () => Generator<Suspend, Uint8Array | undefined> };
    this.#sched = sched;
    this.#host = host;
    this.#chunk = chunk;
  }

  read(): void {
    if (this.#task === null) this.#task = this.#sched.spawn(this.#run(), 'toNodeReadable pump');
    else this.#demand.notifyOne();
  }

  *#run(): Gen<void> {
    const r = this.#r;
    const host = this.#host;
    const zeroCopy = typeof r.readChunk === 'function';
    try {
      for (;;) {
        let c: Uint8Array | undefined;
        if (zeroCopy) c = yield* r.readChunk!();
        else {
          const buf = Buffer.allocUnsafe(this.#chunk);
          const n = yield* r.read(buf);
          c = n === 0 ? undefined : buf.subarray(0, n);
        }
        if (host.destroyed) return;
        if (c === undefined) {
          host.push(null);
          return;
        }
        if (!host.push(c)) yield* this.#demand.notified();
      }
    } catch (e) {
      if (!host.destroyed) host.destroy(IoError.from(e));
    }
  }

  destroy(): void {
    const t = this.#task;
    if (t !== null) t.sched.cancel(t);
    (this.#r as Closable).close?.();
  }
}

/** Writes Node's chunks into the AsyncWrite, one `_write` at a time. */
class WritePump {
  readonly #w: AsyncWrite;
  readonly #sched: Scheduler;
  readonly #work = new Notify();
  #task: Task | null = null;
  #chunks: { chunk: Uint8Array }[] | null = null;
  #one: Uint8Array | null = null;
  #cb: ((err?: Error | null) => void) | null = null;
  #final = false;

  constructor(w: AsyncWrite, sched: Scheduler) {
    this.#w = w;
    this.#sched = sched;
  }

  write(chunk: Uint8Array, cb: (err?: Error | null) => void): void {
    this.#one = chunk;
    this.#cb = cb;
    this.#kick();
  }

  writev(chunks: { chunk: Uint8Array }[], cb: (err?: Error | null) => void): void {
    this.#chunks = chunks;
    this.#cb = cb;
    this.#kick();
  }

  final(cb: (err?: Error | null) => void): void {
    this.#final = true;
    this.#cb = cb;
    this.#kick();
  }

  #kick(): void {
    if (this.#task === null) this.#task = this.#sched.spawn(this.#run(), 'toNodeWritable pump');
    else this.#work.notifyOne();
  }

  *#run(): Gen<void> {
    const w = this.#w;
    // Node's chunks are not reused once their callback ran: hand them over whole.
    const owned = w as { writeChunk?: (c: Uint8Array) => Gen<void> };
    const put = typeof owned.writeChunk === 'function' ? owned.writeChunk.bind(w) : null;
    for (;;) {
      const cb = this.#cb!;
      this.#cb = null;
      try {
        const one = this.#one;
        const many = this.#chunks;
        this.#one = null;
        this.#chunks = null;
        if (one !== null) yield* put !== null ? put(one) : writeAll(w, one);
        else if (many !== null)
          for (const c of many) yield* put !== null ? put(c.chunk) : writeAll(w, c.chunk);
        else if (this.#final) {
          yield* w.shutdown();
          cb();
          return;
        }
      } catch (e) {
        cb(IoError.from(e));
        return;
      }
      cb();
      yield* this.#work.notified();
    }
  }

  destroy(): void {
    const t = this.#task;
    if (t !== null) t.sched.cancel(t);
    (this.#w as Closable).close?.();
  }
}

/**
 * The `chunkSize` option, checked: a read into a zero-length buffer returns 0,
 * which means end of stream, so a bad size would end the stream early. @internal
 */
export function chunkSizeOf(opts: { chunkSize?: number }, what: string): number {
  const size = opts.chunkSize ?? DEFAULT_CHUNK;
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`${what}: chunkSize must be a positive integer, got ${String(size)}`);
  return size;
}

/** Throws a TypeError unless `r` is an AsyncRead (has `read`). @internal */
export function checkRead(r: unknown, what: string): void {
  if (r === null || typeof r !== 'object' || typeof (r as AsyncRead).read !== 'function')
    throw new TypeError(`${what}: expected an AsyncRead`);
}

/** Throws a TypeError unless `w` is an AsyncWrite (has `write` and `shutdown`). @internal */
export function checkWrite(w: unknown, what: string): void {
  const x = w as Partial<AsyncWrite> | null;
  if (
    x === null ||
    typeof x !== 'object' ||
    typeof x.write !== 'function' ||
    typeof x.shutdown !== 'function'
  )
    throw new TypeError(`${what}: expected an AsyncWrite`);
}

class AsyncReadable extends Readable {
  readonly #pump: ReadPump;
  constructor(r: AsyncRead, sched: Scheduler, opts: ToNodeOptions) {
    super({ highWaterMark: opts.highWaterMark ?? DEFAULT_CHUNK });
    this.#pump = new ReadPump(r, sched, this, chunkSizeOf(opts, 'toNodeReadable'));
  }
  override _read(): void {
    this.#pump.read();
  }
  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.#pump.destroy();
    cb(err);
  }
}

class AsyncWritable extends Writable {
  readonly #pump: WritePump;
  constructor(w: AsyncWrite, sched: Scheduler, opts: ToNodeOptions) {
    super({ highWaterMark: opts.highWaterMark ?? DEFAULT_CHUNK });
    this.#pump = new WritePump(w, sched);
  }
  override _write(chunk: Uint8Array, _enc: string, cb: (err?: Error | null) => void): void {
    this.#pump.write(chunk, cb);
  }
  override _writev(chunks: { chunk: Uint8Array }[], cb: (err?: Error | null) => void): void {
    this.#pump.writev(chunks, cb);
  }
  override _final(cb: (err?: Error | null) => void): void {
    this.#pump.final(cb);
  }
  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.#pump.destroy();
    cb(err);
  }
}

class AsyncDuplex extends Duplex {
  readonly #in: ReadPump;
  readonly #out: WritePump;
  constructor(s: AsyncRead & AsyncWrite, sched: Scheduler, opts: ToNodeOptions) {
    super({ highWaterMark: opts.highWaterMark ?? DEFAULT_CHUNK });
    this.#in = new ReadPump(s, sched, this, chunkSizeOf(opts, 'toNodeDuplex'));
    this.#out = new WritePump(s, sched);
  }
  override _read(): void {
    this.#in.read();
  }
  override _write(chunk: Uint8Array, _enc: string, cb: (err?: Error | null) => void): void {
    this.#out.write(chunk, cb);
  }
  override _writev(chunks: { chunk: Uint8Array }[], cb: (err?: Error | null) => void): void {
    this.#out.writev(chunks, cb);
  }
  override _final(cb: (err?: Error | null) => void): void {
    this.#out.final(cb);
  }
  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.#in.destroy();
    this.#out.destroy();
    cb(err);
  }
}

/**
 * A tokio-ts `AsyncRead` (a `TcpStream`, a `File`, a child's stdout, any
 * reader) as a Node `Readable`, pull-based: the reader is read only when
 * Node wants more. Destroying the Readable cancels the pending read and
 * closes the reader (if it has `close()`). Made inside a task (or a
 * `main`/`blockOn`), it runs its reads on that runtime.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { call } from 'tokio-ts/future';
 * import { duplex } from 'tokio-ts/io';
 * import { toNodeReadable } from 'tokio-ts/compat';
 *
 * main(function* () {
 *   const [a, b] = duplex(64);
 *   yield* a.writeAll(new TextEncoder().encode('from tokio-ts'));
 *   a.close();
 *   const chunks = yield* call(() => toNodeReadable(b).toArray());
 *   console.log(Buffer.concat(chunks).toString()); // from tokio-ts
 * });
 * ```
 *
 * ## Errors
 * A read error destroys the Readable with it (as an `IoError`).
 */
export function toNodeReadable(r: AsyncRead, opts: ToNodeOptions = {}): Readable {
  checkRead(r, 'toNodeReadable(r)');
  return new AsyncReadable(r, currentScheduler(), opts);
}

/**
 * A tokio-ts `AsyncWrite` as a Node `Writable`: each chunk Node hands over
 * is written with `writeAll` before Node's callback runs, so Node's buffer
 * (and `stream.pipeline`) sees the writer's backpressure; `end()` shuts the
 * writer down. Destroying the Writable cancels the pending write and closes
 * the writer (if it has `close()`).
 *
 * @example
 * ```ts
 * import { Readable } from 'node:stream';
 * import { pipeline } from 'node:stream/promises';
 * import { main } from 'tokio-ts';
 * import { call } from 'tokio-ts/future';
 * import { duplex } from 'tokio-ts/io';
 * import { toNodeWritable } from 'tokio-ts/compat';
 *
 * main(function* () {
 *   const [a, b] = duplex(1024);
 *   yield* call(() => pipeline(Readable.from([Buffer.from('piped')]), toNodeWritable(a)));
 *   console.log(yield* b.readToString()); // piped
 * });
 * ```
 *
 * ## Errors
 * A write error fails the Node write with it (as an `IoError`).
 */
export function toNodeWritable(w: AsyncWrite, opts: ToNodeOptions = {}): Writable {
  checkWrite(w, 'toNodeWritable(w)');
  return new AsyncWritable(w, currentScheduler(), opts);
}

/**
 * A tokio-ts two-way stream (`TcpStream`, `DuplexStream`, …) as a Node
 * `Duplex`: {@link toNodeReadable} and {@link toNodeWritable} in one.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { call } from 'tokio-ts/future';
 * import { duplex } from 'tokio-ts/io';
 * import { toNodeDuplex } from 'tokio-ts/compat';
 *
 * main(function* () {
 *   const [a, b] = duplex(1024);
 *   const d = toNodeDuplex(a);
 *   d.end('ping');
 *   console.log(yield* b.readToString()); // ping
 *   d.destroy();
 * });
 * ```
 */
export function toNodeDuplex(s: AsyncRead & AsyncWrite, opts: ToNodeOptions = {}): Duplex {
  checkRead(s, 'toNodeDuplex(s)');
  checkWrite(s, 'toNodeDuplex(s)');
  return new AsyncDuplex(s, currentScheduler(), opts);
}
