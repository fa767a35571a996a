/**
 * `AtomicCounter`: a 64-bit integer counter in shared memory.
 */
import { registerReviver, TO_WIRE } from '../../worker/wire.js';

/**
 * A counter that tasks on any thread can add to; pass it as a task argument.
 * Values are exact up to 2^53.
 *
 * @example
 * ```ts
 * import { AtomicCounter } from 'tokio-ts/sync/shared';
 *
 * const c = new AtomicCounter();
 * c.add(5);
 * console.log(c.fetchAdd(1), c.load()); // 5 6
 * ```
 */
export class AtomicCounter {
  readonly #a: BigInt64Array;

  constructor(initial = 0, buffer?: SharedArrayBuffer) {
    this.#a = new BigInt64Array(buffer ?? new SharedArrayBuffer(8));
    if (buffer === undefined) this.#a[0] = BigInt(initial);
  }

  /** Adds `n` (default 1); returns the new value. */
  add(n = 1): number {
    return Number(Atomics.add(this.#a, 0, BigInt(n))) + n;
  }

  /** Adds `n`; returns the previous value. */
  fetchAdd(n = 1): number {
    return Number(Atomics.add(this.#a, 0, BigInt(n)));
  }

  load(): number {
    return Number(Atomics.load(this.#a, 0));
  }

  store(v: number): void {
    Atomics.store(this.#a, 0, BigInt(v));
  }

  /** Stores `next` if the value is `expected`; returns the value seen. */
  compareExchange(expected: number, next: number): number {
    return Number(Atomics.compareExchange(this.#a, 0, BigInt(expected), BigInt(next)));
  }

  /** @internal */
  [TO_WIRE](): { __tokioTsShared: string; data: unknown } {
    return { __tokioTsShared: 'atomicCounter', data: this.#a.buffer };
  }
}

registerReviver('atomicCounter', (d) => new AtomicCounter(0, d as SharedArrayBuffer));
