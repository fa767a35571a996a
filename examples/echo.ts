// The seed guide's TCP echo server, line for line: a task per connection,
// one reused 1 KiB buffer, `read` then `writeAll`.
//   npm run build && node dist/examples/echo.js --port 8080
//   (then: nc 127.0.0.1 8080)
import { fileURLToPath } from 'node:url';
import { type Future, main, spawn } from 'tokio-ts';
import { TcpListener } from 'tokio-ts/net';

/** Accepts connections forever, echoing each one in its own task. */
export function* serve(listener: TcpListener): Future<never> {
  for (;;) {
    const [socket] = yield* listener.accept();
    spawn(function* () {
      const buf = new Uint8Array(1024);
      try {
        for (;;) {
          let n: number;
          try {
            n = yield* socket.read(buf);
          } catch (e) {
            console.error(`failed to read from socket; err = ${String(e)}`);
            return;
          }
          if (n === 0) return;
          try {
            yield* socket.writeAll(buf.subarray(0, n));
          } catch (e) {
            console.error(`failed to write to socket; err = ${String(e)}`);
            return;
          }
        }
      } finally {
        socket.close();
      }
    });
  }
}

function portFlag(argv: string[]): number {
  const i = argv.indexOf('--port');
  if (i === -1) return 8080;
  const port = Number(argv[i + 1]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be an integer in 0..65535, got ${argv[i + 1]}`);
    process.exit(2);
  }
  return port;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = portFlag(process.argv);
  main(function* () {
    const listener = yield* TcpListener.bind(`127.0.0.1:${port}`);
    console.log(`listening on ${listener.localAddr()}`);
    yield* serve(listener);
  });
}
