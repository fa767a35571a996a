/**
 * `Interest` and `Ready`: which readiness a task waits for, and which
 * readiness a stream reports (Tokio's `tokio::io::{Interest, Ready}`), used
 * by `ready(interest)` on sockets.
 */

const R = 1;
const W = 2;
const READ_CLOSED = 4;
const WRITE_CLOSED = 8;

/**
 * The readiness to wait for: {@link Interest.READABLE},
 * {@link Interest.WRITABLE}, or both with `add`.
 *
 * @example
 * ```ts
 * import { Interest } from 'tokio-ts/io';
 *
 * const both = Interest.READABLE.add(Interest.WRITABLE);
 * console.log(both.isReadable(), both.isWritable()); // true true
 * console.log(both.remove(Interest.READABLE)?.isReadable()); // false
 * ```
 */
export class Interest {
  /** Wait until a read would not wait (bytes, end of stream or an error). */
  static readonly READABLE = new Interest(R);
  /** Wait until a write would not wait. */
  static readonly WRITABLE = new Interest(W);

  static readonly #both = new Interest(R | W);

  /** @internal */
  readonly bits: number;

  private constructor(bits: number) {
    this.bits = bits;
  }

  static #of(bits: number): Interest | undefined {
    return bits === 0
      ? undefined
      : bits === R
        ? Interest.READABLE
        : bits === W
          ? Interest.WRITABLE
          : Interest.#both;
  }

  /** True if the interest includes readable. */
  isReadable(): boolean {
    return (this.bits & R) !== 0;
  }

  /** True if the interest includes writable. */
  isWritable(): boolean {
    return (this.bits & W) !== 0;
  }

  /** This interest and `other` (Tokio's `|`/`add`). */
  add(other: Interest): Interest {
    return Interest.#of(this.bits | checkInterest(other, 'Interest.add(other)').bits)!;
  }

  /** This interest without `other`; `undefined` when nothing is left (Tokio's `remove`). */
  remove(other: Interest): Interest | undefined {
    return Interest.#of(this.bits & ~checkInterest(other, 'Interest.remove(other)').bits);
  }

  /** `READABLE`, `WRITABLE` or `READABLE | WRITABLE`. */
  toString(): string {
    return this.bits === R ? 'READABLE' : this.bits === W ? 'WRITABLE' : 'READABLE | WRITABLE';
  }
}

/** @internal */
export function checkInterest(i: unknown, what: string): Interest {
  if (!(i instanceof Interest))
    throw new TypeError(`${what}: expected an Interest (Interest.READABLE, Interest.WRITABLE)`);
  return i;
}

/**
 * The readiness a stream reported: readable, writable, and whether the peer
 * closed its writing (`readClosed`: reads will return 0 once the buffered
 * bytes are read) or this side can no longer write (`writeClosed`: after
 * `shutdown`, `close` or an error). `readClosed` comes with `readable`, and
 * `writeClosed` with `writable`: an operation would not wait, it would end
 * or fail.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { Interest } from 'tokio-ts/io';
 * import { TcpListener, TcpStream } from 'tokio-ts/net';
 *
 * main(function* () {
 *   const l = yield* TcpListener.bind('127.0.0.1:0');
 *   const c = yield* TcpStream.connect(l.localAddr());
 *   const [s] = yield* l.accept();
 *   s.close();
 *   const r = yield* c.ready(Interest.READABLE);
 *   console.log(r.isReadable(), r.isReadClosed(), r.isWritable()); // true true false
 *   c.close();
 *   l.close();
 * });
 * ```
 */
export class Ready {
  /** No readiness. */
  static readonly EMPTY = new Ready(0);
  /** Readable. */
  static readonly READABLE = new Ready(R);
  /** Writable. */
  static readonly WRITABLE = new Ready(W);
  /** The read direction is closed. */
  static readonly READ_CLOSED = new Ready(READ_CLOSED);
  /** The write direction is closed. */
  static readonly WRITE_CLOSED = new Ready(WRITE_CLOSED);
  /** Every readiness. */
  static readonly ALL = new Ready(R | W | READ_CLOSED | WRITE_CLOSED);

  /** @internal */
  readonly bits: number;

  /** @internal */
  constructor(bits: number) {
    this.bits = bits;
  }

  /** True if nothing is ready. */
  isEmpty(): boolean {
    return this.bits === 0;
  }

  /** True if a read would not wait. */
  isReadable(): boolean {
    return (this.bits & R) !== 0;
  }

  /** True if a write would not wait. */
  isWritable(): boolean {
    return (this.bits & W) !== 0;
  }

  /** True if the peer closed its writing (or the stream failed or was closed). */
  isReadClosed(): boolean {
    return (this.bits & READ_CLOSED) !== 0;
  }

  /** True if this side can no longer write. */
  isWriteClosed(): boolean {
    return (this.bits & WRITE_CLOSED) !== 0;
  }

  /** This readiness and `other` (Tokio's `|`). */
  add(other: Ready): Ready {
    if (!(other instanceof Ready)) throw new TypeError('Ready.add(other): expected a Ready');
    return new Ready(this.bits | other.bits);
  }

  /** The names of the set flags, `EMPTY` when none. */
  toString(): string {
    const names: string[] = [];
    if (this.isReadable()) names.push('READABLE');
    if (this.isWritable()) names.push('WRITABLE');
    if (this.isReadClosed()) names.push('READ_CLOSED');
    if (this.isWriteClosed()) names.push('WRITE_CLOSED');
    return names.length === 0 ? 'EMPTY' : names.join(' | ');
  }
}

/** @internal Readiness bits, for the drivers. */
export const ReadyBits = { R, W, READ_CLOSED, WRITE_CLOSED } as const;
