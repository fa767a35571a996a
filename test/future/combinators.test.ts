import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { type Future, join, race, select, spawn, tryJoin, yieldNow } from 'tokio-ts';
import { defer, pending, ready, suspend, type Waker } from 'tokio-ts/future';
import { CancellationToken, mpsc } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';
import { sleep } from 'tokio-ts/time';

/** A tiny channel built on suspend(): the receiver's cancel hook gives a handed-over value back. */
class TinyChannel<T> {
  readonly buffer: T[] = [];
  readonly waiters: { waker: Waker<T>; handed: boolean; value: T | undefined }[] = [];

  send(v: T): void {
    const w = this.waiters.shift();
    if (w === undefined) {
      this.buffer.push(v);
      return;
    }
    w.handed = true;
    w.value = v;
    w.waker.wake(v);
  }

  recv(): Future<T> {
    return suspend<T>((waker) => {
      const v = this.buffer.shift();
      if (v !== undefined) {
        waker.wake(v);
        return;
      }
      const entry = { waker, handed: false, value: undefined as T | undefined };
      this.waiters.push(entry);
      return () => {
        if (entry.handed) this.buffer.unshift(entry.value as T);
        else this.waiters.splice(this.waiters.indexOf(entry), 1);
      };
    }, 'tiny recv');
  }
}

function* value<T>(v: T, yields = 0): Future<T> {
  for (let i = 0; i < yields; i++) yield* yieldNow();
  return v;
}

describe('select', () => {
  test('returns the first branch to finish as { key, value }', function* () {
    const r = yield* select({ slow: value('s', 5), fast: value(1, 1) });
    assert.deepEqual(r, { key: 'fast', value: 1 });
  });

  test('losers are cancelled and their finally blocks have run when it returns', function* () {
    const log: string[] = [];
    const r = yield* select({
      winner: value('w', 2),
      loser: function* () {
        try {
          yield* pending();
        } finally {
          log.push('loser finally');
        }
      },
    });
    assert.equal(r.key, 'winner');
    assert.deepEqual(log, ['loser finally']);
  });

  test('a branch ready at once completes the select without suspending', function* () {
    const r = yield* select({ a: pending(), b: ready(2) }, { biased: true });
    assert.deepEqual(r, { key: 'b', value: 2 });
  });

  test('biased select polls branches in declaration order', function* () {
    for (let i = 0; i < 20; i++) {
      const r = yield* select({ a: ready(1), b: ready(2) }, { biased: true });
      assert.equal(r.key, 'a');
    }
  });

  test('unbiased select starts at a random branch', function* () {
    const seen = new Set<string>();
    for (let i = 0; i < 200 && seen.size < 2; i++) {
      seen.add((yield* select({ a: ready(1), b: ready(2) })).key);
    }
    assert.deepEqual([...seen].sort(), ['a', 'b']);
  });

  test('a branch that throws makes the select throw', function* () {
    try {
      yield* select({
        bad: function* () {
          yield* yieldNow();
          throw new Error('bad branch');
        },
        never: pending(),
      });
      assert.fail('should throw');
    } catch (e) {
      assert.equal((e as Error).message, 'bad branch');
    }
  });

  test('cancel safety: a value handed to a losing branch in the same tick goes back to the channel', function* () {
    const ch = new TinyChannel<number>();
    const h = spawn(function* () {
      return yield* select(
        {
          msg: ch.recv(),
          other: function* () {
            yield* yieldNow();
            return 'other';
          },
        },
        { biased: true },
      );
    });
    // let the select park its branches
    yield* yieldNow();
    // now hand a value to the waiting recv AND let `other` finish in the same tick:
    // `other` is already queued; the send wakes `msg` after it.
    ch.send(42);
    const r = yield* h;
    // `other` was queued before the woken `msg` branch, so it wins; the value
    // already handed to `msg` must come back
    assert.equal(r.key, 'other');
    assert.deepEqual(ch.buffer, [42], 'the handed-over value was given back');
    assert.equal(ch.waiters.length, 0, 'no waiter left registered');
  });

  test('cancel safety: cancelling the task that waits in select cancels every branch first', function* () {
    const log: string[] = [];
    const h = spawn(function* () {
      try {
        yield* select({
          a: function* () {
            try {
              yield* pending();
            } finally {
              log.push('a');
            }
          },
          b: function* () {
            try {
              yield* pending();
            } finally {
              log.push('b');
            }
          },
        });
      } finally {
        log.push('parent');
      }
    });
    yield* yieldNow();
    h.abort();
    try {
      yield* h;
    } catch {
      // cancelled
    }
    assert.deepEqual(log.slice(-1), ['parent']);
    assert.deepEqual(log.slice(0, 2).sort(), ['a', 'b']);
  });

  test('bad input: an empty record is a RangeError, a non-future branch a TypeError', function* () {
    assert.throws(() => select({}), RangeError);
    try {
      yield* select({ a: 5 as unknown as Future<number> });
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof TypeError);
    }
  });
});

