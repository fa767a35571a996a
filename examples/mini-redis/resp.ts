// RESP2 frames and their codec: an incremental parser that works on partial
// input (returns undefined until a whole frame is buffered, without scanning a
// large bulk string again and again) and refuses malformed input with a typed
// error, plus the encoder. Inline commands ("PING\r\n", as telnet sends) too.
import { type BytesMut, CodecError, type Decoder, type Encoder } from 'tokio-ts/codec';

export type Frame =
  | { t: 'simple'; v: string }
  | { t: 'error'; v: string }
  | { t: 'int'; v: number }
  | { t: 'bulk'; v: Uint8Array }
  | { t: 'null' }
  | { t: 'array'; v: Frame[] };

export const OK: Frame = { t: 'simple', v: 'OK' };
export const NULL: Frame = { t: 'null' };
export const simple = (v: string): Frame => ({ t: 'simple', v });
export const error = (v: string): Frame => ({ t: 'error', v });
export const int = (v: number): Frame => ({ t: 'int', v });
export const bulk = (v: Uint8Array | string): Frame => ({
  t: 'bulk',
  v: typeof v === 'string' ? Buffer.from(v) : v,
});
export const array = (v: Frame[]): Frame => ({ t: 'array', v });

/** A protocol violation: the server answers `-ERR Protocol error: …` and closes that connection. */
export class RespError extends Error {
  readonly kind = 'protocol';
  constructor(message: string) {
    super(message);
    this.name = 'RespError';
  }
}

export interface RespLimits {
  /** Largest bulk string accepted (Redis's proto-max-bulk-len is 512 MB; we default lower). */
  maxBulk: number;
  /** Largest element count of an array. */
  maxArray: number;
  /** Deepest nesting of arrays. */
  maxDepth: number;
  /** Longest inline command or header line. */
  maxLine: number;
  /**
   * Hand out bulk strings as views into the read buffer instead of copies.
   * They stay valid only until more bytes are read: the server copies what it
   * keeps (stored values, published messages).
   */
  views: boolean;
}

export const DEFAULT_LIMITS: RespLimits = {
  maxBulk: 64 * 1024 * 1024,
  maxArray: 1024 * 1024,
  maxDepth: 8,
  maxLine: 64 * 1024,
  views: false,
};

const CR = 13;
const LF = 10;
const SPACE = 32;
const INCOMPLETE = -1;

/** The parser's cursor over the buffered bytes. */
class Cursor {
  pos = 0;
  constructor(
    readonly b: Uint8Array,
    readonly limits: RespLimits,
  ) {}

  /** Index of the CR of the next CRLF from pos, or INCOMPLETE. */
  lineEnd(): number {
    const i = this.b.indexOf(LF, this.pos);
    if (i === -1) {
      if (this.b.length - this.pos > this.limits.maxLine)
        throw new RespError('too big inline request');
      return INCOMPLETE;
    }
    if (i === this.pos || this.b[i - 1] !== CR) throw new RespError('expected CRLF line ending');
    return i - 1;
  }

  /** Parses a decimal integer line (after the type byte); INCOMPLETE if not all there. */
  intLine(what: string): number {
    const end = this.lineEnd();
    if (end === INCOMPLETE) return Number.NaN;
    let i = this.pos;
    let neg = false;
    if (this.b[i] === 45) {
      neg = true;
      i++;
    }
    if (i === end) throw new RespError(`invalid ${what}`);
    let n = 0;
    for (; i < end; i++) {
      const d = this.b[i]! - 48;
      if (d < 0 || d > 9) throw new RespError(`invalid ${what}`);
      n = n * 10 + d;
      if (n > Number.MAX_SAFE_INTEGER) throw new RespError(`invalid ${what}`);
    }
    this.pos = end + 2;
    return neg ? -n : n;
  }

