// fetch: the platform fetch inside a task, aborted with it.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { type Future, select, spawn, yieldNow } from 'tokio-ts';
import { call, pending } from 'tokio-ts/future';
import { fetch, Response, readBytes, readJson, readText, serve } from 'tokio-ts/http';
import { mpsc } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';
import { Elapsed, Instant, sleep } from 'tokio-ts/time';

/**
 * Keeps the runtime busy until `flag.now`, so a paused clock cannot jump ahead
 * (auto-advance happens only when the runtime is idle) while a request is
 * still on its way over the loopback.
 */
function holdClockUntil(flag: { now: boolean }) {
  return spawn(function* () {
    while (!flag.now) yield* yieldNow();
  });
}

/** A server whose `/hang` handler never answers and reports its cancellation. */
function* hangingServer(tx: mpsc.UnboundedSender<string>, arrived?: { now: boolean }) {
  return yield* serve({ port: 0, host: '127.0.0.1' }, function* (req) {
    if (req.url.endsWith('/endless')) {
      tx.send('streaming');
      const chunk = new Uint8Array(16 * 1024);
      return new Response(
        new ReadableStream({
          pull(c) {
            c.enqueue(chunk);
          },
          cancel() {
            tx.send('server side cancelled');
          },
        }),
      );
    }
    if (!req.url.endsWith('/hang')) return new Response('quick');
    tx.send('started');
    if (arrived !== undefined) arrived.now = true;
    try {
      yield* pending<void>();
      return new Response('never');
    } finally {
      tx.send('server side cancelled');
    }
  });
}

describe('tokio-ts/http fetch', () => {
  test('resolves with the platform Response', function* () {
    const [tx] = mpsc.unboundedChannel<string>();
    const server = yield* hangingServer(tx);
    try {
      const res = yield* fetch(`http://${server.addr}/`);
      assert.ok(res instanceof Response);
      assert.equal(yield* call(res.text()), 'quick');
    } finally {
      yield* server.shutdown();
    }
  });

  test('aborting the calling task aborts the request: the server sees the client leave', function* () {
    const [tx, rx] = mpsc.unboundedChannel<string>();
    const server = yield* hangingServer(tx);
    try {
      const client = spawn(fetch(`http://${server.addr}/hang`));
      assert.equal(yield* rx.recv(), 'started');
      client.abort();
      const r = yield* call(
        Promise.resolve(client).then(
          () => 'ok',
          (e: Error) => e.name,
        ),
      );
      assert.equal(r, 'JoinError');
      assert.equal(yield* rx.recv(), 'server side cancelled');
    } finally {
      yield* server.shutdown();
    }
  });

  test('init.timeout throws Elapsed at the deadline and aborts the request (paused clock)', {
    startPaused: true,
  }, function* () {
    const [tx, rx] = mpsc.unboundedChannel<string>();
    const arrived = { now: false };
    const server = yield* hangingServer(tx, arrived);
    try {
      const hold = holdClockUntil(arrived);
      const t0 = Instant.now();
      let err: unknown = null;
      try {
        yield* fetch(`http://${server.addr}/hang`, { timeout: 2500 });
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof Elapsed);
      assert.equal(Instant.now().durationSince(t0), 2500);
      yield* hold;
      assert.equal(yield* rx.recv(), 'started');
      assert.equal(yield* rx.recv(), 'server side cancelled');
    } finally {
      yield* server.shutdown();
    }
  });

  test('an init.signal of the caller aborts it too', function* () {
    const [tx, rx] = mpsc.unboundedChannel<string>();
    const server = yield* hangingServer(tx);
    try {
      const ac = new AbortController();
      const h = spawn(function* () {
        try {
          yield* fetch(`http://${server.addr}/hang`, { signal: ac.signal });
          return 'answered';
        } catch (e) {
          return (e as Error).name;
        }
      });
      assert.equal(yield* rx.recv(), 'started');
      ac.abort();
      assert.equal(yield* h, 'AbortError');
      assert.equal(yield* rx.recv(), 'server side cancelled');
    } finally {
      yield* server.shutdown();
    }
  });

  test('a bad timeout is a RangeError', function* () {
    assert.throws(() => fetch('http://127.0.0.1:1/', { timeout: -1 }), RangeError);
    assert.throws(() => fetch('http://127.0.0.1:1/', { timeout: Number.NaN }), RangeError);
  });

  test('cancel safety: a fetch that loses a select is aborted, the winner is kept', {
    startPaused: true,
  }, function* () {
    const [tx, rx] = mpsc.unboundedChannel<string>();
    const arrived = { now: false };
    const server = yield* hangingServer(tx, arrived);
    try {
      const hold = holdClockUntil(arrived);
      const r = yield* select({
        res: fetch(`http://${server.addr}/hang`) as Future<Response>,
        late: sleep(100),
      });
      assert.equal(r.key, 'late');
      yield* hold;
      assert.equal(yield* rx.recv(), 'started');
      assert.equal(yield* rx.recv(), 'server side cancelled');
      // the server is fine for the next request
      assert.equal(yield* call((yield* fetch(`http://${server.addr}/`)).text()), 'quick');
    } finally {
      yield* server.shutdown();
    }
  });

  test('cancel safety: cancelling a task in readText aborts the download mid-body', function* () {
    const [tx, rx] = mpsc.unboundedChannel<string>();
    const [headersTx, headersRx] = mpsc.unboundedChannel<number>();
    const server = yield* hangingServer(tx);
    try {
      const client = spawn(function* () {
        const res = yield* fetch(`http://${server.addr}/endless`);
        headersTx.send(res.status);
        return yield* readText(res);
      });
      assert.equal(yield* rx.recv(), 'streaming');
      assert.equal(yield* headersRx.recv(), 200);
      client.abort();
      assert.equal(yield* rx.recv(), 'server side cancelled');
      assert.ok(client.isFinished());
    } finally {
      yield* server.shutdown();
    }
  });

  test('readBytes and readJson read request and response bodies; a used body is a TypeError', function* () {
    const server = yield* serve({ port: 0, host: '127.0.0.1' }, function* (req) {
      const body = (yield* readJson(req)) as { xs: number[] };
      return Response.json({ sum: body.xs.reduce((a, b) => a + b, 0) });
    });
    try {
      const res = yield* fetch(`http://${server.addr}/`, {
        method: 'POST',
        body: JSON.stringify({ xs: [1, 2, 3] }),
      });
      assert.deepEqual(yield* readJson(res), { sum: 6 });
      let err: unknown = null;
      try {
        yield* readBytes(res);
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof TypeError);
      assert.equal((yield* readBytes(new Response(null))).length, 0);
    } finally {
      yield* server.shutdown();
    }
  });
});
