/**
 * Task modules written in TypeScript, on worker threads. Workers inherit the
 * parent's `execArgv`, so Node's own type stripping (and `--import tsx` on
 * recent Node lines) already applies there; but tsx skips registering its
 * hooks on worker threads of older Node lines (20, early 22), where importing
 * a `.ts` task module failed with "Unknown file extension". Then the worker
 * registers the parent's tsx itself (`tsx/esm/api`) and imports again.
 * @internal
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';

let registered: Promise<boolean> | null = null;

/**
 * Imports `url`; on a worker thread whose parent ran under tsx, a `.ts` module
 * that Node cannot load makes the worker register tsx and try once more.
 * @internal
 */
export async function importTaskModule(url: string): Promise<unknown> {
  try {
    return await import(url);
  } catch (e) {
    if ((e as { code?: unknown }).code !== 'ERR_UNKNOWN_FILE_EXTENSION' || isMainThread) throw e;
    registered ??= registerParentTsx();
    if (!(await registered)) throw e;
    // Node remembers the failed import of `url`: import it under another URL,
    // which defineTask/defineBlocking map back (see canonicalModuleUrl).
    return await import(`${url}${url.includes('?') ? '&' : '?'}${RETRY}`);
  }
}

const RETRY = 'tokio-ts-tsx';

/** A task module's URL without the marker of a retried import. @internal */
export function canonicalModuleUrl(url: string): string {
  return url.endsWith(RETRY) ? url.slice(0, -RETRY.length - 1) : url;
}

/** The specifier the parent passed to `--import`/`--loader` for tsx, if any. */
function tsxSpecifier(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const m = /^--(?:import|loader|experimental-loader)=(.*)$/.exec(a);
    const spec = m
      ? m[1]
      : /^--(?:import|loader|experimental-loader)$/.test(a)
        ? argv[i + 1]
        : undefined;
    if (spec !== undefined && /(^|[/\\])tsx([/\\]|$)/.test(spec)) return spec;
  }
  return undefined;
}

async function registerParentTsx(): Promise<boolean> {
  const spec = tsxSpecifier(process.execArgv);
  if (spec === undefined) return false;
  // a bare `--import tsx` resolves from the working directory; the tsx CLI passes its loader's URL
  const base = /^(file:|\/|[A-Za-z]:[/\\])/.test(spec) ? spec : join(process.cwd(), 'noop.js');
  try {
    // tsx/esm/api's ESM build (require.resolve would pick the CommonJS one)
    const pkgPath = createRequire(base).resolve('tsx/package.json');
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as {
      exports?: Record<string, { import?: { default?: string } | string }>;
    };
    const entry = pkg.exports?.['./esm/api']?.import;
    const api = join(dirname(pkgPath), typeof entry === 'string' ? entry : (entry?.default ?? ''));
    const { register } = (await import(pathToFileURL(api).href)) as { register(): unknown };
    register();
    return true;
  } catch {
    return false;
  }
}
