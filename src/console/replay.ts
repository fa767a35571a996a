/**
 * Replay of a console recording: serves the same UI over the snapshots of a
 * recording file, with a timeline to scrub (`/api/frames`,
 * `/api/snapshot?frame=i`).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UI_HTML } from './ui.js';

/** A replay server. */
export interface ReplayServer {
  /** `http://host:port/`. */
  readonly url: string;
  /** Frames in the recording. */
  readonly frames: number;
  /** Stops the server. */
  close(): Promise<void>;
}

/**
 * Serves the console UI over the recording at `path` (written by the console's
 * `record` option or `TOKIO_TS_CONSOLE_RECORD`).
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { replayRecording } from 'tokio-ts/console';
 *
 * const file = join(tmpdir(), `rec-${process.pid}.jsonl`);
 * writeFileSync(file, `${JSON.stringify({ at: 0, runtime: {}, tasks: [], resources: [], warnings: [] })}\n`);
 * const server = await replayRecording(file, { port: 0 });
 * console.log(server.frames); // 1
 * await server.close();
 * ```
 *
 * ## Errors
 * Throws if the file cannot be read or holds no snapshot.
 */
export async function replayRecording(
  path: string,
  opts: { host?: string; port?: number } = {},
): Promise<ReplayServer> {
  const frames = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  if (frames.length === 0) throw new Error(`tokio-ts console: ${path} holds no recorded snapshot`);
  for (const f of frames) JSON.parse(f); // a clear error now rather than a broken page later
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/' || url.pathname === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(UI_HTML);
    } else if (url.pathname === '/api/frames') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ count: frames.length }));
    } else if (url.pathname === '/api/snapshot') {
      const i = Math.min(
        frames.length - 1,
        Math.max(0, Number(url.searchParams.get('frame') ?? frames.length - 1) | 0),
      );
      res.writeHead(200, { 'content-type': 'application/json' }).end(frames[i]);
    } else {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 6670, opts.host ?? '127.0.0.1', () => resolve());
  });
  const a = server.address() as AddressInfo;
  return {
    url: `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}/`,
    frames: frames.length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
