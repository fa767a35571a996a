/**
 * `Response`: a light web `Response` for handlers of `serve`, and
 * `readerBody`, a response body read from a tokio-ts `AsyncRead`.
 */
import type { Future } from '../future/future.js';
import type { AsyncRead } from '../io/traits.js';
import { Runtime } from '../runtime/runtime.js';
import type { JoinHandle } from '../task/join-handle.js';
import { forwardRest, REAL } from './body.js';

const GlobalResponse = globalThis.Response;
type BodyInit = ConstructorParameters<typeof globalThis.Response>[0];
type HeadersInit = ConstructorParameters<typeof Headers>[0];

/** What the server writes for a light response without building a real one. @internal */
export interface ResponseParts {
  status: number;
  statusText: string;
  /** Alternating names and values, as `writeHead` takes them. */
  headers: string[];
  body: string | Uint8Array | ReadableStream<Uint8Array> | null;
}

/** The light web `Response` behind {@link Response}. */
class LightResponse {
  #body: BodyInit | null;
  #status: number;
  #statusText: string;
  #init: HeadersInit | undefined;
  #type: string | null;
  #headers: Headers | null = null;
  #real: globalThis.Response | null = null;

  constructor(body?: BodyInit | null, init?: ResponseInit) {
    const status = init?.status ?? 200;
    if (!Number.isInteger(status) || status < 200 || status > 599)
      throw new RangeError(
        `Response: status must be an integer in 200..599, got ${String(status)}`,
      );
    this.#status = status;
    this.#statusText = init?.statusText ?? '';
    this.#init = init?.headers;
    this.#body = body ?? null;
    this.#type = typeof body === 'string' ? 'text/plain;charset=UTF-8' : null;
    if (
      body != null &&
      typeof body !== 'string' &&
      !(body instanceof Uint8Array) &&
      !(body instanceof ReadableStream)
    ) {
      // Blob, FormData, URLSearchParams, ArrayBuffer…: the real one knows them.
      this.#real = new GlobalResponse(body, init);
    }
  }

  /** Any web `Response` is an instance, the light ones and the platform's. */
  static [Symbol.hasInstance](v: unknown): boolean {
    return v instanceof GlobalResponse;
  }

  /** A response with `data` as JSON and `content-type: application/json`. */
  static json(data: unknown, init?: ResponseInit): globalThis.Response {
    const text = JSON.stringify(data);
    if (text === undefined) throw new TypeError('Response.json: data is not JSON-serializable');
    const r = new LightResponse(text, init);
    r.#type = 'application/json';
    return r as unknown as globalThis.Response;
  }

  get status(): number {
    return this.#status;
  }

  get ok(): boolean {
    return this.#status >= 200 && this.#status <= 299;
  }

  get statusText(): string {
    return this.#statusText;
  }

