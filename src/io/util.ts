/**
 * The `AsyncReadExt`/`AsyncWriteExt` helpers as functions over any reader or
 * writer. Every concrete stream also carries them as methods.
 */
import { isUtf8 } from 'node:buffer';
import { select, tryJoin } from '../future/combinators.js';
import type { Future, Suspend } from '../future/future.js';
import { coopProceed } from '../runtime/context.js';
import { consumeBudget } from '../task/spawn.js';
import { checkBuf, checkBufs } from './check.js';
import { IoError, UnexpectedEof } from './error.js';
import { probeFlush, probeRead } from './probe.js';
import type { AsyncRead, AsyncWrite } from './traits.js';

/** Chunk size of `readToEnd` when the size is unknown; 64 KiB matches a pipe's buffer. */
const CHUNK = 64 * 1024;
/** Buffer size of `copy` (Tokio uses 8 KiB; larger buffers cost fewer wake-ups here). */
const COPY_BUF = 64 * 1024;

function checkReader(r: unknown, what: string): void {
  if (r === null || typeof r !== 'object' || typeof (r as AsyncRead).read !== 'function')
    throw new TypeError(`${what}: expected an AsyncRead (an object with read(buf))`);
}

function checkWriter(w: unknown, what: string): void {
  if (w === null || typeof w !== 'object' || typeof (w as AsyncWrite).write !== 'function')
    throw new TypeError(`${what}: expected an AsyncWrite (an object with write(buf))`);
}

/**
 * Writes from several buffers in order (Tokio's `write_vectored`) and
 * returns how many bytes were accepted in all: the writer's own
 * `writeVectored` when it has one, otherwise a write of the first non-empty
 * buffer (as Tokio's default `poll_write_vectored`). Like `write`, it may
 * take less than everything; `isWriteVectored(w)` says whether more than one
 * buffer can go at once.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { duplex, writeVectored } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const [a, b] = duplex(64);
 *   const enc = new TextEncoder();
 *   console.log(yield* writeVectored(a, [enc.encode('ab'), enc.encode('cd')])); // 4
 *   a.close();
 *   console.log(yield* b.readToString()); // abcd
 * });
 * ```
 *
 * ## Cancel safety
 * The writer's: cancel safe for every writer of this library (a cancelled
 * write wrote nothing).
 */
export function writeVectored(w: AsyncWrite, bufs: Uint8Array[]): Future<number> {
  checkWriter(w, 'writeVectored(w, bufs)');
  checkBufs(bufs, 'writeVectored(w, bufs)');
  return typeof w.writeVectored === 'function' ? w.writeVectored(bufs) : writeFirst(w, bufs);
}

/** Tokio's default `poll_write_vectored`: writes the first non-empty buffer. @internal */
export function writeFirst(w: AsyncWrite, bufs: readonly Uint8Array[]): Future<number> {
  for (const b of bufs) if (b.length > 0) return w.write(b);
  return w.write(bufs.length > 0 ? bufs[0]! : EMPTY);
}

const EMPTY = new Uint8Array(0);

/**
 * True when `w` writes from more than one buffer at a time in
 * {@link writeVectored} (Tokio's `is_write_vectored`).
 *
 * @example
 * ```ts
 * import { duplex, isWriteVectored, sink } from 'tokio-ts/io';
 *
 * console.log(isWriteVectored(duplex(8)[0]), isWriteVectored(sink())); // true false
 * ```
 */
export function isWriteVectored(w: AsyncWrite): boolean {
  return typeof w.isWriteVectored === 'function' ? w.isWriteVectored() : false;
}

/**
 * Reads exactly `buf.length` bytes into `buf`.
 *
 * Throws {@link UnexpectedEof} if the stream ends first.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { duplex, readExact } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const [a, b] = duplex(64);
 *   yield* a.writeAll(new Uint8Array([1, 2, 3, 4]));
 *   const buf = new Uint8Array(4);
 *   yield* readExact(b, buf);
 *   console.log(buf); // Uint8Array(4) [ 1, 2, 3, 4 ]
 * });
 * ```
 *
 * ## Cancel safety
 * Not cancel safe: bytes already read into `buf` are lost to the stream if the
 * task is cancelled before all arrived.
 */
export function readExact(r: AsyncRead, buf: Uint8Array): Future<number> {
  checkReader(r, 'readExact(r, buf)');
  checkBuf(buf, 'readExact(r, buf)');
  return readExactGen(r, buf);
}

function* readExactGen(r: AsyncRead, buf: Uint8Array): Generator<Suspend, number, unknown> {
  let off = 0;
  while (off < buf.length) {
    const n = yield* r.read(off === 0 ? buf : buf.subarray(off));
    if (n === 0) throw new UnexpectedEof(`early eof: read ${off} of ${buf.length} bytes`);
    off += n;
  }
  return off;
}

