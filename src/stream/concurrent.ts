/**
 * The adapters that need concurrency: `merge`, `buffered`, `bufferUnordered`.
 *
 * How and why: a generator future cannot be polled a little and put aside,
 * so running several sources (or several futures) at once takes tasks. Each
 * of these streams owns a small group of tasks (a `TaskGroup`), started at
 * its first `next()`: a forwarder per merged source, or a feeder that pulls
 * the source of futures plus one task per future in flight. Results travel
 * through an mpsc channel, so a cancelled `next()` loses nothing. The group
 * is aborted by `close()` and, at the latest, when the task that first polled
 * the stream finishes (a deferred cleanup on that task): the tasks never
 * outlive their owner.
 * @internal
 */
import type { Future, Suspend } from '../future/future.js';
import { currentTask } from '../runtime/context.js';
import { currentScheduler } from '../runtime/runtime.js';
import type { Task, TaskObserver } from '../runtime/task.js';
import { SendError } from '../sync/error.js';
import { channel, type Receiver, type Sender, unboundedChannel } from '../sync/mpsc/channel.js';
import { Semaphore } from '../sync/semaphore.js';
import { JoinError } from '../task/error.js';
import { handleOf, type JoinHandle } from '../task/join-handle.js';
import { checkStream } from './adapters.js';
import { type Next, noUndefined, ownerlessDrivers, Stream } from './stream.js';

type Gen<T> = Generator<Suspend, T, unknown>;

/** The tasks a stream owns: aborted together, forgotten when done. */
class TaskGroup implements TaskObserver {
  readonly #running = new Set<Task>();
  #closed = false;

  spawn(fut: Future<unknown>): Task {
    const task = currentScheduler().spawn(fut, 'stream', this);
    this.#running.add(task);
    return task;
  }

