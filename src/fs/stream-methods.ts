/**
 * The `AsyncReadExt`/`AsyncWriteExt` helpers that File and child stdio carry
 * as methods (`readExact`, `readToEnd`, `readToString`, `writeAll`).
 *
 * Private to fs/process until the io module's helpers land; the integrator
 * can point the methods at those.
 * @internal
 */
import type { Suspend } from '../future/future.js';
import { IoError, UnexpectedEof } from '../io/error.js';
import type { AsyncRead, AsyncWrite } from '../io/traits.js';

/** Chunk size of `readToEnd` when the size is unknown; 64 KiB matches a pipe's buffer. */
const CHUNK = 64 * 1024;

/** Reads exactly `buf.length` bytes; throws UnexpectedEof if the stream ends first. @internal */
export function* readExact(r: AsyncRead, buf: Uint8Array): Generator<Suspend, number, unknown> {
  let off = 0;
  while (off < buf.length) {
    const n = yield* r.read(buf.subarray(off));
    if (n === 0) throw new UnexpectedEof(`early eof: read ${off} of ${buf.length} bytes`);
    off += n;
  }
  return off;
}

/** Reads until the end of the stream. `sizeHint` sizes the first buffer. @internal */
export function* readToEnd(r: AsyncRead, sizeHint = 0): Generator<Suspend, Uint8Array, unknown> {
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

/** Reads until the end and decodes UTF-8 (IoError `invalid-data` on bad bytes). @internal */
export function* readToString(r: AsyncRead, sizeHint = 0): Generator<Suspend, string, unknown> {
  const bytes = yield* readToEnd(r, sizeHint);
  return decodeUtf8(bytes);
}

/** @internal */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch (e) {
    throw new IoError('invalid-data', 'stream did not contain valid UTF-8', { cause: e });
  }
}

/** Writes all of `buf`. @internal */
export function* writeAll(w: AsyncWrite, buf: Uint8Array): Generator<Suspend, void, unknown> {
  let off = 0;
  while (off < buf.length) {
    const n = yield* w.write(off === 0 ? buf : buf.subarray(off));
    if (n === 0) throw new Error('write returned 0: the stream accepts no more bytes');
    off += n;
  }
}
