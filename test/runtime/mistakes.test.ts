// A newcomer's mistakes get a clear error where they are made. This file must
// import only tokio-ts/runtime statically: the prelude (tokio-ts) and tokio-ts/worker
// install the multi-thread runtime, which the first two checks must not find.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Future } from 'tokio-ts/future';
import { Runtime } from 'tokio-ts/runtime';
import { sleep } from 'tokio-ts/time';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}.js`, import.meta.url));

const outsideTheRuntime = {
  name: 'TypeError',
  message:
    'tokio-ts: a Future can only be driven by the runtime: yield* it inside a task (spawn, blockOn, main), not by calling next() yourself, for…of, [...fut] or iterator helpers (fut.map(…), fut.toArray())',
};

function* napThenAnswer(): Future<number> {
  yield* sleep(10);
  return 42;
}

describe("a newcomer's mistakes", () => {
  it('spreading or iterating a future outside the runtime is a clear TypeError', () => {
    assert.throws(() => [...sleep(10)], outsideTheRuntime);
    assert.throws(() => [...napThenAnswer()], outsideTheRuntime);
    assert.throws(() => {
      for (const _ of napThenAnswer());
    }, outsideTheRuntime);
  });

  it('iterator helpers (Node 22+) on a future are a clear TypeError', () => {
    type Helpers = {
      map?: (f: (x: unknown) => unknown) => { toArray(): unknown[] };
      toArray?: () => unknown[];
    };
    const fut = () => napThenAnswer() as unknown as Helpers;
    const helpers = fut();
    if (typeof helpers.toArray === 'function') {
      // Node 22+: generator objects inherit Iterator.prototype's helpers
      assert.throws(() => fut().toArray!(), outsideTheRuntime);
      assert.throws(() => fut().map!((x) => x).toArray(), outsideTheRuntime);
    } else {
      // Node 20: there are no helpers to misuse
      assert.equal(process.versions.node.split('.')[0], '20');
      assert.equal(helpers.map, undefined);
    }
  });

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
