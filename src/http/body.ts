/**
 * Body plumbing shared by the server's requests and responses: pulling a Node
 * `IncomingMessage` chunk by chunk (never in flowing mode), and the light
 * classes' delegation to a real web object for the members they do not
 * implement themselves.
 *
 * How and why: the web `Request`/`Response` constructors cost about 40 % of a
 * hello-world request, so the server hands out look-alikes whose prototype
 * chain reaches the global classes (`instanceof` holds) and which answer the
 * common members (method, url, headers, body, status) from plain fields. Every
 * other member is forwarded to a real object built on first use.
 */
import type { IncomingMessage } from 'node:http';

/** Builds (once) and returns the real web object behind a light one. @internal */
export const REAL = Symbol('tokio-ts.http.real');

/** Aborts a light request's signal. @internal */
export const ABORT = Symbol('tokio-ts.http.abort');

/**
 * Gives `Light.prototype` every member of `Global.prototype` it lacks, as a
 * forwarder to `this[REAL]()`, and puts `Global.prototype` on its chain.
 * @internal
 */
export function forwardRest(Light: { prototype: object }, Global: { prototype: object }): void {
  const lp = Light.prototype as Record<PropertyKey, unknown>;
  const gp = Global.prototype;
  for (const key of Reflect.ownKeys(gp)) {
    if (key === 'constructor' || Object.hasOwn(lp, key)) continue;
    const d = Object.getOwnPropertyDescriptor(gp, key)!;
    if (d.get !== undefined) {
      const get = d.get;
      Object.defineProperty(lp, key, {
        configurable: true,
        enumerable: d.enumerable ?? false,
        get(this: { [REAL](): object }) {
          return get.call(this[REAL]());
        },
      });
    } else if (typeof d.value === 'function') {
      const fn = d.value as (...a: unknown[]) => unknown;
      Object.defineProperty(lp, key, {
        configurable: true,
        writable: true,
        enumerable: d.enumerable ?? false,
        value(this: { [REAL](): object }, ...args: unknown[]) {
          return fn.apply(this[REAL](), args);
        },
      });
    }
  }
  Object.setPrototypeOf(lp, gp);
}

/** The bytes of a Node chunk as a Uint8Array (a Buffer already is one). */
function bytesOf(chunk: Buffer | string): Uint8Array {
  return typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}

/**
 * The next chunk of `req`'s body, `null` at its end: at once when Node has one
 * buffered, else a promise. One `read()` per chunk, so Node stops reading the
 * socket while nobody asks (backpressure up to the client). @internal
 */
export function nextChunk(req: IncomingMessage): Uint8Array | null | Promise<Uint8Array | null> {
  const chunk = req.read() as Buffer | string | null;
  if (chunk !== null) return bytesOf(chunk);
  if (req.readableEnded) return null;
  return new Promise<Uint8Array | null>((resolve, reject) => {
    const done = (): void => {
      req.off('readable', onReadable);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onReadable = (): void => {
      const c = req.read() as Buffer | string | null;
      if (c !== null) {
        done();
        resolve(bytesOf(c));
      }
      // null: the end is near ('end' follows) or a spurious wake-up.
    };
    const onEnd = (): void => {
      done();
      resolve(null);
    };
    const onError = (e: unknown): void => {
      done();
      reject(e);
    };
    const onClose = (): void => {
      if (req.readableEnded) return;
      done();
      reject(new TypeError('tokio-ts/http: the client closed the connection mid-body'));
    };
    req.on('readable', onReadable);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** A web stream over `req`'s body that reads one chunk per pull. @internal */
export function incomingStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      pull(c): Promise<void> | undefined {
        const r = nextChunk(req);
        if (r === null) {
          c.close();
          return undefined;
        }
        if (!(r instanceof Promise)) {
          c.enqueue(r);
          return undefined;
        }
        return r.then((chunk) => {
          if (chunk === null) c.close();
          else c.enqueue(chunk);
        });
      },
    },
    { highWaterMark: 0 },
  );
}

/** All of `req`'s body, read chunk by chunk. @internal */
export async function readAll(req: IncomingMessage): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let c = nextChunk(req);
    if (c instanceof Promise) c = await c;
    if (c === null) break;
    parts.push(c);
    size += c.length;
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
}
