// A chat server: every line a client sends goes to everyone else in the room.
//
// Fan-out is bounded: each client has a queue of QUEUE messages, and the sender
// of a line only *tries* to put it in each queue (never waits). A client that
// does not read — its socket is full, then its queue — is dropped, so it never
// stalls the others and never holds more than its queue in memory. Ctrl-C
// (SIGINT) says goodbye to every client, waits for them to go and exits 0.
//
//   npm run build && node dist/examples/chat.js --port 6142
//   nc 127.0.0.1 6142      # in two or more terminals
import { fileURLToPath } from 'node:url';
import { type AbortHandle, type Future, JoinSet, main, select } from 'tokio-ts';
import { BufReader } from 'tokio-ts/io';
import { TcpListener, type TcpStream } from 'tokio-ts/net';
import { SignalKind, signal } from 'tokio-ts/signal';
import { CancellationToken, mpsc } from 'tokio-ts/sync';
import { Elapsed, timeout } from 'tokio-ts/time';
import { numArg } from './args.js';

/** Messages a client may have waiting before it is dropped. */
export const QUEUE = 256;
/** The longest wait for a goodbye to be written at shutdown. */
const GOODBYE_MS = 1000;
const encoder = new TextEncoder();

interface Member {
  name: string;
  tx: mpsc.Sender<string>;
  task: AbortHandle | null;
}

/** Who is connected, and the bounded fan-out to them. */
class Room {
  readonly #members = new Map<number, Member>();

  join(id: number, m: Member): void {
    this.#members.set(id, m);
  }

  leave(id: number): Member | undefined {
    const m = this.#members.get(id);
    this.#members.delete(id);
    return m;
  }

  /** Offers `line` to everyone but `from`; drops whoever has no room for it. */
  broadcast(from: number, line: string): void {
    let dropped: Member[] | null = null;
    for (const [id, m] of this.#members) {
      if (id === from) continue;
      if (m.tx.trySend(line) === 'full') {
        this.#members.delete(id);
        (dropped ??= []).push(m);
      }
    }
    if (dropped === null) return;
    for (const m of dropped) {
      m.task?.abort(); // its finally closes the socket
      console.log(`dropped ${m.name}: too slow`);
      this.broadcast(0, `* ${m.name} was dropped (too slow)`); // ids start at 1: to everyone
    }
  }
}

/** Serves one client: asks its name, then relays lines both ways until it leaves. */
function* client(
  id: number,
  socket: TcpStream,
  member: Member,
  rx: mpsc.Receiver<string>,
  room: Room,
  stop: CancellationToken,
): Future<void> {
  let joined = false;
  try {
    const lines = new BufReader(socket).lines();
    yield* socket.writeAll(encoder.encode('welcome! your name?\n'));
    const first = yield* select({ line: lines.nextLine(), stop: stop.cancelled() });
    if (first.key === 'stop' || first.value === undefined) return;
    member.name = first.value.trim() || member.name;
    room.join(id, member);
    joined = true;
    room.broadcast(id, `* ${member.name} joined`);
    for (;;) {
      // All three are cancel safe: the branches that lose lose nothing.
      const r = yield* select({ line: lines.nextLine(), msg: rx.recv(), stop: stop.cancelled() });
      if (r.key === 'line') {
        if (r.value === undefined) return; // the client left
        room.broadcast(id, `${member.name}: ${r.value}`);
      } else if (r.key === 'msg') {
        yield* socket.writeAll(encoder.encode(`${r.value}\n`));
      } else {
        try {
          yield* timeout(GOODBYE_MS, socket.writeAll(encoder.encode('server: goodbye\n')));
        } catch {
          // a client that does not read gets no goodbye
        }
        return;
      }
    }
  } finally {
    socket.close();
    if (joined && room.leave(id) !== undefined) room.broadcast(id, `* ${member.name} left`);
  }
}

/** Runs the chat on `port` (0: any free port) until SIGINT. */
export function* run(port: number): Future<void> {
  using interrupt = signal(SignalKind.interrupt());
  const listener = yield* TcpListener.bind(`127.0.0.1:${port}`);
  console.log(`listening on ${listener.localAddr()}`);
  const room = new Room();
  const stop = new CancellationToken();
  const clients = new JoinSet<void>();
  let nextId = 1;
  for (;;) {
    const r = yield* select({ conn: listener.accept(), int: interrupt.recv() });
    if (r.key === 'int') break;
    const id = nextId++;
    const [tx, rx] = mpsc.channel<string>(QUEUE);
    const member: Member = { name: `guest${id}`, tx, task: null };
    // the room aborts the task to drop a slow client
    member.task = clients.spawn(client(id, r.value[0], member, rx, room, stop));
    while (clients.tryJoinNext() !== undefined) {}
  }
  listener.close();
  console.log(`SIGINT: saying goodbye to ${clients.size} client(s)`);
  stop.cancel();
  try {
    yield* timeout(2 * GOODBYE_MS, drain(clients));
  } catch (e) {
    if (!(e instanceof Elapsed)) throw e;
    clients.abortAll(); // stuck mid-message: cut them off
    yield* drain(clients);
  }
  console.log('bye');
}

function* drain(clients: JoinSet<void>): Future<void> {
  for (let j = yield* clients.joinNext(); j !== undefined; j = yield* clients.joinNext()) {
    if (!j.ok && !j.error.isCancelled()) console.error(`a client failed: ${j.error}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  main(run(numArg(process.argv, '--port', 6142)));
