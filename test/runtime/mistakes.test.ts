// A newcomer's mistakes get a clear error where they are made. This file must
// import only tokio-ts/runtime statically: the prelude (tokio-ts) and tokio-ts/worker
// install the multi-thread runtime, which the first two checks must not find.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Runtime } from 'tokio-ts/runtime';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}.js`, import.meta.url));

describe("a newcomer's mistakes", () => {
  it('Builder.multiThread() without tokio-ts/worker says what to import', () => {
    assert.throws(() => Runtime.builder().multiThread().build(), {
      message:
        "tokio-ts: Builder.multiThread() needs the multi-thread runtime, which lives in tokio-ts/worker: add `import 'tokio-ts/worker';` to the program (main(fn, { flavor: 'multi' }) imports it by itself)",
    });
  });

  it("main(fn, { flavor: 'multi' }) imports tokio-ts/worker by itself and runs multi-threaded", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [fixture('main-multi')]);
    assert.equal(stdout, 'workers: 2\n');
  });

  it('defineBlocking with an arrow function says it needs a named function', async () => {
    const { defineBlocking, defineTask } = await import('tokio-ts/worker');
    assert.throws(() => defineBlocking(import.meta.url, (n: number) => n), {
      name: 'TypeError',
      message:
        'tokio-ts: defineBlocking needs a named function, defineBlocking(import.meta.url, function name(…) {…}), not an arrow function: workers find it by its name',
    });
    assert.throws(
      () =>
        defineTask(import.meta.url, function* () {
          return 1;
        }),
      {
        name: 'TypeError',
        message:
          'tokio-ts: defineTask needs a named generator function, defineTask(import.meta.url, function* name(…) {…}): workers find it by its name',
      },
    );
  });
});
