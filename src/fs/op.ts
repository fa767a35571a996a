/**
 * The leaf every fs and process operation waits on: one Node promise or
 * callback, with cancellation that never leaks what the operation opened.
 *
 * How and why: Node cannot stop a file operation that is already on the
 * thread pool. So a cancelled operation is *awaited* rather than abandoned:
 * `cancelWait` aborts the signal (where Node takes one) and returns a Future
 * that the runtime drives before the task's `finally` blocks run; it finishes
 * when the operation has settled. A value that arrives after cancellation is
 * handed to `onLate` (close the handle that `open` returned), so when the
 * cancelled task has been joined, every descriptor it opened is closed again.
 * @internal
 */
import type { Future, Suspend } from '../future/future.js';
import { IoError } from '../io/error.js';
import { currentTask, SUSPENDED, type Waiting } from '../runtime/context.js';
import type { Task } from '../runtime/task.js';

enum S {
  Init = 0,
  Waiting = 1,
  Ok = 2,
  Err = 3,
  Cancelled = 4,
  Finished = 5,
}

/** An operation started by {@link NodeOp}: calls `done(err, value)` exactly once. @internal */
export type Starter<T> = (op: NodeOp<T>, signal: AbortSignal | null) => void;

/**
 * A single-use leaf over one Node operation. Subclass-free: `start` receives
 * the leaf and reports through `op.done(err, value)` (usable as a Node
 * callback) or `op.track(promise)`.
 * @internal
 */
export class NodeOp<T> implements Future<T>, Iterator<Suspend, T, unknown>, Waiting {
  #start: Starter<T> | null;
  #state = S.Init;
  #value: unknown = undefined;
  #task: Task | null = null;
  #controller: AbortController | null = null;
  #settled = false;
  #parked = false;
  /** the task driving the cancel-hook future, woken when the op settles */
  #hookTask: Task | null = null;
  readonly #path: string | undefined;
  readonly #withSignal: boolean;
  readonly #description: string;
  /** called with a value that arrived after the task was cancelled */
  onLate: ((v: T) => void) | null = null;
  /** called with the value when the op succeeded, cancelled or not (cursor updates) */
  onSettled: ((v: T, cancelled: boolean) => void) | null = null;
  /** maps an error (default: IoError.from with the path) */
  mapError: ((e: unknown) => unknown) | null = null;
  readonly done: (err: unknown, value?: T) => void;

  constructor(start: Starter<T>, path: string | undefined, withSignal: boolean, what: string) {
    this.#start = start;
    this.#path = path;
    this.#withSignal = withSignal;
    this.#description = what;
    this.done = (err, value) => this.#settle(err, value as T);
  }

