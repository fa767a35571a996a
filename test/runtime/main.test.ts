import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}.js`, import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(
  file: string,
  args: string[],
  onStdout?: (text: string, child: ChildProcess) => void,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      onStdout?.(stdout, child);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fixture timed out; stdout: ${stdout}; stderr: ${stderr}`));
    }, 10_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('main', () => {
  it('on SIGINT cancels the main task: its finally runs and the process exits 130', async () => {
    let sent = false;
    const r = await run(fixture('main-signal'), [], (out, child) => {
      if (!sent && out.includes('ready')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stdout, /finally ran/);
    assert.match(r.stdout, /background task cancelled/);
  });

  it('on SIGTERM exits 143 after the finally blocks', async () => {
    let sent = false;
    const r = await run(fixture('main-signal'), [], (out, child) => {
      if (!sent && out.includes('ready')) {
        sent = true;
        child.kill('SIGTERM');
      }
    });
    assert.equal(r.code, 143, r.stderr);
    assert.match(r.stdout, /finally ran/);
  });

  it('a second signal exits at once, even while cleanup is still running', async () => {
    let sent = 0;
    const r = await run(fixture('main-signal'), ['--stuck'], (out, child) => {
      if (sent === 0 && out.includes('ready')) {
        sent = 1;
        child.kill('SIGINT');
      }
      if (sent === 1 && out.includes('finally ran')) {
        sent = 2;
        child.kill('SIGINT');
      }
    });
    assert.equal(r.code, 130, r.stderr);
    assert.equal(sent, 2);
  });

  it("a task spawned from a Node callback (http handler, timer, listener) lands on main's runtime and is cancelled on SIGINT", async () => {
    let sent = false;
    const r = await run(fixture('main-callback'), [], (out, child) => {
      if (!sent && out.includes('ready')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    assert.equal(r.code, 130, r.stderr);
    for (const where of ['http handler', 'timer', 'listener']) {
      assert.match(r.stdout, new RegExp(`${where}: main's runtime true`));
      assert.match(r.stdout, new RegExp(`${where} task cancelled`));
    }
  });

  it('a main that throws exits 1 with the error on stderr', async () => {
    const r = await run(fixture('main-exit'), ['throw']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /kaboom from main/);
  });

  it('a main that returns exits 0 and cancels the tasks still alive', async () => {
    const r = await run(fixture('main-exit'), ['ok']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /main done\nleftover task cancelled/);
  });

  it('a main that can never be woken reports a deadlock and exits 1', async () => {
    const r = await run(fixture('main-exit'), ['deadlock']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /deadlock/);
    assert.match(r.stderr, /a waker nobody holds/);
  });
  // The threads a runtime starts import the modules that define tasks: a
  // program at the top level of such a module, unguarded, ran again on every
  // one of them, and each started threads of its own (a thread per level,
  // without end, each printing the result).
  it('main() in a module a blocking thread imports fails with a runtime-thread error telling to guard it, instead of running again on every thread', async () => {
    const r = await run(fixture('unguarded-blocking'), []);
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.stdout, /result/);
    assert.match(r.stderr, /main\(\) was called on a blocking-pool thread/);
    assert.match(r.stderr, /if \(isMainThread\)/);
  });

  it('a multi-thread runtime built at the top level of a task module fails on the workers with a runtime-thread error, instead of starting workers of its own', async () => {
    const r = await run(fixture('unguarded-multi'), []);
    assert.notEqual(r.code, 0);
    assert.doesNotMatch(r.stdout, /result/);
    assert.match(r.stderr, /a multi-thread runtime was built on a worker thread/);
    assert.match(r.stderr, /if \(isMainThread\)/);
  });
});
