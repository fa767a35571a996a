// Graceful shutdown: a TCP server that stops accepting on Ctrl-C (SIGINT) or
// SIGTERM, lets the connections in flight finish the reply they are writing
// (told with a CancellationToken), waits for them and exits 0.
//
// Protocol: the client sends a number N on a line; the server replies with N
// bytes of 'x' and a newline. Idle connections are closed at shutdown.
//   npm run build && node dist/examples/shutdown.js --port 8080
//   printf '5\n' | nc 127.0.0.1 8080    # then press Ctrl-C in the server
import { fileURLToPath } from 'node:url';
import { type Future, JoinSet, main, select } from 'tokio-ts';
import { BufReader } from 'tokio-ts/io';
import { TcpListener, type TcpStream } from 'tokio-ts/net';
import { SignalKind, signal } from 'tokio-ts/signal';
import { CancellationToken } from 'tokio-ts/sync';

/** The biggest reply the server writes. */
const MAX_REPLY = 64 * 1024 * 1024;

/** Serves one connection until the client leaves or shutdown is requested between requests. */
function* serve(socket: TcpStream, shutdown: CancellationToken): Future<void> {
  try {
    const lines = new BufReader(socket).lines();
    for (;;) {
      // Wait for the next request, or for shutdown (nextLine is cancel safe).
      const r = yield* select({ line: lines.nextLine(), stop: shutdown.cancelled() });
      if (r.key === 'stop' || r.value === undefined) return;
      const n = Number(r.value.trim());
      if (!Number.isInteger(n) || n < 0 || n > MAX_REPLY) {
        yield* socket.writeAll(new TextEncoder().encode('error: send a byte count\n'));
        continue;
      }
      // The reply in flight is never interrupted: shutdown waits for it.
      const reply = new Uint8Array(n + 1).fill(0x78);
      reply[n] = 0x0a;
      yield* socket.writeAll(reply);
    }
  } finally {
    socket.close();
  }
}

/** Runs the server on `port` (0: any free port) until SIGINT or SIGTERM. */
export function* run(port: number): Future<void> {
  // Streams created once, before anyone can connect, for the whole loop: no
  // gap in which a signal is missed or gets Node's default handling.
  using interrupt = signal(SignalKind.interrupt());
  using terminate = signal(SignalKind.terminate());
  const listener = yield* TcpListener.bind(`127.0.0.1:${port}`);
  console.log(`listening on ${listener.localAddr()}`);
  const shutdown = new CancellationToken();
  const connections = new JoinSet<void>();
  for (;;) {
    const r = yield* select({
      conn: listener.accept(),
      int: interrupt.recv(),
      term: terminate.recv(),
    });
    if (r.key !== 'conn') {
      console.log(`${r.key === 'int' ? 'SIGINT' : 'SIGTERM'}: no new connections`);
      break;
    }
    connections.spawn(serve(r.value[0], shutdown));
    // Collect connections that are over, so the set does not grow.
    while (connections.tryJoinNext() !== undefined) {}
  }
  listener.close();
  console.log(`waiting for ${connections.size} connection(s) to finish`);
  shutdown.cancel();
  for (let j = yield* connections.joinNext(); j !== undefined; j = yield* connections.joinNext()) {
    if (!j.ok) console.error(`a connection failed: ${j.error}`);
  }
  console.log('bye');
}

function portArg(argv: string[]): number {
  const i = argv.indexOf('--port');
  if (i < 0) return 0;
  const port = Number(argv[i + 1]);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`--port: expected 0..65535, got ${argv[i + 1]}`);
  return port;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(run(portArg(process.argv)));
