// serve: real clients on loopback (Node's fetch, node:http, curl, wrk) against a
// tokio-ts HTTP server whose handlers are tasks.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { describe } from 'node:test';
import { promisify } from 'node:util';
import { type Future, select, spawn, timeout } from 'tokio-ts';
import { call, defer, pending, ready } from 'tokio-ts/future';
import { Response, readerBody, readText, serve } from 'tokio-ts/http';
import { simplex } from 'tokio-ts/io';
import { mpsc, oneshot } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';
import { Elapsed, Instant, sleep } from 'tokio-ts/time';

const run = promisify(execFile);

/** A GET with node:http (its own connection unless `agent`), resolving with status and body. */
function get(
  url: string,
  agent?: Agent,
): Promise<{ status: number; body: string; res: IncomingMessage; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: agent ?? false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode!, body, res, reused: req.reusedSocket }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function* expectElapsed(fut: Future<unknown>): Future<void> {
  try {
    yield* fut;
  } catch (e) {
    assert.ok(e instanceof Elapsed, String(e));
    return;
  }
  assert.fail('expected Elapsed');
}

function* text(res: Response): Future<string> {
  return yield* call(res.text());
}

describe('tokio-ts/http serve', () => {
  test('answers Node fetch with the handler Response: status, headers and body', function* () {
    const server = yield* serve({ port: 0, host: '127.0.0.1' }, function* (req, info) {
      const u = new URL(req.url);
      return new Response(
        `${req.method} ${u.pathname}?${u.searchParams} from ${info.remoteAddr.ip}`,
        {
          status: 201,
          headers: { 'x-custom': 'yes' },
        },
      );
    });
    try {
      const res = yield* call(fetch(`http://${server.addr}/a/b?x=1`));
      assert.equal(res.status, 201);
      assert.equal(res.headers.get('x-custom'), 'yes');
      assert.equal(res.headers.get('content-type'), 'text/plain;charset=UTF-8');
      assert.equal(yield* text(res), 'GET /a/b?x=1 from 127.0.0.1');
    } finally {
      yield* server.shutdown();
    }
  });

  test('the handler sees a web Request: instanceof, headers, json body, clone', function* () {
    const server = yield* serve({ port: 0, host: '127.0.0.1' }, function* (req) {
      assert.ok(req instanceof Request);
      const copy = req.clone();
      const body = (yield* call(req.json())) as { n: number };
      return Response.json({
        n: body.n + 1,
        type: req.headers.get('content-type'),
        copied: yield* call(copy.text()),
      });
    });
    try {
      const res = yield* call(
        fetch(`http://${server.addr}/`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ n: 41 }),
        }),
      );
      assert.equal(res.headers.get('content-type'), 'application/json');
      assert.deepEqual(yield* call(res.json()), {
        n: 42,
        type: 'application/json',
        copied: '{"n":41}',
      });
    } finally {
      yield* server.shutdown();
    }
  });

  test('HTTP/1.1 keep-alive: a second request reuses the connection', function* () {
    const server = yield* serve({ port: 0, host: '127.0.0.1' }, function* () {
      return new Response('ok');
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const a = yield* call(get(`http://${server.addr}/1`, agent));
      const b = yield* call(get(`http://${server.addr}/2`, agent));
      assert.equal(a.body, 'ok');
      assert.equal(b.body, 'ok');
      assert.equal(a.reused, false);
      assert.equal(b.reused, true);
      assert.equal(b.res.headers.connection, 'keep-alive');
    } finally {
      agent.destroy();
      yield* server.shutdown();
    }
  });

  test('a request body is read on demand: an unread body stops the client, not memory', function* () {
    const total = 64 * 1024 * 1024;
    let produced = 0;
    const [startedTx, startedRx] = oneshot.channel<number>();
    const [goTx, goRx] = oneshot.channel<null>();
    const server = yield* serve({ port: 0, host: '127.0.0.1' }, function* (req) {
      const reader = req.body!.getReader();
      let got = 0;
      const first = yield* call(reader.read());
      got += first.value!.length;
      startedTx.send(got);
      yield* goRx; // the handler stops reading for a while
      for (;;) {
        const r = yield* call(reader.read());
        if (r.done) break;
        got += r.value.length;
      }
      return new Response(String(got));
    });
    try {
      const chunk = Buffer.alloc(64 * 1024, 1);
      const source = new Readable({
        read() {
          if (produced >= total) this.push(null);
          else {
            produced += chunk.length;
            this.push(chunk);
          }
        },
      });
      const pending = fetch(`http://${server.addr}/`, {
        method: 'POST',
        body: Readable.toWeb(source) as ReadableStream,
        duplex: 'half',
      } as RequestInit);
      yield* startedRx;
      // Wait (bounded) until the client cannot send more: the producer stalls.
      let last = -1;
      for (let i = 0; i < 250 && produced !== last; i++) {
        last = produced;
        yield* call(new Promise((r) => setTimeout(r, 20)));
      }
      assert.ok(produced < total / 2, `the client produced ${produced} of ${total} bytes unread`);
      goTx.send(null);
      const res = yield* call(pending);
      assert.equal(yield* text(res), String(total));
    } finally {
      yield* server.shutdown();
    }
  });

  test('a ReadableStream body is streamed to the client chunk by chunk', function* () {
    const server = yield* serve({ port: 0, host: '127.0.0.1' }, function* () {
      let i = 0;
      const enc = new TextEncoder();
      return new Response(
        new ReadableStream({
          pull(c) {
            if (i === 100) c.close();
            else c.enqueue(enc.encode(`line ${i++}\n`));
          },
        }),
      );
    });
    try {
      const res = yield* call(fetch(`http://${server.addr}/`));
      assert.equal(res.headers.get('transfer-encoding'), 'chunked');
      const lines = (yield* text(res)).split('\n');
      assert.equal(lines.length, 101);
      assert.equal(lines[99], 'line 99');
    } finally {
      yield* server.shutdown();
    }
  });

  test('a readerBody streams a tokio-ts AsyncRead written by another task', function* () {
    const server = yield* serve({ port: 0, host: '127.0.0.1' }, function* () {
      const [reader, writer] = simplex(4096);
      spawn(function* () {
        const block = new Uint8Array(10_000).fill(0x61);
        for (let i = 0; i < 100; i++) yield* writer.writeAll(block);
        yield* writer.shutdown();
      });
      return new Response(readerBody(reader, { chunkSize: 8192 }));
    });
    try {
      const res = yield* call(fetch(`http://${server.addr}/`));
      const body = yield* text(res);
      assert.equal(body.length, 1_000_000);
      assert.match(body, /^a+$/);
    } finally {
      yield* server.shutdown();
    }
  });

  test('the handler is cancelled when the client disconnects: finally, defer and signal run', function* () {
    const [tx, rx] = mpsc.unboundedChannel<string>();
    const server = yield* serve({ port: 0, host: '127.0.0.1' }, function* (req) {
      req.signal.addEventListener('abort', () => tx.send('signal aborted'));
      yield* defer(
        (function* () {
          tx.send('deferred');
        })(),
      );
      try {
        tx.send('started');
        yield* sleep(3_600_000);
        return new Response('never');
      } finally {
        tx.send('finally');
      }
    });
    try {
      const client = httpRequest(`http://${server.addr}/`, { agent: false });
      client.on('error', () => {});
      client.end();
      assert.equal(yield* rx.recv(), 'started');
      client.destroy();
      const seen = [yield* rx.recv(), yield* rx.recv(), yield* rx.recv()];
      assert.deepEqual(seen.sort(), ['deferred', 'finally', 'signal aborted']);
      assert.equal(server.inFlight, 0);
    } finally {
      yield* server.shutdown();
    }
  });

  test('the handler is cancelled when the client disconnects mid-body upload', function* () {
    const [tx, rx] = mpsc.unboundedChannel<string>();
    const server = yield* serve({ port: 0, host: '127.0.0.1' }, function* (req) {
      try {
        tx.send('started');
        yield* readText(req);
        return new Response('never');
      } catch (e) {
        tx.send(`threw ${(e as Error).message}`);
        throw e;
      } finally {
        tx.send('finally');
      }
    });
    try {
      const client = httpRequest(`http://${server.addr}/`, {
        agent: false,
        method: 'POST',
        headers: { 'content-length': '1000000' },
      });
      client.on('error', () => {});
      client.write('partial');
      assert.equal(yield* rx.recv(), 'started');
      client.destroy();
      // cancelled at the suspension point: the promise's rejection is never seen
      assert.equal(yield* rx.recv(), 'finally');
    } finally {
      yield* server.shutdown();
    }
  });

  test('requestTimeout cancels the handler and answers 408 (paused clock)', {
    startPaused: true,
  }, function* () {
    const [tx, rx] = mpsc.unboundedChannel<string>();
    const server = yield* serve({ port: 0, host: '127.0.0.1', requestTimeout: 1500 }, function* () {
      const t0 = Instant.now();
      try {
        yield* sleep(3_600_000);
        return new Response('never');
      } finally {
        tx.send(`finally after ${Instant.now().durationSince(t0)} ms`);
      }
    });
    try {
      const res = yield* call(fetch(`http://${server.addr}/`));
      assert.equal(res.status, 408);
      assert.equal(yield* text(res), 'Request Timeout');
      assert.equal(yield* rx.recv(), 'finally after 1500 ms');
    } finally {
      yield* server.shutdown();
    }
  });

  test('a handler that throws gets the client a 500; the server goes on', function* () {
    let calls = 0;
    const server = yield* serve({ port: 0, host: '127.0.0.1' }, function* () {
      if (calls++ === 0) throw new Error('boom (expected by the test)');
      return new Response('fine');
    });
    try {
      const bad = yield* call(fetch(`http://${server.addr}/`));
      assert.equal(bad.status, 500);
      yield* text(bad);
      const good = yield* call(fetch(`http://${server.addr}/`));
      assert.equal(yield* text(good), 'fine');
    } finally {
      yield* server.shutdown();
    }
  });

  test('maxConnections: a request on a connection past the limit gets 503', function* () {
    const [tx, rx] = mpsc.unboundedChannel<string>();
    const [goTx, goRx] = oneshot.channel<null>();
    const server = yield* serve({ port: 0, host: '127.0.0.1', maxConnections: 1 }, function* () {
      tx.send('busy');
      yield* goRx;
      return new Response('first');
    });
    try {
      const first = get(`http://${server.addr}/`);
      assert.equal(yield* rx.recv(), 'busy');
      const second = yield* call(get(`http://${server.addr}/`));
      assert.equal(second.status, 503);
      assert.equal(second.res.headers.connection, 'close');
      goTx.send(null);
      const a = yield* call(first);
      assert.equal(a.status, 200);
      assert.equal(a.body, 'first');
    } finally {
      yield* server.shutdown();
    }
  });

  test('cancel safety: serve cancelled before it listens leaves no listener behind', function* () {
    const servers = (): number =>
      process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
    const before = servers();
    const r = yield* select(
      {
        server: serve({ port: 0, host: '127.0.0.1' }, function* () {
          return new Response('');
        }),
        first: ready('first'),
      },
      { biased: true },
    );
    assert.equal(r.key, 'first');
    for (let i = 0; i < 100 && servers() !== before; i++)
      yield* call(new Promise((resolve) => setImmediate(resolve)));
    assert.equal(servers(), before);
  });

  test('bad options are typed errors', function* () {
    const h = function* () {
      return new Response('');
    };
    assert.throws(() => [...serve({ port: -1 }, h)], RangeError);
    assert.throws(() => [...serve({ port: 0, maxConnections: 0 }, h)], RangeError);
    assert.throws(() => [...serve({ port: 0, requestTimeout: -5 }, h)], RangeError);
    assert.throws(() => [...serve({ port: 0 }, 'nope' as never)], TypeError);
    assert.throws(() => new Response('x', { status: 99 }), RangeError);
  });

  test('a handler that returns something else than a Response gets a 500', function* () {
    const server = yield* serve({ port: 0, host: '127.0.0.1' }, function* () {
      return 'not a response' as unknown as Response;
    });
    try {
      const res = yield* call(fetch(`http://${server.addr}/`));
      assert.equal(res.status, 500);
      yield* text(res);
    } finally {
      yield* server.shutdown();
    }
  });
});

