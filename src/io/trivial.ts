/** `empty`, `sink`, `repeat`: streams that are always ready (and still yield to others). */
import type { Future, Suspend } from '../future/future.js';
import { coopProceed, parkForBudget, type Waiting } from '../runtime/context.js';
import { ReadWriteBase } from './bases.js';
import { checkBuf } from './check.js';
import { flushPending, readReady } from './probe.js';
import type { SeekFrom } from './traits.js';

enum Kind {
  Empty = 0,
  Sink = 1,
  Repeat = 2,
  Done = 3,
  /** an empty buffer: `Empty.fillBuf()` */
  NoBytes = 4,
}

const NO_BYTES = new Uint8Array(0);

/** Completes at once after spending one unit of coop budget, so an endless loop still yields. */
class ReadyLeaf implements Iterator<Suspend, unknown, unknown>, Waiting {
  readonly #kind: Kind;
  readonly #buf: Uint8Array | null;
  readonly #byte: number;

  constructor(kind: Kind, buf: Uint8Array | null, byte: number) {
    this.#kind = kind;
    this.#buf = buf;
    this.#byte = byte;
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<Suspend, unknown> {
    if (!coopProceed()) return parkForBudget(this);
    switch (this.#kind) {
      case Kind.Empty:
        return { done: true, value: 0 };
      case Kind.Sink:
        return { done: true, value: this.#buf!.length };
      case Kind.Repeat:
        this.#buf!.fill(this.#byte);
        return { done: true, value: this.#buf!.length };
      case Kind.NoBytes:
        return { done: true, value: NO_BYTES };
      default:
        return { done: true, value: undefined };
    }
  }

  cancelWait(): void {}

  describe(): string {
    return 'yielding (coop budget)';
  }
}

/**
 * A stream that reads nothing (always at end) and accepts and discards writes.
 * As Tokio's `Empty`, it is also an `AsyncBufRead` (`fillBuf()` gives an
 * empty buffer) and an `AsyncSeek` (every seek lands at 0).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { empty } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const e = empty();
 *   console.log(yield* e.read(new Uint8Array(4)), yield* e.write(new Uint8Array(4))); // 0 4
 *   console.log((yield* e.fillBuf()).length, yield* e.seek({ end: -1 })); // 0 0
 * });
 * ```
 */
export class Empty extends ReadWriteBase {
  /** Always 0 (end of stream). Cancel safe. */
  read(buf: Uint8Array): Future<number> {
    checkBuf(buf, 'Empty.read(buf)');
    return new ReadyLeaf(Kind.Empty, null, 0) as unknown as Future<number>;
  }
  /** Discards `buf`, returning its length. Cancel safe. */
  write(buf: Uint8Array): Future<number> {
    return new ReadyLeaf(
      Kind.Sink,
      checkBuf(buf, 'Empty.write(buf)'),
      0,
    ) as unknown as Future<number>;
  }
  flush(): Future<void> {
    return new ReadyLeaf(Kind.Done, null, 0) as unknown as Future<void>;
  }
  shutdown(): Future<void> {
    return new ReadyLeaf(Kind.Done, null, 0) as unknown as Future<void>;
  }
  /** An empty buffer (end of stream). Cancel safe. */
  fillBuf(): Future<Uint8Array> {
    return new ReadyLeaf(Kind.NoBytes, null, 0) as unknown as Future<Uint8Array>;
  }
  /** Consumes nothing: `n` must be 0 (`fillBuf()` never gives bytes). */
  consume(n: number): void {
    if (n !== 0) throw new RangeError(`Empty.consume(n): n must be 0, got ${n}`);
  }
  /** Any seek lands at position 0. Cancel safe. */
  seek(_pos: SeekFrom): Future<number> {
    return new ReadyLeaf(Kind.Empty, null, 0) as unknown as Future<number>;
  }
  /** @internal */
  [readReady](): boolean {
    return true;
  }
  /** @internal */
  [flushPending](): boolean {
    return false;
  }
}

/**
 * A stream that reads `byte` forever.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { repeat } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const buf = new Uint8Array(2);
 *   console.log(yield* repeat(9).read(buf), buf); // 2 Uint8Array(2) [ 9, 9 ]
 * });
 * ```
 */
export class Repeat extends ReadWriteBase {
  readonly #byte: number;

  /** @internal */
  constructor(byte: number) {
    super();
    this.#byte = byte;
  }

  /** Fills `buf` with the byte. Cancel safe. */
  read(buf: Uint8Array): Future<number> {
    return new ReadyLeaf(
      Kind.Repeat,
      checkBuf(buf, 'Repeat.read(buf)'),
      this.#byte,
    ) as unknown as Future<number>;
  }
  /** Discards `buf`. */
  write(buf: Uint8Array): Future<number> {
    return new ReadyLeaf(
      Kind.Sink,
      checkBuf(buf, 'Repeat.write(buf)'),
      0,
    ) as unknown as Future<number>;
  }
  flush(): Future<void> {
    return new ReadyLeaf(Kind.Done, null, 0) as unknown as Future<void>;
  }
  shutdown(): Future<void> {
    return new ReadyLeaf(Kind.Done, null, 0) as unknown as Future<void>;
  }
  /** @internal */
  [readReady](): boolean {
    return true;
  }
  /** @internal */
  [flushPending](): boolean {
    return false;
  }
}

/**
 * A stream at end of stream that discards writes (Tokio's `empty()`).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { empty } from 'tokio-ts/io';
 *
 * main(function* () {
 *   console.log(yield* empty().readToEnd()); // Uint8Array(0) []
 * });
 * ```
 */
export function empty(): Empty {
  return new Empty();
}

/**
 * A writer that discards everything (Tokio's `sink()`); reads are at end.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { sink } from 'tokio-ts/io';
 *
 * main(function* () {
 *   console.log(yield* sink().write(new Uint8Array(10))); // 10
 * });
 * ```
 */
export function sink(): Empty {
  return new Empty();
}

/**
 * A reader that yields `byte` forever (Tokio's `repeat()`). Reads spend coop
 * budget, so an endless read loop still lets other tasks run.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { repeat } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const buf = new Uint8Array(3);
 *   yield* repeat(7).readExact(buf);
 *   console.log(buf); // Uint8Array(3) [ 7, 7, 7 ]
 * });
 * ```
 */
export function repeat(byte: number): Repeat {
  if (!Number.isInteger(byte) || byte < 0 || byte > 255)
    throw new RangeError(`repeat(byte): byte must be an integer in 0..255, got ${String(byte)}`);
  return new Repeat(byte);
}