describe('select branches run inside the parent (as Tokio polls them)', () => {
  // A branch woken by a message is polled when its parent is, not on its own:
  // so the parent either returns the message or, aborted first, leaves it in
  // the channel. It is never taken by a branch whose select result is lost.
  for (const yieldBeforeAbort of [false, true]) {
    test(`abort right after the branch was woken (${yieldBeforeAbort ? 'after a yield' : 'at once'}): the message is returned or stays queued`, function* () {
      const [tx, rx] = mpsc.channel<number>(4);
      const h = spawn(function* () {
        const r = yield* select({ v: rx.recv(), never: pending() });
        return r.key === 'v' ? r.value : undefined;
      });
      yield* yieldNow(); // h waits in its select
      assert.equal(tx.trySend(7), 'ok');
      if (yieldBeforeAbort) yield* yieldNow();
      h.abort();
      const got: number[] = [];
      try {
        const v = yield* h;
        if (v !== undefined) got.push(v);
      } catch {
        // cancelled before it took the message
      }
      for (let r = rx.tryRecv(); r.ok; r = rx.tryRecv()) got.push(r.value);
      assert.deepEqual(got, [7]);
    });
  }

  test('nested: a wake-up inside an inner select reaches it through the outer one', function* () {
    const [tx1, rx1] = mpsc.channel<string>(1);
    const [tx2, rx2] = mpsc.channel<string>(1);
    const h = spawn(function* () {
      const got: string[] = [];
      const r = yield* join(
        (function* () {
          const inner = yield* select({ a: rx1.recv(), never: pending() });
          got.push(`inner ${inner.key}=${inner.value}`);
          return 1;
        })(),
        (function* () {
          got.push(`second ${yield* rx2.recv()}`);
          return 2;
        })(),
      );
      return { r, got };
    });
    yield* yieldNow();
    assert.equal(tx2.trySend('y'), 'ok');
    yield* yieldNow();
    assert.equal(tx1.trySend('x'), 'ok');
    const { r, got } = yield* h;
    assert.deepEqual(r, [1, 2]);
    assert.deepEqual(got, ['second y', 'inner a=x']);
  });

  test('join of 200 branches woken one by one finishes with every value in order', function* () {
    const chans = Array.from({ length: 200 }, () => mpsc.channel<number>(1));
    const h = spawn(join(...chans.map(([, rx]) => rx.recv())));
    yield* yieldNow();
    for (let i = 199; i >= 0; i--) {
      assert.equal(chans[i]![0].trySend(i), 'ok');
      if (i % 7 === 0) yield* yieldNow();
    }
    assert.deepEqual(
      yield* h,
      Array.from({ length: 200 }, (_, i) => i),
    );
  });

  test('a branch that keeps having work still yields its budget to other tasks', function* () {
    const [tx, rx] = mpsc.unboundedChannel<number>();
    for (let i = 0; i < 1000; i++) tx.send(i);
    let other = 0;
    const o = spawn(function* () {
      for (;;) {
        other++;
        yield* yieldNow();
      }
    });
    let n = 0;
    const counts: number[] = [];
    yield* select({
      drain: (function* () {
        for (; n < 1000; n++) {
          yield* rx.recv();
          if (n % 200 === 0) counts.push(other);
        }
      })(),
      never: pending(),
    });
    o.abort();
    assert.equal(n, 1000);
    assert.ok(
      counts[counts.length - 1]! > counts[0]!,
      'the other task ran while the branch drained',
    );
  });
});

