/**
 * `fromNodeDuplex`: a Node `Duplex` (a socket from another library, a TLS
 * stream, a `PassThrough`) as one tokio-ts stream that reads and writes.
 */
import type { Duplex } from 'node:stream';
import type { Future } from '../future/future.js';
import { ReadWriteBase } from '../io/bases.js';
import { checkReadable, NodeReader, NodeReadSide } from './node-reader.js';
import { checkWritable, NodeWriter, NodeWriteSide } from './node-writer.js';

/**
 * A Node `Duplex` seen as `AsyncRead & AsyncWrite` (see {@link fromNodeDuplex}).
 *
 * @example
 * ```ts
 * import { PassThrough } from 'node:stream';
 * import { main } from 'tokio-ts';
 * import { fromNodeDuplex } from 'tokio-ts/compat';
 *
 * main(function* () {
 *   const d = fromNodeDuplex(new PassThrough());
 *   yield* d.writeAll(Buffer.from('echo'));
 *   yield* d.shutdown();
 *   console.log(yield* d.readToString()); // echo
 * });
 * ```
 */
export class NodeDuplex extends ReadWriteBase {
  readonly #reader: NodeReader;
  readonly #writer: NodeWriter;
  readonly #stream: Duplex;

  /** @internal */
  constructor(d: Duplex) {
    super();
    this.#stream = d;
    this.#reader = new NodeReader(new NodeReadSide(d));
    this.#writer = new NodeWriter(new NodeWriteSide(d));
  }

  /** The Node stream. */
  get stream(): Duplex {
    return this.#stream;
  }

  /**
   * As `NodeReader.read`.
   *
   * ## Cancel safety
   * Cancel safe; cancelling the task that waits here destroys the stream.
   */
  read(buf: Uint8Array): Future<number> {
    return this.#reader.read(buf);
  }

  /**
   * As `NodeReader.readChunk`.
   *
   * ## Cancel safety
   * Cancel safe; cancelling the task that waits here destroys the stream.
   */
  readChunk(): Future<Uint8Array | undefined> {
    return this.#reader.readChunk();
  }

  /**
   * As `NodeWriter.write`.
   *
   * ## Cancel safety
   * Cancel safe; cancelling the task that waits here destroys the stream.
   */
  write(buf: Uint8Array): Future<number> {
    return this.#writer.write(buf);
  }

  /**
   * As `NodeWriter.writeChunk` (no copy: the chunk is handed to Node).
   *
   * ## Cancel safety
   * Cancel safe.
   */
  writeChunk(chunk: Uint8Array): Future<void> {
    return this.#writer.writeChunk(chunk);
  }

  /**
   * As `NodeWriter.flush`.
   *
   * ## Cancel safety
   * Cancel safe.
   */
  flush(): Future<void> {
    return this.#writer.flush();
  }

  /**
   * Ends the write side (`end()`) and waits for `finish`; reading goes on.
   *
   * ## Cancel safety
   * Cancel safe.
   */
  shutdown(): Future<void> {
    return this.#writer.shutdown();
  }

  /** Destroys the Node stream; later reads and writes fail with `not-connected`. */
  close(): void {
    this.#reader.close();
    this.#writer.close();
  }

  /** Same as {@link close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * A Node `Duplex` as a tokio-ts stream that reads and writes, pull-based in
 * both directions as {@link fromNodeReadable} and {@link fromNodeWritable}.
 *
 * @example
 * ```ts
 * import { PassThrough } from 'node:stream';
 * import { main } from 'tokio-ts';
 * import { fromNodeDuplex } from 'tokio-ts/compat';
 *
 * main(function* () {
 *   const d = fromNodeDuplex(new PassThrough());
 *   yield* d.writeAll(Buffer.from('x'));
 *   console.log(yield* d.readChunk()); // <Buffer 78>
 *   d.close();
 * });
 * ```
 *
 * ## Errors
 * `TypeError` if `d` is not a Node `Duplex`.
 */
export function fromNodeDuplex(d: Duplex): NodeDuplex {
  checkReadable(d, 'fromNodeDuplex(d)');
  checkWritable(d, 'fromNodeDuplex(d)');
  return new NodeDuplex(d);
}
