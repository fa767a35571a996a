/**
 * Where user code called the library from: the first stack frame outside the
 * library's own files. The library is recognised by its real location on disk
 * (this module's URL), never by a folder name, so a project (or a clone of this
 * repository) in a folder called `tokio-ts` still gets its own frames.
 * @internal
 */
import { fileURLToPath } from 'node:url';

/** The library's root folder (`dist/src/` when built, `src/` under a TS loader), as a URL and as a path. */
const ROOT_URL = new URL('../', import.meta.url).href;
const ROOT_PATH = fileURLToPath(ROOT_URL);

/** True if a stack line is one of the library's frames or Node's own. @internal */
export function isLibraryFrame(line: string): boolean {
  return (
    line.includes(ROOT_URL) ||
    line.includes(ROOT_PATH) ||
    line.includes('(node:') ||
    line.includes('at node:')
  );
}

/**
 * The first frame of `stack` (an `Error().stack`) outside the library, without
 * its `at `; the last frame if every frame is the library's. @internal
 */
export function userLocation(stack: string | undefined): string | undefined {
  if (stack === undefined) return undefined;
  const lines = stack.split('\n').slice(1);
  const user = lines.find((l) => !isLibraryFrame(l));
  return (user ?? lines[lines.length - 1] ?? '').trim().replace(/^at /, '');
}
