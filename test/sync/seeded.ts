/**
 * Helpers for the seeded schedule-permutation tests of the locks: a small
 * deterministic PRNG and a random number of `yieldNow()`s, so each seed gives
 * a different but reproducible interleaving of the tasks.
 */
import { type Future, JoinError, type JoinHandle, yieldNow } from 'tokio-ts';

/** Seeds per primitive (200, or 2,000 with TOKIO_TS_STRESS=long). */
export const SEEDS = process.env.TOKIO_TS_STRESS === 'long' ? 2000 : 200;

/** mulberry32: a tiny seeded PRNG returning floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n). */
export function int(rand: () => number, n: number): number {
  return Math.floor(rand() * n);
}

/** Yields 0..max-1 times, as the PRNG says. */
export function* jitter(rand: () => number, max = 4): Future<void> {
  for (let i = int(rand, max); i > 0; i--) yield* yieldNow();
}

/** Joins a task that may have been aborted; returns true if it was cancelled. */
export function* settle(h: JoinHandle<unknown>): Future<boolean> {
  try {
    yield* h;
    return false;
  } catch (e) {
    if (e instanceof JoinError && e.isCancelled()) return true;
    throw e;
  }
}

/** Runs `body(seed)` for every seed, naming the failing seed in the error. */
export function* forSeeds(what: string, body: (seed: number) => Future<void>): Future<void> {
  for (let seed = 1; seed <= SEEDS; seed++) {
    try {
      yield* body(seed);
    } catch (e) {
      const msg = `${what}: failed with seed ${seed} (rerun that seed to reproduce)`;
      console.error(msg);
      throw new Error(msg, { cause: e });
    }
  }
}