describe('tokio-ts/http shutdown', () => {
  test('shutdown stops accepting, lets in-flight requests finish, then closes', function* () {
    const [tx, rx] = mpsc.unboundedChannel<string>();
    const [goTx, goRx] = oneshot.channel<null>();
    const server = yield* serve({ port: 0, host: '127.0.0.1' }, function* () {
      tx.send('in flight');
      yield* goRx;
      return new Response('finished');
    });
    const port = server.addr.port;
    const pending = get(`http://127.0.0.1:${port}/`);
    assert.equal(yield* rx.recv(), 'in flight');
    const stopping = spawn(server.shutdown(60_000));
    yield* sleep(0);
    // no new connections
    const refused = yield* call(
      new Promise<string>((resolve) => {
        const s = connect(port, '127.0.0.1');
        s.on('connect', () => {
          s.destroy();
          resolve('connected');
        });
        s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      }),
    );
    assert.equal(refused, 'ECONNREFUSED');
    assert.equal(stopping.isFinished(), false);
    goTx.send(null);
    const r = yield* call(pending);
    assert.equal(r.status, 200);
    assert.equal(r.body, 'finished');
    assert.equal(r.res.headers.connection, 'close');
    yield* stopping;
    yield* server.closed();
  });

  test('shutdown does not cut a response still flushing to a slow reader on a keep-alive connection', function* () {
    const size = 16 * 1024 * 1024;
    const server = yield* serve({ port: 0, host: '127.0.0.1' }, function* () {
      return new Response(new Uint8Array(size)); // written at once, flushed as the client reads
    });
    const agent = new Agent({ keepAlive: true });
    const [startedTx, startedRx] = oneshot.channel<IncomingMessage>();
    const body = new Promise<number>((resolve, reject) => {
      const req = httpRequest(`http://${server.addr}/`, { agent }, (res) => {
        let got = 0;
        res.once('data', (d: Buffer) => {
          got += d.length;
          res.pause();
          startedTx.send(res);
          res.on('data', (more: Buffer) => {
            got += more.length;
          });
        });
        res.on('end', () => resolve(got));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
    const res = yield* startedRx;
    assert.equal(server.inFlight, 0, 'the handler is done; the bytes are still on their way');
    const stopping = spawn(server.shutdown(60_000));
    yield* sleep(50);
    assert.equal(stopping.isFinished(), false);
    res.resume();
    assert.equal(yield* call(body), size);
    yield* stopping;
    agent.destroy();
  });

  test('at the shutdown deadline the requests left are cancelled (paused clock)', {
    startPaused: true,
  }, function* () {
    const [tx, rx] = mpsc.unboundedChannel<string>();
    const server = yield* serve({ port: 0, host: '127.0.0.1' }, function* (req) {
      const slow = req.url.endsWith('/slow');
      tx.send('started');
      try {
        yield* slow ? pending<void>() : sleep(200);
        return new Response('quick');
      } finally {
        if (slow) tx.send('slow cancelled');
      }
    });
    const quick = get(`http://${server.addr}/quick`);
    const slow = get(`http://${server.addr}/slow`).then(
      () => 'answered',
      (e: NodeJS.ErrnoException) => e.code ?? 'error',
    );
    assert.equal(yield* rx.recv(), 'started');
    assert.equal(yield* rx.recv(), 'started');
    const t0 = Instant.now();
    yield* server.shutdown(1000);
    assert.equal(Instant.now().durationSince(t0), 1000);
    assert.equal(yield* rx.recv(), 'slow cancelled');
    assert.equal((yield* call(quick)).body, 'quick');
    assert.equal(yield* call(slow), 'ECONNRESET');
    assert.equal(server.inFlight, 0);
  });

  test('shutting down with an idle keep-alive connection takes no time (paused clock)', {
    startPaused: true,
  }, function* () {
    const server = yield* serve({ port: 0, host: '127.0.0.1' }, function* () {
      return new Response('x');
    });
    const agent = new Agent({ keepAlive: true });
    assert.equal((yield* call(get(`http://${server.addr}/`, agent))).body, 'x');
    const t0 = Instant.now();
    yield* server.shutdown();
    assert.equal(Instant.now().durationSince(t0), 0);
    agent.destroy();
  });

  test('an idle server shuts down at once and await using disposes it', function* () {
    const t0 = Instant.now();
    const server = yield* serve({ port: 0, host: '127.0.0.1' }, function* () {
      return new Response('x');
    });
    const agent = new Agent({ keepAlive: true });
    yield* call(get(`http://${server.addr}/`, agent)); // leaves an idle keep-alive connection
    yield* call(server[Symbol.asyncDispose]());
    yield* server.closed();
    agent.destroy();
    assert.ok(Instant.now().durationSince(t0) < 5000);
  });

  test('cancel safety: shutdown cancelled by a timeout still completes when called again', {
    startPaused: true,
  }, function* () {
    const [goTx, goRx] = oneshot.channel<null>();
    const [tx, rx] = mpsc.unboundedChannel<string>();
    const server = yield* serve({ port: 0, host: '127.0.0.1' }, function* () {
      tx.send('in flight');
      yield* goRx;
      return new Response('done');
    });
    const pending = get(`http://${server.addr}/`);
    assert.equal(yield* rx.recv(), 'in flight');
    yield* expectElapsed(timeout(10, server.shutdown(60_000)));
    goTx.send(null);
    assert.equal((yield* call(pending)).body, 'done');
    yield* server.shutdown(60_000);
    yield* server.closed();
  });

  test('cancel safety: closed() cancelled by a timeout leaves the server untouched', {
    startPaused: true,
  }, function* () {
    const server = yield* serve({ port: 0, host: '127.0.0.1' }, function* () {
      return new Response('up');
    });
    yield* expectElapsed(timeout(10, server.closed()));
    assert.equal((yield* call(get(`http://${server.addr}/`))).body, 'up');
    yield* server.shutdown();
  });
});

describe('tokio-ts/http with curl and wrk', () => {
  test('curl: a GET, a POST body and two requests on one connection', function* () {
    const server = yield* serve({ port: 0, host: '127.0.0.1' }, function* (req) {
      if (req.method === 'POST') return new Response(`got ${(yield* readText(req)).length}`);
      return new Response(`hi ${new URL(req.url).pathname}`);
    });
    try {
      const base = `http://${server.addr}`;
      const a = yield* call(run('curl', ['-sS', '--max-time', '10', `${base}/x`]));
      assert.equal(a.stdout, 'hi /x');
      const b = yield* call(
        run('curl', ['-sS', '--max-time', '10', '--data-binary', 'x'.repeat(5000), base]),
      );
      assert.equal(b.stdout, 'got 5000');
      const c = yield* call(
        run('curl', [
          '-sS',
          '--max-time',
          '10',
          '-w',
          ' %{num_connects}',
          `${base}/1`,
          `${base}/2`,
        ]),
      );
      assert.equal(c.stdout, 'hi /1 1hi /2 0');
    } finally {
      yield* server.shutdown();
    }
  });

  test('curl: a streamed response arrives whole, and an interrupted one cancels the handler', function* () {
    const [tx, rx] = mpsc.unboundedChannel<string>();
    const server = yield* serve({ port: 0, host: '127.0.0.1' }, function* (req) {
      const endless = req.url.endsWith('/endless');
      let n = 0;
      const block = new Uint8Array(16 * 1024).fill(0x62);
      const [reader, writer] = simplex(64 * 1024);
      const producer = spawn(function* () {
        try {
          while (endless || n < 64) {
            yield* writer.writeAll(block);
            n++;
          }
          yield* writer.shutdown();
        } finally {
          if (endless) tx.send('producer stopped');
        }
      });
      // the handler's own defers run when it returns; the body outlives it,
      // and req.signal aborts if the client leaves while it streams
      req.signal.addEventListener('abort', () => producer.abort());
      return new Response(readerBody(reader));
    });
    try {
      const base = `http://${server.addr}`;
      const a = yield* call(
        run('curl', ['-sS', '--max-time', '10', '-o', '/dev/null', '-w', '%{size_download}', base]),
      );
      assert.equal(a.stdout, String(64 * 16 * 1024));
      // --max-filesize does not stop a chunked body; cut it with a byte range of the output instead
      const b = yield* call(
        run('sh', ['-c', `curl -sS --max-time 10 ${base}/endless | head -c 100000 | wc -c`]),
      );
      assert.equal(b.stdout.trim(), '100000');
      assert.equal(yield* rx.recv(), 'producer stopped');
    } finally {
      yield* server.shutdown();
    }
  });

  test('wrk: 10 connections for a second, every answer a 200', function* () {
    let handled = 0;
    const server = yield* serve({ port: 0, host: '127.0.0.1' }, function* () {
      handled++;
      return new Response('Hello, World!');
    });
    try {
      const out = yield* call(run('wrk', ['-t1', '-c10', '-d1s', `http://${server.addr}/`]));
      const m = /(\d+) requests in/.exec(out.stdout);
      assert.ok(m, out.stdout);
      assert.ok(Number(m[1]) > 0);
      assert.doesNotMatch(out.stdout, /Non-2xx|Socket errors/);
      assert.ok(handled >= Number(m[1]));
    } finally {
      yield* server.shutdown();
    }
  });
});
