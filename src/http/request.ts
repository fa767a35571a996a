/**
 * The `Request` a handler of `serve` receives: a web `Request` (it passes
 * `instanceof Request`) built lazily from Node's `IncomingMessage`.
 */
import type { IncomingMessage } from 'node:http';
import { ABORT, forwardRest, incomingStream, REAL, readAll } from './body.js';

const GlobalRequest = globalThis.Request;
const decoder = new TextDecoder();

/**
 * A server-side web `Request` whose url, headers and body are made on first
 * use; members it does not answer itself go to a real `Request` built then.
 * The body is read from the socket on demand (backpressure to the client).
 * @internal
 */
export class IncomingRequest {
  readonly #req: IncomingMessage;
  #url: string | null = null;
  #headers: Headers | null = null;
  #body: ReadableStream<Uint8Array> | null | undefined = undefined;
  #used = false;
  #abort: AbortController | null = null;
  #real: Request | null = null;

  constructor(req: IncomingMessage) {
    this.#req = req;
  }

  get method(): string {
    return this.#req.method ?? 'GET';
  }

  get url(): string {
    if (this.#url === null) {
      const path = this.#req.url ?? '/';
      if (path.startsWith('http://') || path.startsWith('https://')) this.#url = path;
      else this.#url = `http://${this.#req.headers.host ?? 'localhost'}${path}`;
    }
    return this.#url;
  }

  get headers(): Headers {
    if (this.#headers === null) {
      const h = new Headers();
      const raw = this.#req.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) h.append(raw[i]!, raw[i + 1]!);
      this.#headers = h;
    }
    return this.#headers;
  }

  /** Aborts when the request is cancelled (client gone, timeout, shutdown). */
  get signal(): AbortSignal {
    this.#abort ??= new AbortController();
    return this.#abort.signal;
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.#body === undefined) this.#body = this.#hasBody() ? incomingStream(this.#req) : null;
    return this.#body;
  }

  get bodyUsed(): boolean {
    return this.#used || this.#body?.locked === true;
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return this.#bytes().then((b) =>
      b.byteOffset === 0 && b.byteLength === b.buffer.byteLength
        ? (b.buffer as ArrayBuffer)
        : (b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer),
    );
  }

  text(): Promise<string> {
    return this.#bytes().then((b) => decoder.decode(b));
  }

  json(): Promise<unknown> {
    return this.text().then((t) => JSON.parse(t) as unknown);
  }

  #bytes(): Promise<Uint8Array> {
    if (this.#real !== null || this.#body !== undefined) {
      return this[REAL]()
        .arrayBuffer()
        .then((b) => new Uint8Array(b));
    }
    if (this.#used)
      return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
    this.#used = true;
    return this.#hasBody() ? readAll(this.#req) : Promise.resolve(new Uint8Array(0));
  }

  #hasBody(): boolean {
    const m = this.#req.method;
    if (m === 'GET' || m === 'HEAD') return false;
    const h = this.#req.headers;
    return (
      h['transfer-encoding'] !== undefined ||
      (h['content-length'] !== undefined && h['content-length'] !== '0')
    );
  }

  /** Aborts `signal` (called by the server when the handler is cancelled). @internal */
  [ABORT](reason: unknown): void {
    this.#abort?.abort(reason);
  }

  /** @internal */
  [REAL](): Request {
    if (this.#real === null) {
      const init: RequestInit & { duplex?: 'half' } = {
        method: this.method,
        headers: this.headers,
        signal: this.signal,
      };
      const body = this.body;
      if (body !== null) {
        init.body = body;
        init.duplex = 'half';
      }
      this.#real = new GlobalRequest(this.url, init);
    }
    return this.#real;
  }
}

forwardRest(IncomingRequest, GlobalRequest);
