/** Pull-based I/O: the read/write interfaces, helpers, buffered readers/writers, in-memory pipes. */

export { ReadBase, ReadWriteBase, Take, WriteBase } from './bases.js';
export { BufReader, Lines } from './buf-reader.js';
export { BufWriter } from './buf-writer.js';
export { DuplexStream, duplex, SimplexStream, simplex } from './duplex.js';
export { IoError, UnexpectedEof } from './error.js';
export { Interest, Ready } from './interest.js';
export { ReadHalf, split, WriteHalf } from './split.js';
export { Stdin, StdWrite, stderr, stdin, stdout } from './std.js';
export type { AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, SeekFrom } from './traits.js';
export { Empty, empty, Repeat, repeat, sink } from './trivial.js';
export {
  copy,
  copyBidirectional,
  isWriteVectored,
  readExact,
  readToEnd,
  readToString,
  writeAll,
  writeVectored,
} from './util.js';
