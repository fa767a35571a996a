/**
 * The scripted mock stream of the test kit (tokio-test's `io::Builder`): a
 * stream that plays back reads and checks writes against a script.
 */
import { AssertionError } from 'node:assert';
import type { Future, Suspend } from '../future/future.js';
import { ReadWriteBase } from '../io/bases.js';
import { Notify } from '../sync/notify.js';
import { sleep } from '../time/sleep.js';

type Action =
  | { t: 'read'; data: Uint8Array }
  | { t: 'write'; data: Uint8Array }
  | { t: 'wait'; ms: number }
  | { t: 'readError'; err: Error }
  | { t: 'writeError'; err: Error };

function bytes(b: Uint8Array | string, what: string): Uint8Array {
  if (typeof b === 'string') return new TextEncoder().encode(b);
  if (b instanceof Uint8Array) return b.slice();
  throw new TypeError(`${what}: expected a Uint8Array or a string`);
}

function show(b: Uint8Array): string {
  const s = Buffer.from(b).toString('utf8');
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s);
}

/** Builds a {@link Mock}: the script of reads it returns and writes it expects, in order. */
export class MockBuilder {
  readonly #actions: Action[] = [];

  /** The next read(s) return these bytes (split across reads if the caller's buffer is smaller). */
  read(data: Uint8Array | string): this {
    const d = bytes(data, 'read(data)');
    if (d.length > 0) this.#actions.push({ t: 'read', data: d });
    return this;
  }

  /** The next write(s) must be exactly these bytes (a write may cover part of them). */
  write(data: Uint8Array | string): this {
    const d = bytes(data, 'write(data)');
    if (d.length > 0) this.#actions.push({ t: 'write', data: d });
    return this;
  }

  /** Reads and writes wait `ms` on the runtime's clock (paused clocks jump). */
  wait(ms: number): this {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError(`wait(ms): ms must be >= 0, got ${ms}`);
    this.#actions.push({ t: 'wait', ms });
    return this;
  }

  /** The next read throws `err`. */
  readError(err: Error): this {
    this.#actions.push({ t: 'readError', err });
    return this;
  }

  /** The next write throws `err`. */
  writeError(err: Error): this {
    this.#actions.push({ t: 'writeError', err });
    return this;
  }

  /** The mock stream playing this script. */
  build(): Mock {
    return new Mock(this.#actions.slice());
  }
}

/**
 * A scripted stream. Reads return the scripted bytes in order; a read while
 * the script expects a write waits for that write; a read after the script
 * is at end of stream. A write that differs from the script, or a write the
 * script does not expect, throws an `AssertionError`. `assertDone()` (or
 * `using`) checks that the whole script was played.
 */
export class Mock extends ReadWriteBase {
  readonly #actions: Action[];
  readonly #changed = new Notify();

  /** @internal */
  constructor(actions: Action[]) {
    super();
    this.#actions = actions;
  }

  /**
   * Returns the next scripted bytes.
   *
   * ## Cancel safety
   * Cancel safe.
   */
  read(buf: Uint8Array): Future<number> {
    if (!(buf instanceof Uint8Array))
      throw new TypeError('Mock.read(buf): buf must be a Uint8Array');
    return this.#read(buf);
  }

  *#read(buf: Uint8Array): Generator<Suspend, number, unknown> {
    for (;;) {
      const a = this.#actions[0];
      if (a === undefined) return 0;
      switch (a.t) {
        case 'wait':
          yield* sleep(a.ms);
          if (this.#actions[0] === a) this.#actions.shift();
          this.#changed.notifyWaiters();
          continue;
        case 'read': {
          const n = Math.min(buf.length, a.data.length);
          buf.set(a.data.subarray(0, n));
          if (n === a.data.length) this.#actions.shift();
          else a.data = a.data.subarray(n);
          this.#changed.notifyWaiters();
          return n;
        }
        case 'readError':
          this.#actions.shift();
          this.#changed.notifyWaiters();
          throw a.err;
        default:
          // The script expects a write first.
          yield* this.#changed.notified();
      }
    }
  }

  /**
   * Checks `buf` against the script; returns how much of it matched the next
   * scripted write.
   *
   * ## Cancel safety
   * Cancel safe.
   */
  write(buf: Uint8Array): Future<number> {
    if (!(buf instanceof Uint8Array))
      throw new TypeError('Mock.write(buf): buf must be a Uint8Array');
    return this.#write(buf);
  }

  *#write(buf: Uint8Array): Generator<Suspend, number, unknown> {
    if (buf.length === 0) return 0;
    for (;;) {
      // Writes look past pending reads (tokio-test does too).
      let i = 0;
      while (i < this.#actions.length && this.#actions[i]!.t === 'read') i++;
      const a = this.#actions[i];
      if (a === undefined)
        throw new AssertionError({
          message: `unexpected write ${show(buf)}: the script has no more writes`,
        });
      switch (a.t) {
        case 'wait':
          yield* sleep(a.ms);
          if (this.#actions[i] === a) this.#actions.splice(i, 1);
          this.#changed.notifyWaiters();
          continue;
        case 'writeError':
          this.#actions.splice(i, 1);
          this.#changed.notifyWaiters();
          throw a.err;
        case 'readError':
          throw new AssertionError({
            message: `unexpected write ${show(buf)}: the script expects a read error first`,
          });
        case 'write': {
          const n = Math.min(buf.length, a.data.length);
          const got = buf.subarray(0, n);
          const want = a.data.subarray(0, n);
          if (!Buffer.from(got).equals(Buffer.from(want)))
            throw new AssertionError({
              message: `write mismatch: got ${show(got)}, the script expects ${show(want)}`,
              actual: Buffer.from(got).toString(),
              expected: Buffer.from(want).toString(),
              operator: 'mock write',
            });
          if (n === a.data.length) this.#actions.splice(i, 1);
          else a.data = a.data.subarray(n);
          this.#changed.notifyWaiters();
          return n;
        }
      }
    }
  }

  /** Completes at once. */
  flush(): Future<void> {
    return noop();
  }

  /** Completes at once. */
  shutdown(): Future<void> {
    return noop();
  }

  /** Throws an `AssertionError` if part of the script was not played. */
  assertDone(): void {
    if (this.#actions.length > 0) {
      const left = this.#actions.map((a) =>
        a.t === 'read' || a.t === 'write'
          ? `${a.t} ${show(a.data)}`
          : a.t === 'wait'
            ? `wait ${a.ms} ms`
            : a.t,
      );
      throw new AssertionError({
        message: `the mock stream still has script left: ${left.join(', ')}`,
      });
    }
  }

  /** Same as {@link assertDone}. */
  [Symbol.dispose](): void {
    this.assertDone();
  }
}

function* noop(): Generator<Suspend, void, unknown> {}

/** Starts a script: `io.Builder().read('x').write('y').build()` (with or without `new`). */
export const Builder = function Builder(): MockBuilder {
  return new MockBuilder();
} as unknown as { (): MockBuilder; new (): MockBuilder };
