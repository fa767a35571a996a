import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Runtime, spawn, yieldNow } from 'tokio-ts';
import { type ResourceSnapshot, type Snapshot, startConsole } from 'tokio-ts/console';
import { TcpListener, TcpStream, UdpSocket } from 'tokio-ts/net';
import { Command } from 'tokio-ts/process';
import { broadcast, Notify, watch } from 'tokio-ts/sync';
import { interval, sleep, timeout } from 'tokio-ts/time';

/** Runs `body` with the console on (on the paused clock when `paused`). */
async function withConsole<T>(
  body: (snap: () => Snapshot) => Generator<any, T, any>,
  paused = false,
): Promise<T> {
  const rt = Runtime.builder().startPaused(paused).build();
  const c = startConsole(rt, { serve: false });
  try {
    return await rt.blockOn(function* () {
      return yield* body(() => c.snapshot());
    });
  } finally {
    await c.close();
    await rt.shutdown();
  }
}

const idOf = (snap: Snapshot, name: string) => snap.tasks.find((t) => t.name === name)?.id;
const one = (snap: Snapshot, kind: string): ResourceSnapshot => {
  const r = snap.resources.filter((x) => x.kind === kind);
  assert.equal(r.length, 1, `one ${kind} in ${JSON.stringify(snap.resources)}`);
  return r[0]!;
};