  [Symbol.iterator](): Iterator<Suspend, T, unknown> {
    if (this.#state !== S.Init)
      throw new Error('tokio-ts: this fs/process future was already polled');
    return this;
  }

  /** Reports through a promise instead of the `done` callback. */
  track(p: Promise<T>): void {
    p.then(
      (v) => this.#settle(null, v),
      (e) => this.#settle(e ?? new Error('operation failed'), undefined as T),
    );
  }

  next(): IteratorResult<Suspend, T> {
    const s = this.#state;
    if (s === S.Init) {
      const task = currentTask();
      this.#task = task;
      this.#state = S.Waiting;
      const start = this.#start!;
      this.#start = null;
      let signal: AbortSignal | null = null;
      if (this.#withSignal) {
        this.#controller = new AbortController();
        signal = this.#controller.signal;
      }
      try {
        start(this, signal);
      } catch (e) {
        this.#settle(e, undefined as T);
      }
      if (this.#state === S.Waiting) {
        this.#parked = true;
        task.waitingOn = this;
        return SUSPENDED;
      }
      return this.#finish();
    }
    if (s === S.Waiting) {
      this.#task!.waitingOn = this;
      return SUSPENDED;
    }
    return this.#finish();
  }

  #finish(): IteratorResult<Suspend, T> {
    const s = this.#state;
    this.#state = S.Finished;
    if (s === S.Err) {
      const e = this.#value;
      this.#value = undefined;
      throw this.mapError !== null ? this.mapError(e) : IoError.from(e, { path: this.#path });
    }
    if (s === S.Ok) return { done: true, value: this.#value as T };
    throw new Error('tokio-ts: fs/process future polled after it completed');
  }

  #settle(err: unknown, value: T): void {
    if (this.#settled) return;
    this.#settled = true;
    const s = this.#state;
    if (s === S.Cancelled) {
      if (err === null || err === undefined) {
        if (this.onSettled !== null) this.onSettled(value, true);
        if (this.onLate !== null) this.onLate(value);
      }
      const t = this.#hookTask;
      this.#hookTask = null;
      t?.wake();
      return;
    }
    if (err === null || err === undefined) {
      this.#state = S.Ok;
      this.#value = value;
      if (this.onSettled !== null) this.onSettled(value, false);
    } else {
      this.#state = S.Err;
      this.#value = err;
    }
    // settled synchronously inside start(): next() finishes without suspending
    if (this.#parked) this.#task!.wake();
  }

  cancelWait(): Future<unknown> | undefined {
    const s = this.#state;
    this.#state = S.Cancelled;
    if (this.#settled) {
      // settled but not yet consumed: give back what it produced
      if (s === S.Ok && this.onLate !== null) this.onLate(this.#value as T);
      this.#value = undefined;
      return undefined;
    }
    this.#controller?.abort();
    return new SettledWait(this);
  }

  /** @internal */
  get settled(): boolean {
    return this.#settled;
  }

  /** @internal */
  set hookTask(t: Task) {
    this.#hookTask = t;
  }

  describe(): string {
    return this.#description;
  }
}

/** The cancel-hook future: finishes when the cancelled operation has settled. */
class SettledWait implements Future<void>, Iterator<Suspend, void, unknown>, Waiting {
  readonly #op: NodeOp<unknown>;
  constructor(op: NodeOp<any>) {
    this.#op = op;
  }
  [Symbol.iterator](): Iterator<Suspend, void, unknown> {
    return this;
  }
  next(): IteratorResult<Suspend, void> {
    if (this.#op.settled) return { done: true, value: undefined };
    const t = currentTask();
    this.#op.hookTask = t;
    t.waitingOn = this;
    return SUSPENDED;
  }
  cancelWait(): void {}
  describe(): string {
    return `cancelling: ${this.#op.describe()} (waiting for it to settle)`;
  }
}

/** Starts a promise-returning Node operation as a {@link NodeOp}. @internal */
export function promiseOp<T>(
  fn: (signal: AbortSignal | null) => Promise<T>,
  path: string | undefined,
  what: string,
  withSignal = false,
): NodeOp<T> {
  return new NodeOp<T>((op, signal) => op.track(fn(signal)), path, withSignal, what);
}

/** The string form of a path argument, for error messages. @internal */
export function pathStr(p: NodePath): string {
  return typeof p === 'string' ? p : p instanceof URL ? p.pathname : p.toString();
}

/** A path argument: a string, a `file:` URL or raw bytes. */
export type PathLike = string | URL | Uint8Array;

/** A path as Node's fs takes it. @internal */
export type NodePath = string | Buffer | URL;

/** Validates a path argument (TypeError on anything else) and converts it for Node. @internal */
export function checkPath(p: unknown, what: string): NodePath {
  if (typeof p === 'string') {
    if (p.includes('\0'))
      throw new TypeError(`${what}: the path must not contain NUL bytes: ${JSON.stringify(p)}`);
    return p;
  }
  if (p instanceof URL || Buffer.isBuffer(p)) return p;
  if (p instanceof Uint8Array) return Buffer.from(p.buffer, p.byteOffset, p.byteLength);
  throw new TypeError(`${what}: expected a path (string, URL or Uint8Array), got ${typeof p}`);
}
