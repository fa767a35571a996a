import assert from 'node:assert/strict';
import { type ChildProcess, spawn as nodeSpawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { JoinError, ready, select, spawn, yieldNow } from 'tokio-ts';
import { ctrlC, Signal, SignalKind, signal } from 'tokio-ts/signal';
import { test } from 'tokio-ts/test';

const fixture = fileURLToPath(new URL('../fixtures/signal-ctrl-c.js', import.meta.url));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the fixture; `step` sees the output so far and may signal the child. */
function run(args: string[], step: (out: string, child: ChildProcess) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = nodeSpawn(process.execPath, [fixture, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      step(stdout, child);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fixture timed out; stdout: ${stdout}; stderr: ${stderr}`));
    }, 10_000);
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      resolve({ code, signal: sig, stdout, stderr });
    });
  });
}

/** Sends `sig` once when `marker` first appears in the output. */
function sendOn(): (marker: string, sig: NodeJS.Signals, out: string, child: ChildProcess) => void {
  const sent = new Set<string>();
  return (marker, sig, out, child) => {
    if (!sent.has(marker) && out.includes(marker)) {
      sent.add(marker);
      child.kill(sig);
    }
  };
}

describe('ctrlC in a fixture program', () => {
  it('inside main(): ctrlC() gets the SIGINT instead of main; the next SIGINT cancels main (130)', async () => {
    const send = sendOn();
    const r = await run(['main'], (out, child) => {
      send('ready', 'SIGINT', out, child);
      send('dropped', 'SIGINT', out, child);
    });
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stdout, /ready\ngot ctrl-c\ndropped\nmain cancelled\n/);
  });

  it('inside main(): a second SIGINT exits at once even while the program still listens with ctrlC()', async () => {
    const send = sendOn();
    const r = await run(['listening'], (out, child) => {
      send('ready', 'SIGINT', out, child);
      send('dropped', 'SIGINT', out, child);
    });
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stdout, /ready\ngot ctrl-c\ndropped\n$/);
  });

  it('without main(): after ctrlC() resolved, SIGINT terminates the process as usual', async () => {
    const send = sendOn();
    const r = await run(['plain'], (out, child) => {
      send('ready', 'SIGINT', out, child);
      send('dropped', 'SIGINT', out, child);
    });
    assert.equal(r.signal, 'SIGINT', `code ${r.code}; ${r.stderr}`);
    assert.match(r.stdout, /got ctrl-c, listeners 0\ndropped\n/);
  });

  it('a signal(terminate) stream takes SIGTERM from main(); after close() SIGTERM cancels main (143)', async () => {
    const send = sendOn();
    const r = await run(['stream'], (out, child) => {
      send('ready', 'SIGTERM', out, child);
      send('dropped', 'SIGTERM', out, child);
    });
    assert.equal(r.code, 143, r.stderr);
    assert.match(r.stdout, /got SIGTERM\ndropped\nmain cancelled\n/);
  });
});

describe('signal streams in this process (SIGUSR2)', () => {
  test('recv() resolves on a delivery of the signal', function* () {
    using s = signal(SignalKind.userDefined2());
    assert.ok(s instanceof Signal);
    process.kill(process.pid, 'SIGUSR2');
    assert.equal(yield* s.recv(), true);
    assert.equal(s.closed, false);
  });

  test('deliveries between two recv() calls coalesce into one pending notification', function* () {
    const base = process.listenerCount('SIGUSR2');
    const witness = signal(SignalKind.userDefined2());
    const s = signal(SignalKind.userDefined2());
    assert.equal(process.listenerCount('SIGUSR2'), base + 1, 'one process listener per signal');
    try {
      process.kill(process.pid, 'SIGUSR2');
      yield* witness.recv();
      process.kill(process.pid, 'SIGUSR2');
      yield* witness.recv();
      assert.equal(s.tryRecv(), true);
      assert.equal(s.tryRecv(), false);
    } finally {
      witness.close();
      s.close();
    }
    assert.equal(process.listenerCount('SIGUSR2'), base);
  });

  test('twice / notify_both / dropping_signal_does_not_deregister_any_other_instances (signal_*.rs): recv() is true per delivery, for every stream of the kind', function* () {
    const kind = SignalKind.userDefined2();
    const first = signal(kind);
    const s1 = signal(kind);
    const second = signal(kind);
    const s2 = signal(kind);
    first.close();
    second.close();
    try {
      for (let i = 0; i < 2; i++) {
        process.kill(process.pid, 'SIGUSR2');
        assert.equal(yield* s1.recv(), true);
        assert.equal(yield* s2.recv(), true);
      }
    } finally {
      s1.close();
      s2.close();
    }
    assert.equal(yield* s1.recv(), undefined, 'closed');
  });

  test('a second concurrent recv() on one stream is an error', function* () {
    using s = signal(SignalKind.userDefined2());
    const first = spawn(s.recv());
    yield* yieldNow();
    const second = spawn(s.recv());
    try {
      yield* second;
      assert.fail('the second recv() should fail');
    } catch (e) {
      assert.ok(e instanceof JoinError && !e.isCancelled(), String(e));
      assert.match(
        String((e as Error & { cause?: unknown }).cause ?? e.message),
        /already waiting/,
      );
    }
    first.abort();
    try {
      yield* first;
    } catch {}
  });

  test('close() removes the listener and a recv() after it gives undefined', function* () {
    const base = process.listenerCount('SIGUSR2');
    const s = signal(SignalKind.userDefined2());
    assert.equal(process.listenerCount('SIGUSR2'), base + 1);
    const waiting = spawn(s.recv());
    yield* yieldNow();
    s.close();
    assert.equal(yield* waiting, undefined, 'a waiting recv() ends with undefined');
    assert.equal(yield* s.recv(), undefined);
    assert.equal(process.listenerCount('SIGUSR2'), base);
    s.close(); // idempotent
  });

  test('cancel safety: recv() cancelled by select keeps no waiter; a later delivery is received', function* () {
    using s = signal(SignalKind.userDefined2());
    const r = yield* select({ sig: s.recv(), now: ready(1) }, { biased: true });
    assert.equal(r.key, 'now');
    process.kill(process.pid, 'SIGUSR2');
    yield* s.recv();
  });

  test('cancel safety: a recv() woken by a delivery but cancelled before it ran leaves it pending', function* () {
    // The witness subscribes first, so its task is woken (and runs) first and aborts the victim.
    const witness = signal(SignalKind.userDefined2());
    const s = signal(SignalKind.userDefined2());
    try {
      let victim: ReturnType<typeof spawn<true | undefined>> | undefined;
      const canceller = spawn(function* () {
        yield* witness.recv();
        victim!.abort();
      });
      victim = spawn(s.recv());
      yield* yieldNow();
      process.kill(process.pid, 'SIGUSR2');
      yield* canceller;
      try {
        yield* victim;
        assert.fail('the victim should be cancelled');
      } catch (e) {
        assert.ok(e instanceof JoinError && e.isCancelled(), String(e));
      }
      assert.equal(s.tryRecv(), true, 'the delivery was given back');
    } finally {
      witness.close();
      s.close();
    }
  });

  test('cancel safety: a cancelled ctrlC() removes its SIGINT listener', function* () {
    const base = process.listenerCount('SIGINT');
    const h = spawn(ctrlC());
    yield* yieldNow();
    assert.equal(process.listenerCount('SIGINT'), base + 1);
    h.abort();
    try {
      yield* h;
    } catch (e) {
      assert.ok(e instanceof JoinError && e.isCancelled());
    }
    assert.equal(process.listenerCount('SIGINT'), base);
    const r = yield* select({ c: ctrlC(), now: ready(1) }, { biased: true });
    assert.equal(r.key, 'now');
    assert.equal(process.listenerCount('SIGINT'), base);
  });

  test('SignalKind names, raw values and bad input', function* () {
    assert.equal(SignalKind.interrupt().name, 'SIGINT');
    assert.equal(SignalKind.terminate().name, 'SIGTERM');
    assert.equal(SignalKind.hangup().name, 'SIGHUP');
    assert.equal(SignalKind.userDefined1().name, 'SIGUSR1');
    assert.equal(SignalKind.fromRaw(SignalKind.userDefined2().asRawValue()).name, 'SIGUSR2');
    assert.throws(() => SignalKind.fromRaw(9), RangeError); // SIGKILL
    assert.throws(() => SignalKind.fromRaw(12345), RangeError);
    assert.throws(() => signal('SIGINT' as unknown as SignalKind), TypeError);
  });
});
