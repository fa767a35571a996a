// The server's request parser, as Redis's processMultibulkBuffer and
// processInlineBuffer: a request is a multibulk (`*<n>` then n bulk strings
// `$<len>`) or an inline line of words. It is incremental: a partial request
// is never parsed again from its start. Where a header line ended, how many
// elements are still to come and where each one lies are kept between reads,
// and a search for a line end resumes where the last one stopped, so the work
// per received byte is bounded however the bytes are cut (a request of a
// million elements sent in small segments costs what one big read costs).
//
// The request stays in the read buffer until it is whole (element offsets are
// relative to its start, so a buffer that compacts or grows does not move
// them); then its elements are handed out as views into the buffer (or
// copies) and the bytes are consumed.
import type { BytesMut } from 'tokio-ts/codec';
import { DEFAULT_LIMITS, RespError, type RespLimits } from './resp.js';

const CR = 13;
const LF = 10;
const STAR = 42;
const DOLLAR = 36;
const INT_MAX = 2 ** 31 - 1;
/** string2ll's range: a longer or larger number is not an integer. */
const LL_MAX = 2 ** 63;

/** Parses requests out of a connection's read buffer. */
export class RequestParser {
  readonly limits: RespLimits;
  /** Offset (from the buffer's first byte) of the next unparsed byte of the current request. */
  #pos = 0;
  /** Where the search for the current header line's end resumes. */
  #scan = 0;
  /** Elements of the current multibulk still to read; 0 between requests. */
  #left = 0;
  /** Length of the bulk string being read; -1 while its `$` header is next. */
  #bulk = -1;
  /** Start and length of each element read so far. */
  #offs: number[] = [];

  constructor(limits: Partial<RespLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /**
   * The next whole request's words (never empty), or undefined until more
   * bytes arrive. Empty requests (`*0`, `*-1`, blank lines) are skipped, as
   * Redis does. Throws a {@link RespError} with Redis's message for a
   * protocol error; the connection is then closed.
   */
  parse(src: BytesMut): Uint8Array[] | undefined {
    for (;;) {
      const b = src.chunk();
      if (this.#left === 0) {
        if (b.length === 0) return undefined;
        if (b[0] === STAR) {
          if (!this.#multibulkHeader(b)) return undefined;
          if (this.#left === 0) {
            this.#done(src); // *0 or *-1: nothing to run
            continue;
          }
        } else {
          const words = this.#inline(b);
          if (words === undefined) return undefined;
          this.#done(src);
          if (words.length === 0) continue; // a blank line
          return words;
        }
      }
      while (this.#left > 0) {
        if (this.#bulk < 0 && !this.#bulkHeader(b)) return undefined;
        const pos = this.#pos;
        const n = this.#bulk;
        // The terminating CRLF is skipped, not checked (as Redis does).
        if (b.length - pos < n + 2) return undefined;
        this.#offs.push(pos, n);
        this.#pos = this.#scan = pos + n + 2;
        this.#bulk = -1;
        this.#left--;
      }
      const offs = this.#offs;
      const views = this.limits.views;
      const words: Uint8Array[] = new Array(offs.length >> 1);
      for (let i = 0; i < offs.length; i += 2) {
        const w = b.subarray(offs[i]!, offs[i]! + offs[i + 1]!);
        words[i >> 1] = views ? w : Buffer.from(w);
      }
      offs.length = 0;
      this.#done(src);
      return words;
    }
  }

  /** Consumes the bytes of the request just parsed. */
  #done(src: BytesMut): void {
    src.advance(this.#pos);
    this.#pos = this.#scan = 0;
  }

  /** Index of the next `byte` at or after the scan position, or -1 (the scan resumes at the end). */
  #find(b: Uint8Array, byte: number): number {
    const i = b.indexOf(byte, this.#scan);
    this.#scan = i === -1 ? b.length : i;
    return i;
  }

  /** Reads `*<n>\r\n`; false while it is incomplete. */
  #multibulkHeader(b: Uint8Array): boolean {
    const cr = this.#headerEnd(b, 'too big mbulk count string');
    if (cr === -1) return false;
    const n = parseLL(b, 1, cr);
    if (Number.isNaN(n) || n > INT_MAX || n > this.limits.maxArray)
      throw new RespError('invalid multibulk length');
    this.#pos = this.#scan = cr + 2;
    if (n > 0) this.#left = n;
    return true;
  }

  /** Reads `$<len>\r\n`; false while it is incomplete. */
  #bulkHeader(b: Uint8Array): boolean {
    const cr = this.#headerEnd(b, 'too big bulk count string');
    if (cr === -1) return false;
    const pos = this.#pos;
    if (b[pos] !== DOLLAR) throw new RespError(`expected '$', got '${printable(b[pos]!)}'`);
    const n = parseLL(b, pos + 1, cr);
    if (Number.isNaN(n) || n < 0 || n > this.limits.maxBulk)
      throw new RespError('invalid bulk length');
    this.#pos = this.#scan = cr + 2;
    this.#bulk = n;
    return true;
  }

  /**
   * The CR ending the header line at #pos once the byte after it has arrived
   * too (Redis ends a header at its CR and skips two bytes); -1 before that.
   */
  #headerEnd(b: Uint8Array, tooBig: string): number {
    const cr = this.#find(b, CR);
    if (cr === -1) {
      if (b.length - this.#pos > this.limits.maxLine) throw new RespError(tooBig);
      return -1;
    }
    return cr + 1 < b.length ? cr : -1;
  }

  /** An inline request's words ([] for a blank line); undefined while the line is incomplete. */
  #inline(b: Uint8Array): Uint8Array[] | undefined {
    const lf = this.#find(b, LF);
    if (lf === -1) {
      if (b.length > this.limits.maxLine) throw new RespError('too big inline request');
      return undefined;
    }
    const end = lf > 0 && b[lf - 1] === CR ? lf - 1 : lf;
    const words = splitArgs(b, 0, end, this.limits.views);
    if (words === null) throw new RespError('unbalanced quotes in request');
    this.#pos = lf + 1;
    return words;
  }
}