/**
 * Reads until the end of the stream and returns all the bytes.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { duplex, readToEnd } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const [a, b] = duplex(64);
 *   yield* a.writeAll(new TextEncoder().encode('all of it'));
 *   yield* a.shutdown();
 *   const bytes = yield* readToEnd(b);
 *   console.log(bytes.length); // 9
 * });
 * ```
 *
 * ## Cancel safety
 * Not cancel safe: the bytes read so far are lost.
 */
export function readToEnd(r: AsyncRead, sizeHint = 0): Future<Uint8Array> {
  checkReader(r, 'readToEnd(r)');
  return readToEndGen(r, sizeHint);
}

function* readToEndGen(r: AsyncRead, sizeHint: number): Generator<Suspend, Uint8Array, unknown> {
  let buf = new Uint8Array(sizeHint > 0 ? sizeHint + 1 : CHUNK);
  let len = 0;
  for (;;) {
    if (len === buf.length) {
      const bigger = new Uint8Array(buf.length * 2);
      bigger.set(buf);
      buf = bigger;
    }
    const n = yield* r.read(buf.subarray(len));
    if (n === 0) break;
    len += n;
  }
  return buf.subarray(0, len);
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads until the end of the stream and decodes it as UTF-8 (an `IoError` of
 * kind `invalid-data` on bad bytes).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { duplex, readToString } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const [a, b] = duplex(64);
 *   yield* a.writeAll(new TextEncoder().encode('héllo'));
 *   a.close();
 *   console.log(yield* readToString(b)); // héllo
 * });
 * ```
 *
 * ## Cancel safety
 * Not cancel safe: the bytes read so far are lost.
 */
export function readToString(r: AsyncRead, sizeHint = 0): Future<string> {
  checkReader(r, 'readToString(r)');
  return readToStringGen(r, sizeHint);
}

function* readToStringGen(r: AsyncRead, sizeHint: number): Generator<Suspend, string, unknown> {
  const bytes = yield* readToEndGen(r, sizeHint);
  return decodeUtf8(bytes);
}

/**
 * @internal `Buffer#utf8Slice` (what `toString('utf8', start, end)` calls
 * after normalizing its arguments; per line, that wrapper cost ~10% on Node
 * 26), or `toString` where it is missing.
 */
export const utf8Slice: (this: Buffer, start: number, end: number) => string =
  (Buffer.prototype as unknown as { utf8Slice?: (start: number, end: number) => string })
    .utf8Slice ??
  function (this: Buffer, start: number, end: number): string {
    return this.toString('utf8', start, end);
  };

/**
 * @internal `buf[start..end)` as a string: Node's UTF-8 slice (no copy, no
 * TextDecoder call per line), checked only when it produced U+FFFD.
 */
export function decodeUtf8Range(buf: Buffer, start: number, end: number): string {
  const s = utf8Slice.call(buf, start, end);
  if (s.includes('\uFFFD') && !isUtf8(buf.subarray(start, end)))
    throw new IoError('invalid-data', 'stream did not contain valid UTF-8');
  return s;
}

/** @internal */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch (e) {
    throw new IoError('invalid-data', 'stream did not contain valid UTF-8', { cause: e });
  }
}

/**
 * Writes all of `buf`, looping over `write`. When it returns the caller may
 * reuse `buf`.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { duplex, writeAll } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const [a, b] = duplex(1024);
 *   yield* writeAll(a, new TextEncoder().encode('ping'));
 *   const buf = new Uint8Array(4);
 *   yield* b.readExact(buf);
 *   console.log(new TextDecoder().decode(buf)); // ping
 * });
 * ```
 *
 * ## Cancel safety
 * Not cancel safe: a cancelled `writeAll` may have written a prefix of `buf`,
 * and the caller cannot tell how much.
 */
export function writeAll(w: AsyncWrite, buf: Uint8Array): Future<void> {
  checkWriter(w, 'writeAll(w, buf)');
  checkBuf(buf, 'writeAll(w, buf)');
  return writeAllGen(w, buf);
}

function* writeAllGen(w: AsyncWrite, buf: Uint8Array): Generator<Suspend, void, unknown> {
  let off = 0;
  while (off < buf.length) {
    const n = yield* w.write(off === 0 ? buf : buf.subarray(off));
    if (n === 0)
      throw new IoError('write-zero', 'write returned 0: the stream accepts no more bytes');
    off += n;
  }
}

