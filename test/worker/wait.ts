/** Test-side helpers of the worker tests (not imported by workers). */
import { call } from 'tokio-ts/future';

/**
 * Waits (without spinning, at most 10 s) until `a[i]` is no longer `v`. A
 * pending `Atomics.waitAsync` does not keep the process alive by itself: a
 * timer does meanwhile.
 */
export function* changed(a: Int32Array, i: number, v: number) {
  const r = (Atomics as any).waitAsync(a, i, v, 10_000);
  if (!r.async) return;
  const keep = setTimeout(() => {}, 10_000);
  try {
    yield* call(r.value as Promise<string>);
  } finally {
    clearTimeout(keep);
  }
}
