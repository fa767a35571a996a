import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Builder, type Future, JoinError, Runtime, spawn } from 'tokio-ts';
import { ready } from 'tokio-ts/future';
import { test } from 'tokio-ts/test';

describe('bad input', () => {
  it('spawning a non-future is a TypeError naming what was passed', () => {
    assert.throws(() => spawn(5 as unknown as Future<number>), /expects a Future.*got number/);
    assert.throws(
      () => spawn(Promise.resolve(1) as unknown as Future<number>),
      /a Promise \(wrap it with call\(promise\)\)/,
    );
    assert.throws(() => spawn((() => 3) as unknown as () => Future<number>), TypeError);
  });

  test('spawn with arguments for a function* that declares none is a TypeError, not a task run without them', function* () {
    let ran = 0;
    function* work(n: number) {
      ran++;
      return n;
    }
    function* none() {
      ran++;
    }
    const bad = spawn as unknown as (...a: unknown[]) => unknown;
    assert.throws(
      () => bad(none, 1, 2),
      /spawn\(future, options\?\): got 2 arguments for a function that declares no parameters.*spawn\(work\(1, 2\)\)/,
    );
    assert.throws(() => bad(ready(1), 1, 2), /spawn\(future, options\?\): got 3 arguments/);
    assert.throws(() => bad(none, 7), /options must be an object like \{ name \}, got number/);
    assert.throws(() => bad(none, { name: 5 }), /options.name must be a string/);
    const rt = Runtime.current();
    assert.throws(() => rt.spawn(work as any, 7 as any), /Runtime.spawn\(future, options\?\)/);
    yield* ready(0);
    assert.equal(ran, 0, 'nothing was started');
    assert.equal(yield* spawn(work(3), { name: 'ok' }), 3);
  });

  test('a bare yield throws a TypeError at the yield, inside the task', function* () {
    const h = spawn(function* () {
      try {
        yield 5 as any;
      } catch (e) {
        return e;
      }
    });
    const e = yield* h;
    assert.ok(e instanceof TypeError);
    assert.match((e as Error).message, /use yield\*/);
  });

  test('an uncaught bare yield fails the task with that TypeError', function* () {
    const h = spawn(function* () {
      yield 'oops' as any;
    });
    try {
      yield* h;
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof JoinError && e.cause instanceof TypeError);
    }
  });

  it('driving a leaf outside a task is a clear error', () => {
    const it = ready(1)[Symbol.iterator]();
    assert.deepEqual(it.next(), { done: true, value: 1 });
    const sp = spawn(ready(1));
    assert.throws(() => sp[Symbol.iterator]().next(), /can only be driven by the runtime/);
  });

  test('a task joining itself is an error, not a hang', function* () {
    const h: { self?: ReturnType<typeof spawn<unknown>> } = {};
    h.self = spawn(function* () {
      return yield* h.self!;
    });
    try {
      yield* h.self;
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof JoinError && /join itself/.test(String((e.cause as Error).message)));
    }
  });

  it('builder options are validated', () => {
    assert.throws(() => new Builder().eventInterval(0), RangeError);
    assert.throws(() => new Builder().workerThreads(1.5), RangeError);
    assert.throws(() => new Builder().unhandledError('explode' as 'log'), TypeError);
  });

  it('blockOn rejects with what the future threw', async () => {
    const rt = new Runtime();
    await assert.rejects(
      rt.blockOn(function* () {
        throw new Error('inner');
      }),
      /inner/,
    );
  });
});
