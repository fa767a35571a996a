/**
 * The entry script of a blocking-pool thread: runs one synchronous job at a
 * time and posts its result (or the error, with its stack) back.
 * @internal
 */
import { parentPort } from 'node:worker_threads';
import { markRuntimeThread } from '../runtime/context.js';
import '../sync/shared/index.js';
import { errorData } from './error.js';
import { type BlockingDef, loadDef, loadedDef } from './task-def.js';
import { fromWire } from './wire.js';

markRuntimeThread('blocking');
const port = parentPort!;

port.on('message', (m: { id: number; key: string; args: unknown[] }) => {
  const def = loadedDef(m.key);
  if (def !== undefined) run(m.id, def as BlockingDef<any, any>, m.args);
  else
    loadDef(m.key).then(
      (d) => {
        // loading the module is start-up, not a stall: the pool counts from here
        port.postMessage({ id: m.id, running: true });
        run(m.id, d as BlockingDef<any, any>, m.args);
      },
      (e: unknown) => port.postMessage({ id: m.id, ok: false, v: errorData(e) }),
    );
});

function run(id: number, def: BlockingDef<any, any>, args: unknown[]): void {
  let v: unknown;
  try {
    v = def.fn(...fromWire(args));
  } catch (e) {
    port.postMessage({ id, ok: false, v: errorData(e) });
    return;
  }
  try {
    port.postMessage({ id, ok: true, v });
  } catch (e) {
    port.postMessage({ id, ok: false, v: errorData(e) });
  }
}