/**
 * Copies everything from `r` to `w` until `r` ends, then flushes `w`.
 * Returns the number of bytes copied.
 *
 * Whenever bytes were written since the last flush and a read of `r` would
 * wait, `w` is flushed first (Tokio's `need_flush`): a buffering writer such
 * as `BufWriter` never holds back bytes the reader's peer is waiting
 * for. Built-in readers say synchronously whether a read would wait; for any
 * other reader the read is raced against the flush, and a read that loses
 * that race is cancelled and issued again, so such a reader's `read` must be
 * cancel safe (as every `read` in this library is). Each round spends one
 * unit of coop budget, so a copy between streams that never wait still lets
 * other tasks run.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { copy, duplex, sink } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const [a, b] = duplex(1024);
 *   yield* a.writeAll(new TextEncoder().encode('copied'));
 *   yield* a.shutdown();
 *   console.log(yield* copy(b, sink())); // 6
 * });
 * ```
 *
 * ## Cancel safety
 * Not cancel safe: bytes read but not yet written are lost.
 */
export function copy(r: AsyncRead, w: AsyncWrite): Future<number> {
  checkReader(r, 'copy(r, w)');
  checkWriter(w, 'copy(r, w)');
  return copyGen(r, w);
}

function* copyGen(r: AsyncRead, w: AsyncWrite): Generator<Suspend, number, unknown> {
  const chunked = r as { readChunk?: () => Future<Uint8Array | undefined> };
  // Zero-copy on the read side when the reader has Node's chunks to hand over.
  const buf = typeof chunked.readChunk === 'function' ? null : new Uint8Array(COPY_BUF);
  const read = (): Future<number | Uint8Array | undefined> =>
    buf === null ? chunked.readChunk!() : r.read(buf);
  // A chunk handed over by readChunk is ours: a writer that takes ownership
  // (`writeChunk`, the Node stream adapters) gets it without a copy.
  const owned = w as { writeChunk?: (c: Uint8Array) => Future<void> };
  const give = buf === null && typeof owned.writeChunk === 'function';
  let total = 0;
  // Bytes were written since the last flush (Tokio's `need_flush`).
  let needFlush = false;
  for (;;) {
    // One unit of coop budget per round, as Tokio's copy spends one per poll:
    // a copy between streams that never wait still lets other tasks run.
    if (!coopProceed()) yield* consumeBudget();
    let got: number | Uint8Array | undefined | null = null;
    // Flush before the reader waits, as the reader's peer may be waiting for
    // the bytes `w` holds back. Writers that hold nothing back (sockets,
    // pipes) say so and skip this.
    if (needFlush) {
      if (probeFlush(w) === false) needFlush = false;
      else {
        const wouldNotWait = probeRead(r);
        if (wouldNotWait === false) {
          yield* w.flush();
          needFlush = false;
        } else if (wouldNotWait === undefined) {
          // The reader cannot say whether it would wait: race it against the flush.
          const first = yield* select({ got: read(), flushed: w.flush() }, { biased: true });
          if (first.key === 'got') got = first.value;
          else needFlush = false;
        }
      }
    }
    if (got === null) got = yield* read();
    let data: Uint8Array;
    if (typeof got === 'number') {
      if (got === 0) break;
      data = got === buf!.length ? buf! : buf!.subarray(0, got);
    } else if (got === undefined) break;
    else data = got;
    if (give && data !== buf) yield* owned.writeChunk!(data);
    else yield* writeAllGen(w, data);
    total += data.length;
    needFlush = true;
  }
  yield* w.flush();
  return total;
}

function* copyThenShutdown(r: AsyncRead, w: AsyncWrite): Generator<Suspend, number, unknown> {
  const n = yield* copyGen(r, w);
  yield* w.shutdown();
  return n;
}

/**
 * Copies in both directions between `a` and `b` at once. When one side's
 * reads end, the other side's write half is shut down; it finishes when both
 * directions are done and returns `[aToB, bToA]` byte counts. The first error
 * ends both directions (data in flight may be lost), as in Tokio.
 *
 * @example
 * ```ts
 * import { main, spawn } from 'tokio-ts';
 * import { copyBidirectional, duplex, readToString } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const [client, proxyIn] = duplex(1024);
 *   const [proxyOut, server] = duplex(1024);
 *   const proxy = spawn(copyBidirectional(proxyIn, proxyOut));
 *   yield* client.writeAll(new TextEncoder().encode('hi'));
 *   yield* client.shutdown();
 *   console.log(yield* readToString(server)); // hi
 *   yield* server.shutdown();
 *   console.log(yield* proxy); // [ 2, 0 ]
 * });
 * ```
 *
 * ## Cancel safety
 * Not cancel safe: bytes in flight are lost.
 */
export function copyBidirectional<
  A extends AsyncRead & AsyncWrite,
  B extends AsyncRead & AsyncWrite,
>(a: A, b: B): Future<[number, number]> {
  checkReader(a, 'copyBidirectional(a, b)');
  checkWriter(a, 'copyBidirectional(a, b)');
  checkReader(b, 'copyBidirectional(a, b)');
  checkWriter(b, 'copyBidirectional(a, b)');
  return tryJoin(copyThenShutdown(a, b), copyThenShutdown(b, a)) as Future<[number, number]>;
}
