import type { Future } from 'tokio-ts';

/** Runs `f` and returns what it threw; fails the test if it completed. */
export function* errorOf(f: Future<unknown>): Future<unknown> {
  try {
    yield* f;
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}
