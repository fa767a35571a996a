/**
 * The chunk a reader adapter is handing out: read into a caller's buffer
 * (the rest kept for the next read) or handed over whole without copying.
 * @internal
 */
export class ChunkCursor {
  /** The current chunk, or null when it was used up. */
  chunk: Uint8Array | null = null;
  #off = 0;

  set(c: Uint8Array): void {
    this.chunk = c;
    this.#off = 0;
  }

  /** Copies as much as fits into `buf`; returns the count. */
  takeInto(buf: Uint8Array): number {
    const c = this.chunk!;
    const off = this.#off;
    const n = Math.min(buf.length, c.length - off);
    buf.set(off === 0 && n === c.length ? c : c.subarray(off, off + n));
    if (off + n < c.length) this.#off = off + n;
    else this.chunk = null;
    return n;
  }

  /** The rest of the chunk, without copying. */
  takeChunk(): Uint8Array {
    const c = this.chunk!;
    const off = this.#off;
    this.chunk = null;
    return off === 0 ? c : c.subarray(off);
  }
}