describe('console resources', () => {
  test('timers: the wheel counts them with the next deadline, and each sleep and timeout names its task', async () => {
    const snap = await withConsole(function* (snapshot) {
      const a = spawn(sleep(100), { name: 'sleeper' });
      const b = spawn(timeout(250, sleep(1000)), { name: 'timed' });
      yield* sleep(10);
      const s = snapshot();
      a.abort();
      b.abort();
      return s;
    }, true);
    const wheel = one(snap, 'timer wheel');
    // the sleep(100), the timeout's deadline and the sleep(1000) inside it
    assert.equal(wheel.count, 3);
    assert.equal(wheel.nextDeadlineInMs, 90);
    assert.equal(wheel.paused, true);
    const sleeper = snap.resources.find((r) => r.kind === 'sleep' && r.deadlineInMs === 90);
    assert.deepEqual(sleeper?.waiters, [idOf(snap, 'sleeper')]);
    const t = one(snap, 'timeout');
    assert.equal(t.deadlineInMs, 240);
    assert.deepEqual(t.waiters, [idOf(snap, 'timed')]);
  });

  test('an interval shows its period, the next tick and the task in tick()', async () => {
    const snap = await withConsole(function* (snapshot) {
      const h = spawn(
        function* () {
          const iv = interval(50);
          yield* iv.tick(); // the first tick is immediate
          yield* iv.tick();
        },
        { name: 'ticker' },
      );
      yield* sleep(20);
      const s = snapshot();
      h.abort();
      return s;
    }, true);
    const iv = one(snap, 'interval');
    assert.equal(iv.periodMs, 50);
    assert.equal(iv.nextTickInMs, 30);
    assert.deepEqual(iv.waiters, [idOf(snap, 'ticker')]);
  });

  test('tcp: the listener shows its address and the task in accept(), a stream its addresses, bytes and reader', async () => {
    const snap = await withConsole(function* (snapshot) {
      const l = yield* TcpListener.bind('127.0.0.1:0');
      const acceptor = spawn(
        function* () {
          const [s] = yield* l.accept();
          s.close();
        },
        { name: 'acceptor' },
      );
      yield* yieldNow();
      const beforeAccept = snapshot();
      const c = yield* TcpStream.connect(l.localAddr());
      yield* acceptor;
      // a second connection: the server side reads, the client writes 5 bytes
      const server = spawn(
        function* () {
          const [s] = yield* l.accept();
          const buf = new Uint8Array(16);
          const n = yield* s.read(buf);
          yield* s.read(buf); // parks: the client sends nothing more
          return n;
        },
        { name: 'reader' },
      );
      const c2 = yield* TcpStream.connect(l.localAddr());
      yield* c2.writeAll(new TextEncoder().encode('hello'));
      let s = snapshot();
      // until the server has read the 5 bytes and parked in its second read
      const readAll = (x: Snapshot) =>
        x.resources.some(
          (r) => r.kind === 'tcp stream' && r.bytesRead === 5 && r.groups!.readers!.length > 0,
        );
      for (let i = 0; i < 100 && !readAll(s); i++) {
        yield* sleep(1);
        s = snapshot();
      }
      const ports = { port: l.localAddr().port, clientPort: c2.localAddr().port };
      server.abort();
      c.close();
      c2.close();
      l.close();
      return { beforeAccept, s, ...ports };
    });
    const listener = one(snap.beforeAccept, 'tcp listener');
    assert.equal(listener.local, `127.0.0.1:${snap.port}`);
    assert.deepEqual(listener.waiters, [idOf(snap.beforeAccept, 'acceptor')]);
    const readerId = idOf(snap.s, 'reader');
    const served = snap.s.resources.find(
      (r) => r.kind === 'tcp stream' && r.groups!.readers!.includes(readerId!),
    );
    assert.ok(served, JSON.stringify(snap.s.resources));
    assert.equal(served.local, `127.0.0.1:${snap.port}`);
    assert.equal(served.peer, `127.0.0.1:${snap.clientPort}`);
    assert.equal(served.bytesRead, 5);
    assert.deepEqual(served.waiters, [readerId]);
    const client = snap.s.resources.find(
      (r) => r.kind === 'tcp stream' && r.local === `127.0.0.1:${snap.clientPort}`,
    );
    assert.equal(client?.bytesWritten, 5);
  });

  test('udp: a socket shows its address, bytes and the task in recv()', async () => {
    const snap = await withConsole(function* (snapshot) {
      const a = yield* UdpSocket.bind('127.0.0.1:0');
      const b = yield* UdpSocket.bind('127.0.0.1:0');
      yield* a.sendTo(new Uint8Array(7), b.localAddr());
      const buf = new Uint8Array(64);
      yield* b.recvFrom(buf);
      const h = spawn(b.recvFrom(buf), { name: 'receiver' });
      yield* yieldNow();
      const s = snapshot();
      const ports = { a: a.localAddr().port, b: b.localAddr().port };
      h.abort();
      a.close();
      b.close();
      return { s, ...ports };
    });
    const sockets = snap.s.resources.filter((r) => r.kind === 'udp socket');
    const a = sockets.find((r) => r.local === `127.0.0.1:${snap.a}`);
    const b = sockets.find((r) => r.local === `127.0.0.1:${snap.b}`);
    assert.equal(a?.bytesWritten, 7);
    assert.equal(b?.bytesRead, 7);
    assert.deepEqual(b?.waiters, [idOf(snap.s, 'receiver')]);
  });

  test('a child process shows its pid, command, state and the task in wait()', async () => {
    const snap = await withConsole(function* (snapshot) {
      const child = new Command(process.execPath).args(['-e', 'setTimeout(() => {}, 200)']).spawn();
      const h = spawn(child.wait(), { name: 'waiting for child' });
      yield* yieldNow();
      const running = snapshot();
      yield* h;
      return {
        running,
        done: snapshot(),
        pid: running.resources.find((r) => r.kind === 'child process')?.pid,
      };
    });
    const r = one(snap.running, 'child process');
    assert.equal(typeof r.pid, 'number');
    assert.match(String(r.command), /-e setTimeout/);
    assert.equal(r.state, 'running');
    assert.deepEqual(r.waiters, [idOf(snap.running, 'waiting for child')]);
    const done = one(snap.done, 'child process');
    assert.match(String(done.state), /^exited \(/);
    assert.deepEqual(done.waiters, []);
  });

  test('notify shows its stored permit and its waiters in queue order', async () => {
    const snap = await withConsole(function* (snapshot) {
      const n = new Notify();
      const a = spawn(n.notified(), { name: 'first' });
      const b = spawn(n.notified(), { name: 'second' });
      yield* yieldNow();
      const s = snapshot();
      a.abort();
      b.abort();
      return s;
    });
    const n = one(snap, 'notify');
    assert.equal(n.permit, false);
    assert.deepEqual(n.waiters, [idOf(snap, 'first'), idOf(snap, 'second')]);
  });

  test('watch shows its version, receivers and the tasks in changed()', async () => {
    const snap = await withConsole(function* (snapshot) {
      const [tx, rx] = watch.channel(0);
      const rx2 = rx.clone();
      tx.send(1);
      tx.send(2);
      rx.markUnchanged();
      const h = spawn(rx.changed(), { name: 'watcher' });
      yield* yieldNow();
      const s = snapshot();
      h.abort();
      rx2.close();
      return s;
    });
    const w = one(snap, 'watch');
    assert.equal(w.version, 2);
    assert.equal(w.receivers, 2);
    assert.equal(w.senders, 1);
    assert.deepEqual(w.waiters, [idOf(snap, 'watcher')]);
  });

  test('broadcast shows capacity, length, each receiver lag and the tasks in recv()', async () => {
    const snap = await withConsole(function* (snapshot) {
      const [tx, rx1] = broadcast.channel<number>(4);
      const rx2 = tx.subscribe();
      for (let i = 0; i < 3; i++) tx.send(i);
      yield* rx2.recv();
      yield* rx2.recv();
      yield* rx2.recv();
      const h = spawn(rx2.recv(), { name: 'listener' });
      yield* yieldNow();
      const s = snapshot();
      h.abort();
      rx1.close();
      return s;
    });
    const b = one(snap, 'broadcast');
    assert.equal(b.capacity, 4);
    assert.equal(b.len, 3);
    assert.equal(b.receivers, 2);
    assert.deepEqual(b.lag, [3, 0]);
    assert.deepEqual(b.waiters, [idOf(snap, 'listener')]);
  });
});
