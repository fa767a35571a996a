/**
 * LinesCodec over 1,000,000 short lines (in-memory, 64 KiB chunks) beside
 * Node's `readline` over a Readable of the same chunks.
 *   npm run bench -- codec-lines
 */
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { bench, group } from 'mitata';
import { type Future, Runtime } from 'tokio-ts';
import { FramedRead, LinesCodec } from 'tokio-ts/codec';
import { runAndReport } from './lib/report.js';

const LINES = 1_000_000;
const text = `${Array.from({ length: LINES }, (_, i) => `line number ${i}`).join('\n')}\n`;
const bytes = new TextEncoder().encode(text);
const CHUNK = 64 * 1024;
const chunks: Uint8Array[] = [];
for (let off = 0; off < bytes.length; off += CHUNK) chunks.push(bytes.subarray(off, off + CHUNK));

/** An in-memory reader with the zero-copy readChunk() path sockets have. */
class ChunkReader {
  #i = 0;
  *readChunk(): Future<Uint8Array | undefined> {
    return chunks[this.#i++];
  }
  *read(buf: Uint8Array): Future<number> {
    const c = chunks[this.#i++];
    if (c === undefined) return 0;
    buf.set(c);
    return c.length;
  }
}

const rt = new Runtime();

function* ours(): Future<number> {
  const lines = new FramedRead(new ChunkReader(), new LinesCodec());
  let n = 0;
  while ((yield* lines.next()) !== undefined) n++;
  if (n !== LINES) throw new Error(`got ${n} lines`);
  return n;
}

group(`${LINES.toLocaleString('en')} lines`, () => {
  bench('tokio-ts FramedRead + LinesCodec', () => rt.blockOn(ours));
  bench('node readline', async () => {
    const rl = createInterface({
      input: Readable.from(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.length))),
      crlfDelay: Infinity,
    });
    let n = 0;
    for await (const _ of rl) n++;
    if (n !== LINES) throw new Error(`got ${n} lines`);
  });
});

const med = await runAndReport(
  { 'tokio-ts FramedRead + LinesCodec': LINES, 'node readline': LINES },
  [
    {
      label: 'LinesCodec vs readline (per line)',
      ours: 'tokio-ts FramedRead + LinesCodec',
      anchor: 'node readline',
    },
  ],
);
for (const [name, ns] of med)
  console.log(`  ${name.padEnd(40)} ${(1e9 / ns / 1e6).toFixed(2)} M lines/s`);