  /** Aborts every task in the group; later spawns are refused by the caller. */
  abortAll(): void {
    this.#closed = true;
    for (const t of this.#running) t.sched.cancel(t);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The deferred cleanup registered on the owning task (one object, reused). */
  readonly cleanup: Future<unknown> = { [Symbol.iterator]: () => this.shutdown() };

  *shutdown(): Gen<void> {
    this.abortAll();
    for (const t of [...this.#running]) {
      try {
        yield* handleOf(t);
      } catch {
        // cancelled: expected
      }
    }
  }

  /** @internal */
  taskDone(task: Task): void {
    this.#running.delete(task);
  }
}

/**
 * Registers the group's shutdown on the root of the current task (not a
 * select branch) and returns that task; `disown` takes it back after
 * `close()` or the end, so a long-lived task that makes many streams does
 * not keep them all.
 */
function ownByCurrentTask(group: TaskGroup): Task | null {
  let t = currentTask();
  while (t.parent !== null) t = t.parent;
  if (ownerlessDrivers.has(t)) return null; // for await: the stream's end or close() ends them
  let d = t.deferred;
  if (d === null) d = t.deferred = [];
  d.push(group.cleanup);
  return t;
}

function disown(owner: Task | null, group: TaskGroup): void {
  const d = owner?.deferred;
  if (d === null || d === undefined) return;
  const i = d.lastIndexOf(group.cleanup);
  if (i >= 0) d.splice(i, 1);
}

/** Base of the task-owning streams: lazy start, close, error hand-over. */
abstract class OwnedStream<T> extends Stream<T> {
  protected readonly group = new TaskGroup();
  #started = false;
  #owner: Task | null = null;
  #failed = false;
  #error: unknown = undefined;
  protected readonly rx: Receiver<T>;

  constructor(rx: Receiver<T>) {
    super();
    this.rx = rx;
  }

  protected abstract start(): void;

  /** Starts the tasks at the first poll (they need the runtime, and an owner). */
  protected ensureStarted(): void {
    if (this.#started) return;
    this.#started = true;
    if (this.group.closed) return;
    this.#owner = ownByCurrentTask(this.group);
    this.start();
  }

  /** A task failed: stop everything; the consumer sees the error after the items already in. */
  fail(err: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#error = err;
    this.rx.close();
    this.group.abortAll();
  }

  /** `undefined` from the channel: the end, or the error that ended it (thrown once). */
  protected endOrThrow(): undefined {
    this.#disown();
    if (this.#failed) {
      const e = this.#error;
      this.#error = undefined;
      this.#failed = false;
      throw e;
    }
    return undefined;
  }

  #disown(): void {
    disown(this.#owner, this.group);
    this.#owner = null;
  }

  override close(): void {
    this.#started = true;
    this.rx.close();
    this.group.abortAll();
    this.#disown();
  }
}

// ---- merge ----

function* forward<T>(s: Stream<T>, tx: Sender<T>, owner: MergeStream<T>): Gen<void> {
  try {
    for (let v = yield* s.next(); v !== undefined; v = yield* s.next()) yield* tx.send(v);
  } catch (e) {
    if (!(e instanceof SendError)) owner.fail(e);
  } finally {
    tx.close();
    s.close();
  }
}

class MergeStream<T> extends OwnedStream<T> {
  readonly #srcs: Stream<T>[];
  readonly #tx: Sender<T>;

  constructor(srcs: Stream<T>[]) {
    const [tx, rx] = channel<T>(1);
    super(rx);
    this.#tx = tx;
    this.#srcs = srcs;
  }

  protected start(): void {
    for (const s of this.#srcs) this.group.spawn(forward(s, this.#tx.clone(), this));
    this.#tx.close();
  }

  *next(): Next<T> {
    this.ensureStarted();
    const v = yield* this.rx.recv();
    return v === undefined ? this.endOrThrow() : v;
  }

  override close(): void {
    super.close();
    this.#tx.close();
    for (const s of this.#srcs) s.close();
  }
}

/**
 * The items of all `streams`, as they come; ends when every stream has
 * ended. Each stream is pulled by its own task (owned by the merged stream:
 * aborted by `close()`, or when the task that first polled it finishes), one
 * item ahead. A stream that throws ends the merge: the items already received
 * come first, then `next()` throws its error.
 *
 * @example
 * ```ts
 * import { main } from 'tokio-ts';
 * import { iter, merge } from 'tokio-ts/stream';
 *
 * main(function* () {
 *   const all = yield* merge(iter([1, 2]), iter([3])).collect();
 *   console.log(all.sort()); // [ 1, 2, 3 ]
 * });
 * ```
 *
 * ## Cancel safety
 * `next()` is cancel safe: items wait in the merged stream's channel.
 */
export function merge<T>(...streams: Stream<T>[]): Stream<T> {
  for (const s of streams) checkStream(s, 'merge(...streams)');
  return new MergeStream(streams);
}

// ---- buffered / bufferUnordered ----

function checkN(n: unknown, what: string): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
    throw new RangeError(`${what}: n must be an integer >= 1, got ${String(n)}`);
}

/**
 * Pulls the source of futures: one slot (permit) per future in flight or
 * finished-but-not-taken, given back by the consumer.
 */
function* feed<U, H>(
  src: Stream<Future<U>>,
  slots: Semaphore,
  tx: { send(v: H): void; close(): void },
  start: (f: Future<U>) => H,
  owner: OwnedStream<unknown>,
): Gen<void> {
  try {
    for (;;) {
      (yield* slots.acquire()).forget();
      const f = yield* src.next();
      if (f === undefined) break;
      tx.send(start(f));
    }
  } catch (e) {
    owner.fail(e);
  } finally {
    tx.close();
    src.close();
  }
}

function* runOrdered<U>(f: Future<U>): Gen<U> {
  const v = yield* f;
  if (v === undefined) noUndefined('buffered(n)');
  return v;
}

class BufferedStream<U> extends OwnedStream<JoinHandle<U>> {
  readonly #src: Stream<Future<U>>;
  readonly #slots: Semaphore;
  /** The head's handle, kept across a cancelled `next()`. */
  #head: JoinHandle<U> | null = null;
  readonly #start = (f: Future<U>): JoinHandle<U> => handleOf<U>(this.group.spawn(runOrdered(f)));

  constructor(src: Stream<Future<U>>, n: number) {
    const [tx, rx] = unboundedChannel<JoinHandle<U>>();
    super(rx);
    this.#src = src;
    this.#slots = new Semaphore(n);
    this.#tx = tx;
  }
  readonly #tx: { send(v: JoinHandle<U>): void; close(): void };

  protected start(): void {
    this.group.spawn(feed(this.#src, this.#slots, this.#tx, this.#start, this));
  }

  // (typed as a stream of U: the handles are internal)
  *next(): Generator<Suspend, any, unknown> {
    this.ensureStarted();
    let h = this.#head;
    if (h === null) {
      h = (yield* this.rx.recv()) ?? null;
      if (h === null) return this.endOrThrow();
      this.#head = h;
    }
    try {
      return yield* h;
    } catch (e) {
      if (e instanceof JoinError && e.isFailed()) throw e.cause;
      throw e;
    } finally {
      if (h.isFinished()) {
        this.#head = null;
        this.#slots.addPermits(1);
      }
    }
  }

  override close(): void {
    super.close();
    this.#tx.close();
    this.#src.close();
  }
}

function* runUnordered<U>(
  f: Future<U>,
  tx: { send(v: U): void; close(): void },
  owner: OwnedStream<U>,
): Gen<void> {
  try {
    const v = yield* f;
    if (v === undefined) noUndefined('bufferUnordered(n)');
    tx.send(v);
  } catch (e) {
    owner.fail(e);
  } finally {
    tx.close();
  }
}

class BufferUnorderedStream<U> extends OwnedStream<U> {
  readonly #src: Stream<Future<U>>;
  readonly #slots: Semaphore;
  readonly #tx: { send(v: U): void; close(): void; clone(): { send(v: U): void; close(): void } };
  readonly #start = (f: Future<U>): null => {
    this.group.spawn(runUnordered(f, this.#tx.clone(), this));
    return null;
  };

  constructor(src: Stream<Future<U>>, n: number) {
    const [tx, rx] = unboundedChannel<U>();
    super(rx);
    this.#src = src;
    this.#slots = new Semaphore(n);
    this.#tx = tx;
  }

  protected start(): void {
    const tx = this.#tx;
    // The feeder's own sender keeps the channel open until the source ends.
    const feederTx = { send(_: null): void {}, close: () => tx.close() };
    this.group.spawn(feed(this.#src, this.#slots, feederTx, this.#start, this));
  }

  *next(): Next<U> {
    this.ensureStarted();
    const v = yield* this.rx.recv();
    if (v === undefined) return this.endOrThrow();
    this.#slots.addPermits(1);
    return v;
  }

  override close(): void {
    super.close();
    this.#tx.close();
    this.#src.close();
  }
}

const proto = Stream.prototype;
proto.merge = function <T>(this: Stream<T>, other: Stream<T>): Stream<T> {
  checkStream(other, 'merge(other)');
  return new MergeStream([this, other]);
};
proto.buffered = function <U>(this: Stream<Future<U>>, n: number): Stream<U> {
  checkN(n, 'buffered(n)');
  return new BufferedStream(this, n) as unknown as Stream<U>;
};
proto.bufferUnordered = function <U>(this: Stream<Future<U>>, n: number): Stream<U> {
  checkN(n, 'bufferUnordered(n)');
  return new BufferUnorderedStream(this, n);
};