/** The byte as Redis's `%c` shows it in an error line (CR and LF become spaces). */
function printable(c: number): string {
  return c === CR || c === LF ? ' ' : String.fromCharCode(c);
}

/**
 * Redis's string2ll over b[from, to): a canonical decimal integer (no `+`, no
 * leading zeros, no spaces, `-0` refused) in the 64-bit range; NaN otherwise.
 */
export function parseLL(b: Uint8Array, from: number, to: number): number {
  const len = to - from;
  if (len <= 0 || len > 20) return Number.NaN;
  if (len === 1 && b[from] === 48) return 0;
  let i = from;
  const neg = b[i] === 45;
  if (neg && ++i === to) return Number.NaN;
  if (b[i]! < 49 || b[i]! > 57) return Number.NaN;
  let n = 0;
  for (; i < to; i++) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) return Number.NaN;
    n = n * 10 + d;
  }
  if (neg ? n > LL_MAX : n >= LL_MAX) return Number.NaN;
  return neg ? -n : n;
}

const SPACE = 32;
const TAB = 9;
const DQ = 34;
const SQ = 39;
const BACKSLASH = 92;

/** C's isspace. */
const isSpace = (c: number): boolean => c === SPACE || (c >= TAB && c <= CR);
/** Ends an unquoted word in sdssplitargs (NUL ends the whole line). */
const endsWord = (c: number): boolean =>
  c === SPACE || c === LF || c === CR || c === TAB || c === 0;
const isHex = (c: number | undefined): boolean =>
  c !== undefined && ((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70));
const hexVal = (c: number): number => (c <= 57 ? c - 48 : (c | 32) - 87);
const ESCAPES: Record<number, number> = { 110: LF, 114: CR, 116: TAB, 98: 8, 97: 7 };

/**
 * Redis's sdssplitargs over b[from, end): words separated by whitespace,
 * "double quoted" (with \n \r \t \b \a \xHH and \<c> escapes) or 'single
 * quoted' (with \'); a closing quote must be followed by a space or the end.
 * A NUL byte ends the line. Null for unbalanced quotes.
 */
export function splitArgs(
  b: Uint8Array,
  from: number,
  end: number,
  views: boolean,
): Uint8Array[] | null {
  const out: Uint8Array[] = [];
  const at = (i: number): number => (i < end ? b[i]! : 0);
  let p = from;
  for (;;) {
    while (p < end && isSpace(b[p]!)) p++;
    if (at(p) === 0) return out;
    // Fast path: a plain word is a slice of the line.
    let q = p;
    while (!endsWord(at(q)) && b[q] !== DQ && b[q] !== SQ) q++;
    if (endsWord(at(q))) {
      const w = b.subarray(p, q);
      out.push(views ? w : Buffer.from(w));
      p = q;
      if (at(p) !== 0) p++;
      continue;
    }
    // A word with quotes: built byte by byte.
    const cur: number[] = [];
    for (let i = p; i < q; i++) cur.push(b[i]!);
    p = q;
    let inq = false;
    let insq = false;
    for (let done = false; !done; ) {
      const c = at(p);
      if (inq) {
        if (c === BACKSLASH && at(p + 1) === 120 && isHex(at(p + 2)) && isHex(at(p + 3))) {
          cur.push(hexVal(at(p + 2)) * 16 + hexVal(at(p + 3)));
          p += 3;
        } else if (c === BACKSLASH && at(p + 1) !== 0) {
          p++;
          cur.push(ESCAPES[at(p)] ?? at(p));
        } else if (c === DQ) {
          if (at(p + 1) !== 0 && !isSpace(at(p + 1))) return null;
          done = true;
        } else if (c === 0) {
          return null;
        } else cur.push(c);
      } else if (insq) {
        if (c === BACKSLASH && at(p + 1) === SQ) {
          p++;
          cur.push(SQ);
        } else if (c === SQ) {
          if (at(p + 1) !== 0 && !isSpace(at(p + 1))) return null;
          done = true;
        } else if (c === 0) {
          return null;
        } else cur.push(c);
      } else if (endsWord(c)) {
        done = true;
      } else if (c === DQ) {
        inq = true;
      } else if (c === SQ) {
        insq = true;
      } else cur.push(c);
      if (at(p) !== 0) p++;
    }
    out.push(Buffer.from(cur));
  }
}