describe('join', () => {
  test('returns every value in order, as a tuple', function* () {
    const r = yield* join(value(1, 3), value('two', 1), value(true));
    assert.deepEqual(r, [1, 'two', true]);
  });

  test('the record form returns a record', function* () {
    const r = yield* join({ a: value(1, 2), b: value('b') });
    assert.deepEqual(r, { a: 1, b: 'b' });
  });

  test('if one branch throws, the others still run to the end, then the first error is thrown', function* () {
    let finished = false;
    try {
      yield* join(
        function* () {
          yield* yieldNow();
          throw new Error('first');
        },
        function* () {
          for (let i = 0; i < 5; i++) yield* yieldNow();
          finished = true;
        },
      );
      assert.fail('should throw');
    } catch (e) {
      assert.equal((e as Error).message, 'first');
    }
    assert.equal(finished, true);
  });

  test('join of nothing is an empty tuple', function* () {
    assert.deepEqual(yield* join(), []);
  });
});

describe('tryJoin', () => {
  test('the first error cancels the rest and is thrown', function* () {
    const log: string[] = [];
    try {
      yield* tryJoin(
        function* () {
          yield* yieldNow();
          throw new Error('boom');
        },
        function* () {
          try {
            yield* pending();
          } finally {
            log.push('cancelled sibling cleaned up');
          }
        },
      );
      assert.fail('should throw');
    } catch (e) {
      assert.equal((e as Error).message, 'boom');
    }
    assert.deepEqual(log, ['cancelled sibling cleaned up']);
  });

  test('all values when nothing fails', function* () {
    assert.deepEqual(yield* tryJoin(value(1, 1), value(2)), [1, 2]);
  });
});

describe('race', () => {
  test('the first to finish wins, value or error', function* () {
    assert.equal(yield* race(value('slow', 4), value('fast', 1)), 'fast');
    try {
      yield* race(
        function* () {
          yield* yieldNow();
          throw new Error('fast error');
        },
        value('slow', 5),
      );
      assert.fail('should throw');
    } catch (e) {
      assert.equal((e as Error).message, 'fast error');
    }
  });
});

describe('whatever cancels a future finishes its cleanup before it returns', () => {
  /** A future that registers async cleanup (1 ms) and never finishes. */
  function loser(log: string[]): Future<never> {
    return (function* () {
      yield* defer(function* () {
        yield* sleep(1);
        log.push('loser cleaned up');
      });
      return yield* pending<never>();
    })();
  }

  test("select, race, tryJoin and CancellationToken.runUntilCancelled run a cancelled future's defer cleanup before returning", {
    startPaused: true,
  }, function* () {
    const cases: [string, (log: string[]) => Future<unknown>][] = [
      ['select', (log) => select({ a: loser(log), b: sleep(5) })],
      ['race', (log) => race(loser(log), sleep(5))],
      [
        'tryJoin',
        (log) =>
          tryJoin(loser(log), function* () {
            yield* sleep(5);
            throw new Error('fail');
          }),
      ],
      [
        'runUntilCancelled',
        (log) => {
          const token = new CancellationToken();
          return join(token.runUntilCancelled(loser(log)), function* () {
            yield* sleep(5);
            token.cancel();
          });
        },
      ],
    ];
    for (const [name, make] of cases) {
      const log: string[] = [];
      try {
        yield* make(log);
      } catch (e) {
        assert.equal((e as Error).message, 'fail', name);
      }
      log.push('returned');
      assert.deepEqual(log, ['loser cleaned up', 'returned'], name);
    }
  });
});

