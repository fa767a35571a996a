/**
 * The argument checks of the I/O methods: one message for every reader and
 * writer that takes buffers.
 * @internal
 */

/** @internal Throws unless `buf` is a Uint8Array; returns it. */
export function checkBuf(buf: unknown, what: string): Uint8Array {
  if (!(buf instanceof Uint8Array)) throw new TypeError(`${what}: buf must be a Uint8Array`);
  return buf;
}

/** @internal Throws unless `bufs` is an array of Uint8Array. */
export function checkBufs(bufs: unknown, what: string): Uint8Array[] {
  if (!Array.isArray(bufs) || !bufs.every((b) => b instanceof Uint8Array))
    throw new TypeError(`${what}: bufs must be an array of Uint8Array`);
  return bufs;
}
