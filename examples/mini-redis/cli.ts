// The mini-redis command line client:
//   node dist/examples/mini-redis/cli.js [--host 127.0.0.1] [--port 6379] ping [msg]
//   ... get KEY | set KEY VALUE [--px MS] | publish CHANNEL MESSAGE | subscribe CHANNEL...
import { main } from 'tokio-ts';
import { Client } from './client.js';

const argv = process.argv.slice(2);
function take(name: string, fallback: string): string {
  const i = argv.indexOf(name);
  if (i === -1) return fallback;
  const [, v] = argv.splice(i, 2);
  return v ?? fallback;
}
const host = take('--host', '127.0.0.1');
const port = Number(take('--port', '6379'));
const px = take('--px', '');
const [cmd, ...rest] = argv;

main(function* () {
  const client = yield* Client.connect({ host, port });
  try {
    switch (cmd?.toLowerCase()) {
      case 'ping':
        console.log(yield* client.ping(rest[0]));
        break;
      case 'get':
        console.log((yield* client.get(rest[0] ?? '')) ?? '(nil)');
        break;
      case 'set':
        yield* client.set(rest[0] ?? '', rest[1] ?? '', px === '' ? {} : { px: Number(px) });
        console.log('OK');
        break;
      case 'publish':
        console.log(yield* client.publish(rest[0] ?? '', rest[1] ?? ''));
        break;
      case 'subscribe': {
        const sub = yield* client.subscribe(rest);
        for (
          let m: { channel: string; content: string } | undefined;
          (m = yield* sub.nextMessage()) !== undefined;
        )
          console.log(`${m.channel}: ${m.content}`);
        break;
      }
      default:
        console.error(
          'usage: cli.js [--host H] [--port P] ping [msg] | get KEY | set KEY VALUE [--px MS] | publish CH MSG | subscribe CH...',
        );
        process.exitCode = 2;
    }
  } finally {
    client.close();
  }
});
