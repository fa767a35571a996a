/** Closing descriptors synchronously, so a cancelled task leaves none behind. @internal */
import { closeSync } from 'node:fs';

/** Closes `fd`, ignoring errors (it is being abandoned). @internal */
export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed or invalid: nothing left to release
  }
}