describe('join and tryJoin rotate which branch they poll first (Tokio join!)', () => {
  function branches(order: number[]): Future<void>[] {
    return [1, 2, 3].map((x) =>
      (function* () {
        for (let i = 0; i < 4; i++) {
          order.push(x);
          yield* yieldNow();
        }
      })(),
    );
  }

  test('a_different_future_is_polled_first_every_time_poll_fn_is_polled (macros_join.rs)', function* () {
    for (const combine of [join, tryJoin] as const) {
      const order: number[] = [];
      const [a, b, c] = branches(order);
      yield* combine(a!, b!, c!);
      assert.deepEqual(order, [1, 2, 3, 2, 3, 1, 3, 1, 2, 1, 2, 3], combine.name);
    }
  });

  test('{ biased: true } polls in declaration order every time, for tuples and records', function* () {
    for (const combine of [join, tryJoin] as const) {
      const order: number[] = [];
      const [a, b, c] = branches(order);
      yield* combine(a!, b!, c!, { biased: true });
      assert.deepEqual(order, [1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3], combine.name);
      const rec: number[] = [];
      const [x, y, z] = branches(rec);
      const r = yield* combine({ x: x!, y: y!, z: z! }, { biased: true });
      assert.deepEqual(Object.keys(r), ['x', 'y', 'z']);
      assert.deepEqual(rec, [1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3], combine.name);
    }
  });

  test('a record whose value is named biased is still a record of futures', function* () {
    const r = yield* join({ biased: ready(1) });
    assert.deepEqual(r, { biased: 1 });
    assert.deepEqual(yield* join(ready(1), ready(2), { biased: false }), [1, 2]);
  });
});

describe('select: disabled branches and else (Tokio select! preconditions and else)', () => {
  test('a branch that is undefined, null or false is disabled; the others race', function* () {
    const open = false;
    const r = yield* select({ a: open && ready(1), b: null, c: undefined, d: ready('d') });
    assert.deepEqual(r, { key: 'd', value: 'd' });
  });

  test('the else branch runs when every branch is disabled', function* () {
    const r = yield* select(
      { a: false, b: undefined },
      {
        else: function* () {
          yield* yieldNow();
          return 'else ran';
        },
      },
    );
    assert.deepEqual(r, { key: 'else', value: 'else ran' });
    // with an enabled branch, else does not run
    const s = yield* select({ a: ready(1) }, { else: ready(2) });
    assert.deepEqual(s, { key: 'a', value: 1 });
  });

  test('no_branch_else_only(_biased) and many_branches (macros_select.rs)', function* () {
    assert.deepEqual(yield* select({}, { else: ready(1) }), { key: 'else', value: 1 });
    assert.deepEqual(yield* select({}, { biased: true, else: ready(2) }), {
      key: 'else',
      value: 2,
    });
    const many: Record<string, Future<number>> = {};
    for (let i = 0; i < 64; i++) many[`b${i}`] = i === 41 ? ready(41) : pending<number>();
    assert.deepEqual(yield* select(many), { key: 'b41', value: 41 });
    // biased_one_not_ready: the first ready branch in declaration order wins
    const r = yield* select({ a: pending<number>(), b: ready(2), c: ready(3) }, { biased: true });
    assert.deepEqual(r, { key: 'b', value: 2 });
  });

  test('every branch disabled and no else is an error (Tokio panics)', function* () {
    try {
      yield* select({ a: false, b: null });
      assert.fail('should throw');
    } catch (e) {
      assert.match(
        (e as Error).message,
        /every select\(\) branch is disabled and there is no else/,
      );
    }
  });
});
