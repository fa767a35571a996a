// A CPU pipeline on all cores: read a file line by line, hash batches of lines
// on worker threads (SHA-256 twice per line), write the digests in input order,
// with backpressure between the stages (a bounded channel of join handles).
//   npm run build && node dist/examples/hash-lines.js <input> <output> [--blocking]
// With --blocking the batches run on the blocking pool (`spawnBlocking` of a
// plain function) instead of as tasks on the runtime's workers (`spawn` of a
// `defineTask` definition); the output is the same.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { type Future, type JoinHandle, main, spawn } from 'tokio-ts';
import { File } from 'tokio-ts/fs';
import { BufReader } from 'tokio-ts/io';
import { mpsc } from 'tokio-ts/sync';
import { defineBlocking, defineTask, spawnBlocking } from 'tokio-ts/worker';

/** Lines per batch: one batch is one task on a worker (~10 ms of hashing). */
export const BATCH_LINES = 2048;
/** Batches read ahead of the writer: the reader waits once this many are out. */
export const IN_FLIGHT = 8;

/** The hex digest of SHA-256(SHA-256(line)) for each line, one per output line. */
export function hashLines(lines: string[]): string {
  let out = '';
  for (let i = 0; i < lines.length; i++) {
    const once = createHash('sha256').update(lines[i]!).digest();
    out += `${createHash('sha256').update(once).digest('hex')}\n`;
  }
  return out;
}

/** A batch as a task on the runtime's worker threads. */
export const hashBatch = defineTask(import.meta.url, function* hashBatch(lines: string[]) {
  return hashLines(lines);
});

/** A batch as a plain function on the blocking pool. */
export const hashBatchBlocking = defineBlocking(
  import.meta.url,
  function hashBatchBlocking(lines: string[]) {
    return hashLines(lines);
  },
);

/**
 * Hashes every line of `input` into `output`, in order; returns the number of
 * lines. The reader spawns one task per batch and sends its handle into a
 * bounded channel; the writer joins the handles in the order they were sent.
 * When the writer falls behind, the channel fills and the reader waits.
 */
export function* hashFile(
  input: string,
  output: string,
  how: 'task' | 'blocking' = 'task',
): Future<number> {
  const src = yield* File.open(input);
  const dst = yield* File.create(output);
  try {
    const [tx, rx] = mpsc.channel<JoinHandle<string>>(IN_FLIGHT);
    const writer = spawn(function* () {
      const enc = new TextEncoder();
      for (let h = yield* rx.recv(); h !== undefined; h = yield* rx.recv())
        yield* dst.writeAll(enc.encode(yield* h));
      yield* dst.flush();
    });
    const hash = (batch: string[]) =>
      how === 'task' ? spawn(hashBatch, batch) : spawnBlocking(hashBatchBlocking, batch);
    const lines = new BufReader(src).lines();
    let batch: string[] = [];
    let n = 0;
    for (let line = yield* lines.nextLine(); line !== undefined; line = yield* lines.nextLine()) {
      batch.push(line);
      n++;
      if (batch.length === BATCH_LINES) {
        yield* tx.send(hash(batch));
        batch = [];
      }
    }
    if (batch.length > 0) yield* tx.send(hash(batch));
    tx.close();
    yield* writer;
    return n;
  } finally {
    src.close();
    dst.close();
  }
}

if (isMainThread && process.argv[1] === fileURLToPath(import.meta.url)) {
  const [input, output, flag] = process.argv.slice(2);
  if (input === undefined || output === undefined) {
    console.error('usage: node dist/examples/hash-lines.js <input> <output> [--blocking]');
    process.exit(2);
  }
  main(
    function* () {
      const t0 = performance.now();
      const n = yield* hashFile(input, output, flag === '--blocking' ? 'blocking' : 'task');
      console.log(`${n} lines hashed in ${Math.round(performance.now() - t0)} ms`);
    },
    { flavor: 'multi' },
  );
}
