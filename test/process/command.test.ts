import assert from 'node:assert/strict';
import { readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'node:test';
import { call, JoinError, pending, ready, select, spawn, yieldNow } from 'tokio-ts';
import { IoError } from 'tokio-ts/io';
import { Command, ExitStatus, Stdio } from 'tokio-ts/process';
import { SignalKind, signal } from 'tokio-ts/signal';
import { test } from 'tokio-ts/test';
import { Elapsed, timeout } from 'tokio-ts/time';

const enc = new TextEncoder();
const dec = new TextDecoder();
const node = (script: string) => new Command(process.execPath).args(['-e', script]);
/** One turn of the event loop, so Node can deliver I/O (no timer). */
const turn = () => call(() => new Promise<void>((r) => setImmediate(r)));

function* expectIoError(fut: () => Iterable<any>, kind: string): Generator<any, IoError, any> {
  try {
    yield* fut() as Generator<any, unknown, unknown>;
  } catch (e) {
    assert.ok(e instanceof IoError, `expected IoError, got ${e}`);
    assert.equal(e.kind, kind, String(e));
    return e;
  }
  assert.fail(`expected an IoError of kind ${kind}`);
}

function pidGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

describe('Command and Child', () => {
  test("sh -c 'exit 3' reports exit code 3", function* () {
    const status = yield* new Command('sh').args(['-c', 'exit 3']).status();
    assert.ok(status instanceof ExitStatus);
    assert.equal(status.code(), 3);
    assert.equal(status.success(), false);
    assert.equal(status.signal(), undefined);
    assert.equal(String(status), 'exit status: 3');
  });

  test('a child killed with kill() reports SIGKILL and no code, and its id is cleared', function* () {
    const child = node('setInterval(() => {}, 1000)').spawn();
    assert.equal(typeof child.id, 'number');
    assert.equal(child.tryWait(), undefined);
    yield* child.kill();
    const status = child.tryWait()!;
    assert.equal(status.signal(), 'SIGKILL');
    assert.equal(status.code(), undefined);
    assert.equal(status.success(), false);
    assert.equal(String(status), 'signal: SIGKILL');
    assert.equal(child.id, undefined);
    assert.equal((yield* child.wait()).signal(), 'SIGKILL', 'repeat waits give the same status');
  });

  test('kill_after_wait (process_kill_after_wait.rs): startKill and kill after the exit was seen succeed and change nothing', function* () {
    const child = new Command('sh').args(['-c', 'exit 2']).spawn();
    child.startKill();
    const status = yield* child.wait();
    child.startKill();
    yield* child.kill();
    assert.equal(String(yield* child.wait()), String(status));
    assert.equal(child.id, undefined);
  });

  test('a child that kills itself with SIGTERM reports SIGTERM', function* () {
    const status = yield* new Command('sh').args(['-c', 'kill -TERM $$']).status();
    assert.equal(status.signal(), 'SIGTERM');
    assert.equal(status.code(), undefined);
  });

  test('wait() closes the stdin held by the Child, so a child reading to end of input finishes', function* () {
    const child = node('process.stdin.resume().on("end", () => process.exit(5))')
      .stdin(Stdio.piped())
      .spawn();
    yield* child.stdin!.writeAll(enc.encode('some input'));
    assert.equal((yield* child.wait()).code(), 5);
    assert.equal(child.stdin, undefined);
  });

  test('startKill sends SIGKILL without waiting; wait sees it', function* () {
    const child = node('setInterval(() => {}, 1000)').spawn();
    child.startKill();
    assert.equal((yield* child.wait()).signal(), 'SIGKILL');
  });

  test('bytes written to a cat-like child come back through its piped stdout', function* () {
    const child = node('process.stdin.pipe(process.stdout)')
      .stdin(Stdio.piped())
      .stdout(Stdio.piped())
      .spawn();
    const total = 1024 * 1024;
    const stdin = child.stdin!;
    child.stdin = undefined;
    const writer = spawn(function* () {
      const chunk = new Uint8Array(8192);
      for (let off = 0; off < total; off += chunk.length) {
        chunk.fill((off / chunk.length) & 0xff);
        yield* stdin.writeAll(chunk);
      }
      yield* stdin.shutdown();
    });
    const got = yield* child.stdout!.readToEnd();
    yield* writer;
    assert.equal(got.length, total);
    for (let off = 0; off < total; off += 8192) assert.equal(got[off], (off / 8192) & 0xff);
    assert.ok((yield* child.wait()).success());
  });

  test('10 MiB of stdout read with readToEnd arrives whole', function* () {
    const size = 10 * 1024 * 1024;
    const child = node(
      `const b = Buffer.alloc(65536, 7); for (let i = 0; i < ${size / 65536}; i++) require('fs').writeSync(1, b);`,
    )
      .stdout(Stdio.piped())
      .spawn();
    const out = yield* child.stdout!.readToEnd();
    assert.equal(out.length, size);
    assert.ok(out.every((b) => b === 7));
    assert.ok((yield* child.wait()).success());
  });

  test('a child writing 10 MiB to a slow reader stays a bounded distance ahead (pull-based pipe)', function* () {
    const size = 10 * 1024 * 1024;
    // The child reports on stderr how much it has written to stdout.
    const child = node(
      `const fs = require('fs'); const b = Buffer.alloc(65536, 1); let t = 0;
       for (let i = 0; i < ${size / 65536}; i++) { fs.writeSync(1, b); t += b.length; fs.writeSync(2, t + '\\n'); }`,
    )
      .stdout(Stdio.piped())
      .stderr(Stdio.piped())
      .spawn();
    const errBuf = new Uint8Array(65536);
    let errText = '';
    let reported = 0;
    let consumed = 0;
    let maxLead = 0;
    for (;;) {
      const c = yield* child.stdout!.readChunk();
      if (c === undefined) break;
      consumed += c.length;
      // Slow reader: give the child and Node several turns per chunk.
      for (let i = 0; i < 3; i++) yield* turn();
      for (
        let n = child.stderr!.tryRead(errBuf);
        n !== undefined && n > 0;
        n = child.stderr!.tryRead(errBuf)
      ) {
        errText += dec.decode(errBuf.subarray(0, n));
      }
      const lines = errText.split('\n');
      errText = lines.pop()!;
      if (lines.length > 0) reported = Number(lines[lines.length - 1]);
      maxLead = Math.max(maxLead, reported - consumed);
    }
    assert.equal(consumed, size);
    assert.ok(maxLead < 2 * 1024 * 1024, `the child ran ${maxLead} bytes ahead of the reader`);
    assert.ok((yield* child.wait()).success());
  });

  test('output() captures stdout and stderr and gives the child an empty stdin', function* () {
    const out = yield* node(
      `process.stdin.on('end', () => { process.stdout.write('eof'); process.stderr.write('err'); process.exit(4); }).resume();`,
    ).output();
    assert.equal(dec.decode(out.stdout), 'eof');
    assert.equal(dec.decode(out.stderr), 'err');
    assert.equal(out.status.code(), 4);
  });

  test('status() closes piped outputs, so a child writing to them cannot block on them', function* () {
    const status = yield* node(
      `const b = Buffer.alloc(65536); try { for (let i = 0; i < 160; i++) require('fs').writeSync(1, b); } catch { process.exit(7); }`,
    )
      .stdout(Stdio.piped())
      .status();
    assert.equal(status.code(), 7, 'the child saw EPIPE');
  });

  test('waitWithOutput closes stdin and collects both outputs', function* () {
    const child = node(
      `let n = 0; process.stdin.on('data', (d) => { n += d.length; }).on('end', () => { console.log(n); console.error('done'); });`,
    )
      .stdin(Stdio.piped())
      .stdout(Stdio.piped())
      .stderr(Stdio.piped())
      .spawn();
    yield* child.stdin!.writeAll(enc.encode('12345'));
    const out = yield* child.waitWithOutput();
    assert.equal(dec.decode(out.stdout).trim(), '5');
    assert.equal(dec.decode(out.stderr).trim(), 'done');
    assert.ok(out.status.success());
    assert.equal(child.stdout, undefined);
  });

  test('env, envs and envRemove change the inherited environment', function* () {
    process.env.TOKIO_TS_TEST_INHERITED = 'yes';
    process.env.TOKIO_TS_TEST_REMOVED = 'gone';
    try {
      const out = yield* node(
        'const e = process.env; console.log(JSON.stringify([e.A, e.B, e.C, e.TOKIO_TS_TEST_INHERITED, e.TOKIO_TS_TEST_REMOVED]))',
      )
        .env('A', '1')
        .envs({ B: '2' })
        .envs([['C', '3']])
        .envRemove('TOKIO_TS_TEST_REMOVED')
        .output();
      assert.deepEqual(JSON.parse(dec.decode(out.stdout)), ['1', '2', '3', 'yes', null]);
    } finally {
      delete process.env.TOKIO_TS_TEST_INHERITED;
      delete process.env.TOKIO_TS_TEST_REMOVED;
    }
  });

  test('envClear starts from an empty environment', function* () {
    const out = yield* node('console.log(JSON.stringify(process.env))')
      .env('DROPPED', 'x')
      .envClear()
      .env('ONLY', 'this')
      .output();
    assert.deepEqual(JSON.parse(dec.decode(out.stdout)), { ONLY: 'this' });
  });

  test('currentDir sets the working directory', function* () {
    const dir = realpathSync(tmpdir());
    const out = yield* node('console.log(process.cwd())').currentDir(dir).output();
    assert.equal(dec.decode(out.stdout).trim(), dir);
  });

  test('a missing program is a typed not-found IoError at wait(), and the child has no id', function* () {
    const child = new Command('tokio-ts-no-such-program').spawn();
    assert.equal(child.id, undefined);
    const e = yield* expectIoError(() => child.wait(), 'not-found');
    assert.equal(e.code, 'ENOENT');
    assert.equal(e.path, 'tokio-ts-no-such-program');
    assert.throws(() => child.tryWait(), IoError);
    yield* expectIoError(() => new Command('tokio-ts-no-such-program').output(), 'not-found');
    yield* expectIoError(() => new Command('tokio-ts-no-such-program').status(), 'not-found');
  });

  test('a missing currentDir is a typed not-found IoError', function* () {
    yield* expectIoError(
      () => new Command(process.execPath).currentDir('/tokio-ts/no/such/dir').status(),
      'not-found',
    );
  });

  test("writing to a child's stdin after it exited is a typed broken-pipe error", function* () {
    const child = node('').stdin(Stdio.piped()).spawn();
    const stdin = child.stdin!;
    child.stdin = undefined;
    assert.ok((yield* child.wait()).success());
    const buf = new Uint8Array(64 * 1024);
    let err: unknown;
    for (let i = 0; i < 64 && err === undefined; i++) {
      try {
        yield* stdin.writeAll(buf);
        yield* stdin.flush();
        yield* turn();
      } catch (e) {
        err = e;
      }
    }
    assert.ok(err instanceof IoError, `expected IoError, got ${err}`);
    assert.equal(err.kind, 'broken-pipe');
    stdin.close();
  });

  test('bad input throws TypeError', function* () {
    assert.throws(() => new Command(''), TypeError);
    assert.throws(() => new Command('x').arg(3 as unknown as string), TypeError);
    assert.throws(() => new Command('x').env('A=B', 'c'), TypeError);
    assert.throws(() => new Command('x').stdout('pipe' as unknown as Stdio), TypeError);
    assert.throws(() => new Command('x').killOnDrop(1 as unknown as boolean), TypeError);
  });

  test('cancel safety: wait() cancelled then called again returns the status', function* () {
    const child = node('process.stdin.resume()').stdin(Stdio.piped()).spawn();
    const stdin = child.stdin!;
    child.stdin = undefined; // so wait() does not close it
    const r = yield* select({ w: child.wait(), now: ready(1) }, { biased: false });
    assert.equal(r.key, 'now');
    stdin.close(); // now the child can end
    assert.ok((yield* child.wait()).success());
  });

  test('cancel safety: a wait() woken by the exit but cancelled before it ran loses nothing', function* () {
    const child = node('process.stdin.resume()').stdin(Stdio.piped()).spawn();
    const stdin = child.stdin!;
    child.stdin = undefined;
    let victim: ReturnType<typeof spawn<unknown>> | undefined;
    // The canceller waits first, so it is woken (and runs) before the victim.
    const canceller = spawn(function* () {
      yield* child.wait();
      victim!.abort();
    });
    yield* yieldNow();
    victim = spawn(child.wait());
    yield* yieldNow();
    stdin.close();
    yield* canceller;
    yield* expectCancelled(victim);
    assert.ok((yield* child.wait()).success());
  });

  test('killOnDrop: aborting the task that spawned the child kills it and its pid is gone', function* () {
    let pid: number | undefined;
    const h = spawn(function* () {
      const child = node('setInterval(() => {}, 1000)').killOnDrop(true).spawn();
      pid = child.id;
      yield* pending();
    });
    while (pid === undefined) yield* yieldNow();
    assert.equal(pidGone(pid), false);
    h.abort();
    yield* expectCancelled(h);
    assert.ok(pidGone(pid), 'the child still runs');
  });

  test('killOnDrop: a task that returns while its child runs kills the child', function* () {
    const pid = yield* spawn(function* () {
      return node('setInterval(() => {}, 1000)').killOnDrop(true).spawn().id!;
    });
    assert.ok(pidGone(pid));
  });

  test('killOnDrop: a timeout that fires kills the children its inner future spawned before it throws Elapsed', {
    startPaused: true,
  }, function* () {
    let pid: number | undefined;
    let err: unknown;
    try {
      yield* timeout(1000, function* () {
        pid = node('setInterval(() => {}, 1000)').killOnDrop(true).spawn().id;
        yield* pending();
      });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof Elapsed, String(err));
    assert.ok(pidGone(pid!), 'the child still runs');
  });

  test('killOnDrop: a cancelled output() kills its child', function* () {
    const pidFile = join(tmpdir(), `tokio-ts-kod-${process.pid}.pid`);
    const usr2 = signal(SignalKind.userDefined2());
    try {
      const cmd = node(
        `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); process.kill(process.ppid, 'SIGUSR2'); setInterval(() => {}, 1000)`,
      ).killOnDrop(true);
      yield* spawn(function* () {
        const r = yield* select({ out: cmd.output(), started: usr2.recv() });
        assert.equal(r.key, 'started');
      });
      assert.ok(pidGone(Number(readFileSync(pidFile, 'utf8'))), 'the child still runs');
    } finally {
      usr2.close();
      rmSync(pidFile, { force: true });
    }
  });

  test('without killOnDrop, a child outlives the task that spawned it', function* () {
    const child = yield* spawn(function* () {
      return node('setInterval(() => {}, 1000)').spawn();
    });
    assert.equal(pidGone(child.id!), false);
    yield* child.kill();
  });
});

function* expectCancelled(h: Iterable<any>): Generator<any, void, any> {
  try {
    yield* h as Generator<any, unknown, unknown>;
  } catch (e) {
    assert.ok(e instanceof JoinError && e.isCancelled(), String(e));
    return;
  }
  assert.fail('expected the task to be cancelled');
}
