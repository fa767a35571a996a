/**
 * Base classes giving every concrete stream the `AsyncReadExt`/`AsyncWriteExt`
 * helpers as methods (`stream.readExact(buf)`, `stream.writeAll(buf)`, …).
 */
import type { Future } from '../future/future.js';
import type { AsyncRead, AsyncWrite } from './traits.js';
import { readExact, readToEnd, readToString, writeAll } from './util.js';

/**
 * A reader with the read helpers as methods.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import type { Future } from 'tokio-ts';
 * import { ReadBase } from 'tokio-ts/io';
 *
 * // A reader of three bytes, with readExact/readToEnd/readToString for free.
 * class Abc extends ReadBase {
 *   #done = false;
 *   *read(buf: Uint8Array): Future<number> {
 *     if (this.#done || buf.length < 3) return 0;
 *     this.#done = true;
 *     buf.set([97, 98, 99]);
 *     return 3;
 *   }
 * }
 *
 * main(function* () {
 *   console.log(yield* new Abc().readToString()); // abc
 * });
 * ```
 */
export abstract class ReadBase implements AsyncRead {
  abstract read(buf: Uint8Array): Future<number>;

  /** Reads exactly `buf.length` bytes (throws `UnexpectedEof`). Not cancel safe. */
  readExact(buf: Uint8Array): Future<number> {
    return readExact(this, buf);
  }

  /** Reads to the end of the stream. Not cancel safe. */
  readToEnd(): Future<Uint8Array> {
    return readToEnd(this);
  }

  /** Reads to the end and decodes UTF-8. Not cancel safe. */
  readToString(): Future<string> {
    return readToString(this);
  }
}

/**
 * A writer with `writeAll` as a method.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import type { Future } from 'tokio-ts';
 * import { WriteBase } from 'tokio-ts/io';
 *
 * // Counts bytes; writeAll comes from WriteBase.
 * class Counter extends WriteBase {
 *   total = 0;
 *   *write(buf: Uint8Array): Future<number> {
 *     this.total += buf.length;
 *     return buf.length;
 *   }
 *   *flush(): Future<void> {}
 *   *shutdown(): Future<void> {}
 * }
 *
 * main(function* () {
 *   const c = new Counter();
 *   yield* c.writeAll(new Uint8Array(10));
 *   console.log(c.total); // 10
 * });
 * ```
 */
export abstract class WriteBase implements AsyncWrite {
  abstract write(buf: Uint8Array): Future<number>;
  abstract flush(): Future<void>;
  abstract shutdown(): Future<void>;

  /** Writes all of `buf`; `buf` may be reused when it returns. Not cancel safe. */
  writeAll(buf: Uint8Array): Future<void> {
    return writeAll(this, buf);
  }
}

/**
 * A two-way stream with all the helpers as methods.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { duplex, ReadWriteBase } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const [a] = duplex(8);
 *   console.log(a instanceof ReadWriteBase); // true: every stream has the helpers
 * });
 * ```
 */
export abstract class ReadWriteBase extends ReadBase implements AsyncWrite {
  abstract write(buf: Uint8Array): Future<number>;
  abstract flush(): Future<void>;
  abstract shutdown(): Future<void>;

  /** Writes all of `buf`; `buf` may be reused when it returns. Not cancel safe. */
  writeAll(buf: Uint8Array): Future<void> {
    return writeAll(this, buf);
  }
}
