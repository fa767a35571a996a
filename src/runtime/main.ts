/**
 * `main`: the program entry point, as `#[tokio::main]`.
 */
import type { FutureLike } from '../future/future.js';
import { taskPromise } from '../task/join-handle.js';
import { Builder, type BuilderOptions, hasMultiThreadFactory } from './builder.js';
import { refuseOnRuntimeThread } from './context.js';
import { dumpText } from './dump-text.js';
import { instrument } from './instrument.js';
import { enterThreadRuntime, type Runtime } from './runtime.js';
import { Outcome, State } from './task.js';

/** Options of {@link main}: a runtime's options plus how long shutdown may take. */
export interface MainOptions extends BuilderOptions {
  /** How long tasks still alive when main finishes get for their cleanup (ms, default 1000). */
  shutdownTimeout?: number;
}

/**
 * Builds a runtime, runs `fn` as the main task and ends the process: exit code
 * 0 when it returns, 1 (with the error on stderr) when it throws. On the first
 * SIGINT/SIGTERM the main task is cancelled — its `finally` blocks and deferred
 * cleanups run, as a graceful shutdown — and the process exits 130/143; a second
 * signal exits at once. While the program listens for the signal itself
 * (`ctrlC()` or `signal(kind)` from `tokio-ts/signal`), the first one goes to
 * that listener only; a second one of the same kind while it still listens
 * exits at once too (so a shutdown that hangs can always be interrupted; Tokio
 * leaves that to the program). Tasks still alive when main finishes are
 * cancelled.
 *
 * While main runs, its runtime is the thread's runtime: a task spawned
 * outside any task — from an `http` handler, a Node timer, an EventEmitter
 * listener — lands on it, and is cancelled with the rest on Ctrl-C.
 *
 * @example
 * ```ts
 * import { main, sleep } from 'tokio-ts';
 *
 * main(function* () {
 *   yield* sleep(10);
 *   console.log('hello from tokio-ts');
 * });
 * ```
 */
export function main<T>(fn: FutureLike<T>, opts: MainOptions = {}): Promise<never> {
  // it would run the program again on that thread (and end the thread)
  refuseOnRuntimeThread('main() was called');
  // `flavor: 'multi'` without `import 'tokio-ts/worker'`: import it here.
  if (opts.flavor === 'multi' && !hasMultiThreadFactory())
    return import('../worker/index.js').then(() => main(fn, opts));
  const rt: Runtime = new Builder(opts).build();
  // while main runs, code outside any task (Node callbacks) spawns onto rt
  const leave = enterThreadRuntime(rt);
  const task = rt.sched.spawn(fn, 'main');
  let signalCode = 0;
  /** the signals a `tokio-ts/signal` listener already took */
  const heard = new Set<NodeJS.Signals>();
  const onSignal = (sig: NodeJS.Signals) => {
    const code = sig === 'SIGINT' ? 130 : 143;
    // a second signal: main is already being cancelled, or a listener already
    // had this signal once (and the program may be stuck in its shutdown)
    if (signalCode !== 0) process.exit(code);
    if (process.listeners(sig).some(isUserSignalListener)) {
      // a listener (ctrlC(), signal(kind)) takes the first one over
      if (heard.has(sig)) process.exit(code);
      heard.add(sig);
      return;
    }
    signalCode = code;
    rt.sched.cancel(task);
  };
  const onBeforeExit = () => {
    if (task.state === State.Done) return;
    const dump = dumpText(rt.dump());
    if (instrument !== null) instrument.deadlock(task, dump);
    process.stderr.write(
      `tokio-ts: the main task can never finish: nothing is left that could wake it (deadlock)\n${dump}\n`,
    );
    process.exit(1);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('beforeExit', onBeforeExit);
  rt.sched.onFatal = () => rt.sched.cancel(task);
  return taskPromise(task).then(
    () => finish(0),
    () => {
      if (task.outcome === Outcome.Err) {
        const err = task.result;
        process.stderr.write(
          `${err instanceof Error ? (err.stack ?? String(err)) : `Error: ${String(err)}`}\n`,
        );
        return finish(1);
      }
      return finish(signalCode !== 0 ? signalCode : 1);
    },
  );

  async function finish(code: number): Promise<never> {
    process.off('beforeExit', onBeforeExit);
    await rt.shutdown(opts.shutdownTimeout ?? 1000);
    leave();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.exit(code);
  }
}

/** Marks the listeners of `tokio-ts/signal` (the same symbol as its registry). */
const USER_SIGNAL_LISTENER = Symbol.for('tokio-ts.signal-listener');

function isUserSignalListener(l: unknown): boolean {
  return (l as Record<symbol, unknown>)[USER_SIGNAL_LISTENER] === true;
}
