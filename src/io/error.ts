/** Errors of the I/O modules (io, net, fs, process). */

/**
 * An I/O operation failed. `kind` is a Tokio `io::ErrorKind`-like string
 * (`'not-found'`, `'connection-refused'`, `'unexpected-eof'`, …); `code` keeps
 * Node's error code (`ENOENT`, `ECONNREFUSED`, …) and `path`/`address` say
 * what it was about.
 *
 * @example
 * ```ts
 * import { IoError } from 'tokio-ts/io';
 *
 * const e = IoError.from(Object.assign(new Error('nope'), { code: 'ENOENT' }), { path: '/x' });
 * console.log(e.kind, e.code, e.path); // not-found ENOENT /x
 * ```
 */
export class IoError extends Error {
  readonly kind: string;
  readonly code: string | undefined;
  readonly path: string | undefined;
  readonly address: string | undefined;

  constructor(
    kind: string,
    message: string,
    opts: { code?: string; path?: string; address?: string; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'IoError';
    this.kind = kind;
    this.code = opts.code;
    this.path = opts.path;
    this.address = opts.address;
  }

  /** Wraps a Node error, keeping its `code`. */
  static from(err: unknown, ctx: { path?: string; address?: string } = {}): IoError {
    if (err instanceof IoError) return err;
    const code = (err as { code?: unknown } | null)?.code;
    const c = typeof code === 'string' ? code : undefined;
    const msg = err instanceof Error ? err.message : String(err);
    return new IoError(kindOf(c), msg, {
      code: c,
      path: ctx.path,
      address: ctx.address,
      cause: err,
    });
  }
}

/**
 * A read ended before the expected number of bytes arrived (`readExact`).
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { duplex, UnexpectedEof } from 'tokio-ts/io';
 *
 * main(function* () {
 *   const [a, b] = duplex(8);
 *   a.close();
 *   try {
 *     yield* b.readExact(new Uint8Array(1));
 *   } catch (e) {
 *     console.log(e instanceof UnexpectedEof, (e as UnexpectedEof).kind); // true unexpected-eof
 *   }
 * });
 * ```
 */
export class UnexpectedEof extends IoError {
  constructor(message = 'early eof') {
    super('unexpected-eof', message);
    this.name = 'UnexpectedEof';
  }
}

const KINDS: Record<string, string> = {
  ENOENT: 'not-found',
  EACCES: 'permission-denied',
  EPERM: 'permission-denied',
  EEXIST: 'already-exists',
  ECONNREFUSED: 'connection-refused',
  ECONNRESET: 'connection-reset',
  ECONNABORTED: 'connection-aborted',
  EPIPE: 'broken-pipe',
  EADDRINUSE: 'addr-in-use',
  EADDRNOTAVAIL: 'addr-not-available',
  ENOTCONN: 'not-connected',
  ETIMEDOUT: 'timed-out',
  EINVAL: 'invalid-input',
  ENOTDIR: 'not-a-directory',
  EISDIR: 'is-a-directory',
  ENOTEMPTY: 'directory-not-empty',
  ENOTFOUND: 'not-found',
  EAI_AGAIN: 'timed-out',
};

function kindOf(code: string | undefined): string {
  return code === undefined ? 'other' : (KINDS[code] ?? 'other');
}
