/** Pull-based I/O: the read/write interfaces, helpers, buffered readers/writers, in-memory pipes. */

export { IoError, UnexpectedEof } from './error.js';
export type { AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, SeekFrom } from './traits.js';