  /** Parses one frame; undefined if the buffer ends inside it. */
  frame(depth: number): Frame | undefined {
    if (this.pos >= this.b.length) return undefined;
    const type = this.b[this.pos]!;
    switch (type) {
      case 43: // '+'
      case 45: {
        // '-'
        this.pos++;
        const end = this.lineEnd();
        if (end === INCOMPLETE) return undefined;
        const v = Buffer.from(this.b.buffer, this.b.byteOffset + this.pos, end - this.pos).toString(
          'utf8',
        );
        this.pos = end + 2;
        return type === 43 ? { t: 'simple', v } : { t: 'error', v };
      }
      case 58: {
        // ':'
        this.pos++;
        const n = this.intLine('integer');
        return Number.isNaN(n) ? undefined : { t: 'int', v: n };
      }
      case 36: {
        // '$'
        this.pos++;
        const n = this.intLine('bulk length');
        if (Number.isNaN(n)) return undefined;
        if (n === -1) return NULL;
        if (n < 0 || n > this.limits.maxBulk) throw new RespError('invalid bulk length');
        if (this.b.length - this.pos < n + 2) return undefined;
        if (this.b[this.pos + n] !== CR || this.b[this.pos + n + 1] !== LF)
          throw new RespError('bulk string not terminated by CRLF');
        const view = this.b.subarray(this.pos, this.pos + n);
        const v = this.limits.views ? view : Buffer.from(view); // a copy unless asked for views
        this.pos += n + 2;
        return { t: 'bulk', v };
      }
      case 42: {
        // '*'
        this.pos++;
        const n = this.intLine('multibulk length');
        if (Number.isNaN(n)) return undefined;
        if (n === -1) return NULL;
        if (n < 0 || n > this.limits.maxArray) throw new RespError('invalid multibulk length');
        if (depth >= this.limits.maxDepth) throw new RespError('too deeply nested');
        const v: Frame[] = [];
        for (let k = 0; k < n; k++) {
          const f = this.frame(depth + 1);
          if (f === undefined) return undefined;
          v.push(f);
        }
        return { t: 'array', v };
      }
      default: {
        // An inline command: words separated by spaces, cut out of the bytes
        // (no string is built: the words are bulk strings, views or copies).
        const end = this.lineEnd();
        if (end === INCOMPLETE) return undefined;
        const b = this.b;
        const views = this.limits.views;
        const v: Frame[] = [];
        let i = this.pos;
        for (;;) {
          while (i < end && b[i] === SPACE) i++;
          if (i === end) break;
          let j = i + 1;
          while (j < end && b[j] !== SPACE) j++;
          const word = b.subarray(i, j);
          v.push({ t: 'bulk', v: views ? word : Buffer.from(word) });
          i = j;
        }
        this.pos = end + 2;
        return { t: 'array', v };
      }
    }
  }
}

/** The RESP2 codec: frames in, frames out. */
export class RespCodec implements Decoder<Frame>, Encoder<Frame> {
  readonly limits: RespLimits;
  /** A bulk string waiting for its bytes: skip re-parsing until they are all there. */
  #need = 0;

  constructor(limits: Partial<RespLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  decode(src: BytesMut): Frame | undefined {
    if (src.length === 0 || src.length < this.#need) return undefined;
    const cur = new Cursor(src.chunk(), this.limits);
    const f = cur.frame(0);
    if (f === undefined) {
      // A top-level bulk string announces its size: wait for it before parsing again.
      this.#need = src.at(0) === 36 ? this.#bulkNeed(src) : 0;
      return undefined;
    }
    this.#need = 0;
    src.advance(cur.pos);
    return f;
  }

  #bulkNeed(src: BytesMut): number {
    const cur = new Cursor(src.chunk(), this.limits);
    cur.pos = 1;
    const n = cur.intLine('bulk length');
    return Number.isNaN(n) || n < 0 ? 0 : cur.pos + n + 2;
  }

  decodeEof(src: BytesMut): Frame | undefined {
    const f = this.decode(src);
    if (f !== undefined) return f;
    if (src.length > 0)
      throw new CodecError('bytes-remaining-on-stream', 'connection closed inside a frame');
    return undefined;
  }

  encode(f: Frame, dst: BytesMut): void {
    switch (f.t) {
      case 'simple':
        dst.extend(
          f.v === 'OK' ? OK_BYTES : f.v === 'PONG' ? PONG_BYTES : Buffer.from(`+${f.v}\r\n`),
        );
        return;
      case 'error':
        dst.extend(Buffer.from(`-${f.v}\r\n`));
        return;
      case 'int':
        dst.extend(Buffer.from(`:${f.v}\r\n`));
        return;
      case 'null':
        dst.extend(NULL_BULK);
        return;
      case 'bulk':
        dst.extend(Buffer.from(`$${f.v.length}\r\n`));
        dst.extend(f.v);
        dst.extend(CRLF);
        return;
      case 'array':
        dst.extend(Buffer.from(`*${f.v.length}\r\n`));
        for (const x of f.v) this.encode(x, dst);
        return;
    }
  }
}

const CRLF = Buffer.from('\r\n');
const OK_BYTES = Buffer.from('+OK\r\n');
const PONG_BYTES = Buffer.from('+PONG\r\n');
const NULL_BULK = Buffer.from('$-1\r\n');
