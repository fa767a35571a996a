/**
 * The pull-based I/O interfaces (Tokio's `AsyncRead`, `AsyncWrite`,
 * `AsyncBufRead`, `AsyncSeek`). Every stream — TcpStream, UnixStream, File,
 * DuplexStream, child stdio — implements them.
 */
import type { Future } from '../future/future.js';

/** A source of bytes read on demand. */
export interface AsyncRead {
  /**
   * Reads into `buf`, returning how many bytes were read; 0 means end of stream
   * (or an empty `buf`). Waits until at least one byte is available.
   */
  read(buf: Uint8Array): Future<number>;
}

/** A sink of bytes. */
export interface AsyncWrite {
  /** Writes some of `buf` and returns how many bytes were accepted (at least 1 for a non-empty buf). */
  write(buf: Uint8Array): Future<number>;
  /** Waits until buffered bytes have been handed to the OS. */
  flush(): Future<void>;
  /** Flushes, then closes the write side (half-close for sockets). */
  shutdown(): Future<void>;
  /**
   * Writes from several buffers in order and returns how many bytes were
   * accepted in all (optional; `writeVectored(w, bufs)` falls back to writing
   * the first non-empty buffer, as Tokio's default does).
   */
  writeVectored?(bufs: Uint8Array[]): Future<number>;
  /** True when `writeVectored` takes from more than one buffer at a time. */
  isWriteVectored?(): boolean;
}

/** A reader with an internal buffer. */
export interface AsyncBufRead {
  /** The buffered bytes, filling the buffer first if it is empty; empty at end of stream. */
  fillBuf(): Future<Uint8Array>;
  /** Marks `n` bytes of the buffer as read. */
  consume(n: number): void;
}

/** Where to seek to. */
export type SeekFrom = { start: number } | { end: number } | { current: number };

/** A stream with a cursor. */
export interface AsyncSeek {
  /** Moves the cursor and returns the new position from the start. */
  seek(pos: SeekFrom): Future<number>;
}
