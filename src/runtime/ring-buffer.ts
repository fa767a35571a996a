/**
 * A growable FIFO ring buffer with a power-of-two capacity.
 *
 * How and why: the run queue and channel buffers push at the tail and pop at the
 * head millions of times a second. `Array.shift()` is O(n) on large arrays, so we
 * keep a head index and a mask; the buffer doubles when full (amortised O(1))
 * and never shrinks below its initial capacity. Popped slots are cleared so the
 * GC can collect what they held.
 * @internal
 */
export class RingBuffer<T> {
  #buf: (T | undefined)[];
  #mask: number;
  #head = 0;
  #len = 0;

  /** `capacity` is rounded up to a power of two (at least 2). */
  constructor(capacity = 16) {
    let cap = 2;
    while (cap < capacity) cap <<= 1;
    this.#buf = new Array<T | undefined>(cap).fill(undefined);
    this.#mask = cap - 1;
  }

  get length(): number {
    return this.#len;
  }

  push(value: T): void {
    if (this.#len === this.#buf.length) this.#grow();
    this.#buf[(this.#head + this.#len) & this.#mask] = value;
    this.#len++;
  }

  /** Puts `value` back at the head (used to give a message back on cancellation). */
  unshift(value: T): void {
    if (this.#len === this.#buf.length) this.#grow();
    this.#head = (this.#head - 1) & this.#mask;
    this.#buf[this.#head] = value;
    this.#len++;
  }

  /** Removes and returns the head, or `undefined` when empty. */
  shift(): T | undefined {
    if (this.#len === 0) return undefined;
    const i = this.#head;
    const v = this.#buf[i];
    this.#buf[i] = undefined;
    this.#head = (i + 1) & this.#mask;
    this.#len--;
    return v;
  }

  /** The head without removing it. */
  peek(): T | undefined {
    return this.#len === 0 ? undefined : this.#buf[this.#head];
  }

  /** The element at `index` from the head (0-based), or `undefined`. */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.#len) return undefined;
    return this.#buf[(this.#head + index) & this.#mask];
  }

  /** Swaps the elements at `i` and `j` (0-based from the head). */
  swap(i: number, j: number): void {
    const a = (this.#head + i) & this.#mask;
    const b = (this.#head + j) & this.#mask;
    const t = this.#buf[a];
    this.#buf[a] = this.#buf[b];
    this.#buf[b] = t;
  }

  clear(): void {
    while (this.#len > 0) this.shift();
    this.#head = 0;
  }

  #grow(): void {
    const old = this.#buf;
    const cap = old.length;
    const next = new Array<T | undefined>(cap * 2).fill(undefined);
    for (let i = 0; i < this.#len; i++) next[i] = old[(this.#head + i) & this.#mask];
    this.#buf = next;
    this.#head = 0;
    this.#mask = cap * 2 - 1;
  }
}
