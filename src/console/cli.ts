#!/usr/bin/env node
// tokio-ts-console replay FILE [--port N] [--host H]: the console UI over a recording.
import { replayRecording } from './replay.js';

const [cmd, file, ...rest] = process.argv.slice(2);
function flag(name: string): string | undefined {
  const i = rest.indexOf(name);
  return i >= 0 ? rest[i + 1] : undefined;
}
if (cmd !== 'replay' || file === undefined) {
  process.stderr.write('usage: tokio-ts-console replay FILE [--port 6670] [--host 127.0.0.1]\n');
  process.exit(2);
}
const port = flag('--port');
const opts: { host?: string; port?: number } = {};
if (port !== undefined) opts.port = Number(port);
const host = flag('--host');
if (host !== undefined) opts.host = host;
try {
  const server = await replayRecording(file, opts);
  process.stdout.write(
    `tokio-ts console: replaying ${server.frames} snapshots of ${file} at ${server.url}\n`,
  );
} catch (e) {
  process.stderr.write(`tokio-ts-console: ${(e as Error).message}\n`);
  process.exit(1);
}
