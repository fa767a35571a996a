/**
 * `scope`: structured concurrency. Tasks spawned in a scope never outlive it.
 */
import { type Future, type FutureLike, type Suspend, toIterator } from '../future/future.js';
import { currentTask, SUSPENDED, type Waiting } from '../runtime/context.js';
import { type SpawnOptions, spawnName } from '../runtime/runtime.js';
import { Outcome, State, type Task, type TaskObserver } from '../runtime/task.js';
import { handleOf, type JoinHandle } from './join-handle.js';

/** The handle a {@link scope} body spawns children with. */
export interface Scope {
  /**
   * Spawns a child task of the scope. It is cancelled and awaited when the
   * scope ends; if it throws, the scope is cancelled and rethrows its error.
   */
  spawn<T>(fut: FutureLike<T>, opts?: SpawnOptions): JoinHandle<T>;
}

/**
 * Runs `fn` with a {@link Scope}: every task it spawns through the scope is
 * cancelled and awaited when `fn` returns or throws, and the first child to
 * throw cancels the scope (the body and the other children) and its error is
 * rethrown.
 *
 * @example
 * ```ts
 * import { main, scope, sleep, pending } from 'tokio-ts';
 *
 * main(function* () {
 *   const v = yield* scope(function* (s) {
 *     s.spawn(pending()); // cancelled when the body returns
 *     const h = s.spawn(function* () { yield* sleep(10); return 2; });
 *     return (yield* h) * 21;
 *   });
 *   console.log(v); // 42
 * });
 * ```
 *
 * ## Cancel safety
 * Cancelling the scope cancels the body and every child and waits for their
 * cleanup before the cancelled task's own `finally` blocks run.
 */
export function scope<T>(fn: (s: Scope) => Future<T>): Future<T> {
  if (typeof fn !== 'function')
    throw new TypeError('scope(fn): fn must be a function (s) => Future');
  return { [Symbol.iterator]: () => new ScopeLeaf<T>(fn) };
}

enum S {
  Init = 0,
  Running = 1,
  Closing = 2,
  Finished = 3,
}

class ScopeLeaf<T> implements Iterator<Suspend, T, unknown>, Waiting, TaskObserver, Scope {
  #fn: ((s: Scope) => Future<T>) | null;
  #state = S.Init;
  #parent: Task | null = null;
  #body: Task | null = null;
  readonly #children = new Set<Task>();
  #failure: Task | null = null;
  #starting = false;

  constructor(fn: (s: Scope) => Future<T>) {
    this.#fn = fn;
  }

  next(): IteratorResult<Suspend, T> {
    if (this.#state === S.Init) {
      const parent = currentTask();
      this.#parent = parent;
      const fn = this.#fn!;
      this.#fn = null;
      const gen = toIterator(() => fn(this), 'scope');
      this.#state = S.Running;
      this.#body = parent.sched.child(gen, parent, this, 0);
      this.#starting = true;
      parent.sched.pollBranch(this.#body);
      this.#starting = false;
    }
    if (this.#body!.state === State.Done && this.#children.size === 0) return this.#finish();
    this.#parent!.waitingOn = this;
    return SUSPENDED;
  }

  spawn<R>(fut: FutureLike<R>, opts?: SpawnOptions): JoinHandle<R> {
    if (this.#state !== S.Running) throw new Error('tokio-ts: scope.spawn() after the scope ended');
    const parent = this.#parent!;
    const task = parent.sched.scoped(fut, spawnName(opts, 'scope.spawn'), this, parent.locals);
    this.#children.add(task);
    return handleOf<R>(task);
  }

  taskDone(task: Task): void {
    if (task === this.#body) {
      if (task.outcome === Outcome.Err && this.#failure === null) this.#failure = task;
      this.#close();
    } else {
      this.#children.delete(task);
      if (task.outcome === Outcome.Err && this.#failure === null) {
        this.#failure = task;
        this.#close();
      }
    }
    if (!this.#starting && this.#body!.state === State.Done && this.#children.size === 0) {
      this.#parent!.wake();
    }
  }

  #close(): void {
    if (this.#state === S.Closing) return;
    this.#state = S.Closing;
    const sched = this.#parent!.sched;
    sched.cancelNow(this.#body!);
    for (const c of [...this.#children]) sched.cancelNow(c);
  }

  #finish(): IteratorResult<Suspend, T> {
    this.#state = S.Finished;
    const f = this.#failure;
    if (f !== null) throw f.result;
    return { done: true, value: this.#body!.result as T };
  }

  cancelWait(): Future<unknown> | undefined {
    this.#close();
    if (this.#body!.state === State.Done && this.#children.size === 0) return undefined;
    return { [Symbol.iterator]: () => this.#drain() };
  }

  *#drain(): Generator<Suspend, void, unknown> {
    while (this.#body!.state !== State.Done || this.#children.size > 0) {
      yield* parkOn(this.#parent!, this);
    }
  }

  subtasks(): Task[] {
    return [this.#body!, ...this.#children];
  }

  describe(): string {
    return `scope (${this.#children.size} children)`;
  }
}

/** Suspends once with `w` as what the task waits on. */
function parkOn(task: Task, w: Waiting): Future<void> {
  let done = false;
  return {
    [Symbol.iterator]: () => ({
      next: (): IteratorResult<Suspend, void> => {
        if (done) return { done: true, value: undefined };
        done = true;
        task.waitingOn = w;
        return SUSPENDED;
      },
    }),
  };
}
