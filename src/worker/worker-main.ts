/**
 * The entry script of a worker thread of the multi-thread runtime: builds an
 * ordinary current-thread runtime on this thread, then runs the executor that
 * feeds it task descriptors from shared memory.
 * @internal
 */
import { parentPort, workerData } from 'node:worker_threads';
import { markRuntimeThread } from '../runtime/context.js';
import { Runtime } from '../runtime/runtime.js';
import '../sync/shared/index.js';
import { setWorkerOrigin } from './context.js';
import { Executor } from './executor.js';
import { Origin } from './origin.js';
import { Shared, type SharedBuffers } from './shared.js';
import { type BlockingDef, loadDef } from './task-def.js';
import { importTaskModule } from './ts-loader.js';

interface WorkerInit {
  buffers: SharedBuffers;
  index: number;
  eventInterval: number | undefined;
  /** registry keys of the onThreadStart/onThreadStop definitions */
  onStart: string | undefined;
  onStop: string | undefined;
  /** modules that define the tasks known when the runtime was built */
  preload: string[];
}

markRuntimeThread('worker');
const init = workerData as WorkerInit;
const port = parentPort!;
const sh = new Shared(init.buffers);
const rt = new Runtime(
  init.eventInterval !== undefined ? { eventInterval: init.eventInterval } : {},
);
const origin = new Origin(sh, init.index, {
  postTask(w, g, args) {
    port.postMessage({ t: 'task', to: w, g, args });
  },
});
setWorkerOrigin(origin, rt);
const ex = new Executor(sh, init.index, rt, origin, {
  postResult(g, to, ok, v) {
    port.postMessage({ t: 'result', to, g, ok, v });
  },
  postDone(g, to) {
    port.postMessage({ t: 'done', to, g });
  },
});

interface Msg {
  t: string;
  g: number;
  ok?: boolean;
  v?: unknown;
  args?: unknown[];
}

// before any message is handled (the port queues them until a listener is attached)
await runHook('onThreadStart', init.onStart);
port.on('message', (m: Msg) => {
  if (m.t === 'stop') {
    // shutdown: the executor has stopped; run onThreadStop here, then report
    runHook('onThreadStop', init.onStop).then(() => port.postMessage({ t: 'stopped' }));
    return;
  }
  ex.awake();
  if (m.t === 'task') ex.startPinned(m.g, m.args!);
  else if (m.t === 'result') origin.completeMessage(m.g, m.ok!, m.v);
  else if (m.t === 'done') origin.complete(m.g);
});
// a pending Atomics.waitAsync does not keep the event loop alive (research B.1):
// this ref'd interval does, until the main thread terminates the worker
setInterval(noop, 1 << 30);
function noop(): void {}

/** Runs a thread hook definition on this thread; a failure is printed, not fatal. */
async function runHook(name: string, key: string | undefined): Promise<void> {
  if (key === undefined) return;
  try {
    const def = (await loadDef(key)) as BlockingDef<[], unknown>;
    def.fn();
  } catch (e) {
    console.error(`tokio-ts: ${name} failed on worker ${init.index}:`, e);
  }
}

port.postMessage({ t: 'ready' });
ex.start();
// Import the task modules known at build() now rather than at their first
// spawn (a failure here is reported when a task needs the module), while the
// main thread goes on: build() does not wait for the workers (as Tokio's).
await Promise.allSettled(init.preload.map((url) => importTaskModule(url)));