  get headers(): Headers {
    if (this.#real !== null) return this.#real.headers;
    if (this.#headers === null) {
      const h = new Headers(this.#init);
      if (this.#type !== null && !h.has('content-type')) h.set('content-type', this.#type);
      this.#headers = h;
    }
    return this.#headers;
  }

  /** @internal */
  [REAL](): globalThis.Response {
    if (this.#real === null) {
      this.#real = new GlobalResponse(this.#body, {
        status: this.#status,
        statusText: this.#statusText,
        headers: this.headers,
      });
    }
    return this.#real;
  }

  /** The parts to write, or null when a real response stands behind it. @internal */
  static parts(r: unknown): ResponseParts | null {
    if (!(typeof r === 'object' && r !== null && #body in r)) return null;
    const self = r as LightResponse;
    if (self.#real !== null) return null;
    const headers: string[] = [];
    let typed = false;
    if (self.#headers !== null) {
      for (const [k, v] of self.#headers) headers.push(k, v);
      typed = true; // the getter added the default type already
    } else {
      const init = self.#init;
      if (init === undefined) {
        // nothing
      } else if (Array.isArray(init)) {
        for (const [k, v] of init) {
          headers.push(k!, v!);
          if (!typed && k!.length === 12 && k!.toLowerCase() === 'content-type') typed = true;
        }
      } else if (init instanceof Headers) {
        for (const [k, v] of init) headers.push(k, v);
        typed = init.has('content-type');
      } else {
        for (const k in init) {
          headers.push(k, (init as Record<string, string>)[k]!);
          if (!typed && k.length === 12 && k.toLowerCase() === 'content-type') typed = true;
        }
      }
    }
    if (!typed && self.#type !== null) headers.push('content-type', self.#type);
    return {
      status: self.#status,
      statusText: self.#statusText,
      headers,
      body: self.#body as ResponseParts['body'],
    };
  }
}

forwardRest(LightResponse, GlobalResponse);
Object.setPrototypeOf(LightResponse, GlobalResponse);

/**
 * A web `Response` (it passes `instanceof Response` and has every member) that
 * the server writes from plain fields: no body stream, no `Headers` object
 * unless the handler asks for one. The global constructor costs about 40 % of
 * a hello-world request; use this one in handlers of {@link serve}. Members
 * other than `status`, `ok`, `statusText` and `headers` build a real
 * `Response` on first use, so it behaves as the standard one everywhere.
 *
 * @example
 * ```ts
 * import { Response } from 'tokio-ts/http';
 *
 * const r = new Response('hello', { status: 201, headers: { 'x-id': '7' } });
 * console.log(r instanceof globalThis.Response, r.status, r.headers.get('content-type'));
 * // true 201 text/plain;charset=UTF-8
 * console.log(await r.text()); // hello
 * console.log(await Response.json({ ok: true }).json()); // { ok: true }
 * ```
 */
export const Response: typeof globalThis.Response =
  LightResponse as unknown as typeof globalThis.Response;
/** A web `Response`. */
export type Response = globalThis.Response;

/** The parts of a light response, or null for any other. @internal */
export const responseParts: (r: unknown) => ResponseParts | null = LightResponse.parts;

/** The reader behind a stream made by {@link readerBody}. @internal */
export interface ReaderSource {
  reader: AsyncRead;
  chunkSize: number;
}

const readerStreams = new WeakMap<ReadableStream<Uint8Array>, ReaderSource>();

/** The tokio-ts reader behind `stream`, when {@link readerBody} made it. @internal */
export function readerOf(stream: ReadableStream<Uint8Array>): ReaderSource | undefined {
  return readerStreams.get(stream);
}

/** Options of {@link readerBody}. */
export interface ReaderBodyOptions {
  /** Bytes asked of the reader per read (default 64 KiB). */
  chunkSize?: number;
}

/**
 * A web `ReadableStream` over a tokio-ts `AsyncRead` (a file, a socket, a
 * child's stdout), to use as a `Response` body. Pull-based: the reader is read
 * only when the consumer asks. `serve` recognises these streams and reads the
 * reader straight from the request's task, so a client that disconnects
 * cancels the read; elsewhere each pull runs the read as a task of the runtime
 * current when `readerBody` was called, and cancelling the stream aborts it.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { call } from 'tokio-ts/future';
 * import { readerBody, Response } from 'tokio-ts/http';
 * import { simplex } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const [reader, writer] = simplex(1024);
 *   yield* writer.writeAll(new TextEncoder().encode('streamed'));
 *   yield* writer.shutdown();
 *   const res = new Response(readerBody(reader));
 *   console.log(yield* call(res.text())); // streamed
 * });
 * ```
 */
export function readerBody(
  reader: AsyncRead,
  opts?: ReaderBodyOptions,
): ReadableStream<Uint8Array> {
  if (reader === null || typeof reader !== 'object' || typeof reader.read !== 'function')
    throw new TypeError('readerBody(reader): reader must be an AsyncRead (with read(buf))');
  const chunkSize = opts?.chunkSize ?? 64 * 1024;
  if (!Number.isInteger(chunkSize) || chunkSize < 1)
    throw new RangeError(
      `readerBody: chunkSize must be a positive integer, got ${String(chunkSize)}`,
    );
  const rt = Runtime.current();
  let pending: JoinHandle<Uint8Array | null> | null = null;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(c) {
        pending = rt.spawn(readChunk(reader, chunkSize));
        const chunk = await pending;
        pending = null;
        if (chunk === null) c.close();
        else c.enqueue(chunk);
      },
      cancel() {
        pending?.abort();
      },
    },
    { highWaterMark: 0 },
  );
  readerStreams.set(stream, { reader, chunkSize });
  return stream;
}

/** One read of at most `size` bytes into a fresh buffer; null at the end. @internal */
export function* readChunk(reader: AsyncRead, size: number): Future<Uint8Array | null> {
  const buf = Buffer.allocUnsafe(size);
  const n = yield* reader.read(buf);
  return n === 0 ? null : buf.subarray(0, n);
}
