/**
 * Files and directories (`tokio-ts/fs`), as Tokio's `tokio::fs`: the
 * whole-file and path functions, `File` with `OpenOptions`, and `readDir`.
 * Operations run on Node's thread pool; errors are `IoError`s (from
 * `tokio-ts/io`) carrying Node's `code` and the path.
 */

export { File, type Metadata } from './file.js';
export {
  canonicalize,
  copy,
  createDir,
  createDirAll,
  hardLink,
  metadata,
  read,
  readLink,
  readToString,
  removeDir,
  removeDirAll,
  removeFile,
  rename,
  setPermissions,
  symlink,
  symlinkMetadata,
  tryExists,
  write,
} from './functions.js';
export type { PathLike } from './op.js';
export { OpenOptions } from './open-options.js';
export { DirEntry, type FileType, ReadDir, readDir } from './read-dir.js';
