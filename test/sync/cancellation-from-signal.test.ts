import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { spawn } from 'tokio-ts';
import { select } from 'tokio-ts/future';
import { CancellationToken } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';
import { Instant, sleep } from 'tokio-ts/time';

describe('CancellationToken.fromSignal', () => {
  test('the token is cancelled when the signal aborts, waking its waiters', {
    startPaused: true,
  }, function* () {
    const ac = new AbortController();
    const token = CancellationToken.fromSignal(ac.signal);
    assert.equal(token.isCancelled(), false);
    const t0 = Instant.now();
    const h = spawn(function* () {
      yield* token.cancelled();
      return Instant.now().durationSince(t0);
    });
    yield* sleep(30);
    ac.abort();
    assert.equal(token.isCancelled(), true);
    assert.equal(yield* h, 30);
  });

  test('an already aborted signal gives a cancelled token', function* () {
    const token = CancellationToken.fromSignal(AbortSignal.abort());
    assert.equal(token.isCancelled(), true);
    yield* token.cancelled();
  });

  test('cancelling the token leaves the signal alone; its children follow the signal', function* () {
    const ac = new AbortController();
    const a = CancellationToken.fromSignal(ac.signal);
    const b = CancellationToken.fromSignal(ac.signal);
    a.cancel();
    assert.equal(ac.signal.aborted, false);
    assert.equal(b.isCancelled(), false);
    const child = b.childToken();
    ac.abort();
    assert.equal(child.isCancelled(), true);
  });

  test('many tokens from one long-lived signal add one listener in all', function* () {
    const ac = new AbortController();
    let added = 0;
    const add = ac.signal.addEventListener.bind(ac.signal);
    ac.signal.addEventListener = ((...args: Parameters<typeof add>) => {
      added++;
      return add(...args);
    }) as typeof add;
    for (let i = 0; i < 1000; i++) CancellationToken.fromSignal(ac.signal);
    assert.equal(added, 1);
  });

  test('a bad argument is a TypeError', function* () {
    assert.throws(() => CancellationToken.fromSignal({} as AbortSignal), TypeError);
  });

  test('cancel safety: cancelled() of a signal token losing a select takes nothing', {
    startPaused: true,
  }, function* () {
    const ac = new AbortController();
    const token = CancellationToken.fromSignal(ac.signal);
    const r = yield* select({ c: token.cancelled(), t: sleep(5) });
    assert.equal(r.key, 't');
    ac.abort();
    yield* token.cancelled();
  });
});
