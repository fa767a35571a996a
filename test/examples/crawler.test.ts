// examples/crawler: run as its own process against a local site served here.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { describe } from 'node:test';
import { fileURLToPath } from 'node:url';

import { call, pending } from 'tokio-ts/future';
import { Response, serve } from 'tokio-ts/http';
import { mpsc } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';
import { sleep } from 'tokio-ts/time';
import { linksOf } from '../../examples/crawler.js';
import { runExample } from './process.js';

const example = fileURLToPath(new URL('../../examples/crawler.js', import.meta.url));
const PAGES = 40;

function html(links: string[]): Response {
  return new Response(
    `<html><body>${links.map((l) => `<a href="${l}">${l}</a>`).join(' ')}</body></html>`,
    {
      headers: { 'content-type': 'text/html' },
    },
  );
}

/** Runs the crawler; `done` resolves with its exit code and output once it exits. */
function crawler(args: string[]): {
  child: ChildProcess;
  done: Promise<{ code: number | null; out: string }>;
} {
  const { child, exited } = runExample(example, args);
  return { child, done: exited };
}

describe('examples/crawler', () => {
  test('linksOf keeps same-site links, resolved, without fragments', function* () {
    const base = new URL('http://a.test/dir/page');
    assert.deepEqual(
      linksOf(
        '<a href="x">, <a href=\'/y#top\'>, <a href="http://b.test/">, <a href="../z">',
        base,
      ),
      ['http://a.test/dir/x', 'http://a.test/y', 'http://a.test/z'],
    );
  });

  test('crawls a site with 8 in flight, retries a flaky page, times out and aborts a hanging one', {
    timeout: 60_000,
  }, function* () {
    let inFlight = 0;
    let maxInFlight = 0;
    let flaky = 0;
    let slowAttempts = 0;
    const [tx, rx] = mpsc.unboundedChannel<string>();
    const server = yield* serve({ port: 0, host: '127.0.0.1' }, function* (req) {
      const path = new URL(req.url).pathname;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        if (path === '/') {
          const links = ['/slow', '/flaky', '/missing', 'http://elsewhere.invalid/'];
          for (let i = 1; i <= PAGES; i++) links.push(`/p/${i}`);
          return html(links);
        }
        if (path === '/slow') {
          slowAttempts++;
          try {
            yield* pending<void>();
          } finally {
            tx.send('slow aborted');
          }
        }
        if (path === '/flaky')
          return ++flaky <= 2 ? new Response('busy', { status: 503 }) : html(['/']);
        const m = /^\/p\/(\d+)$/.exec(path);
        if (m === null) return new Response('not found', { status: 404 });
        yield* sleep(20); // some work, so requests overlap
        const n = Number(m[1]);
        return html(['/', `/p/${(n * 7) % PAGES || PAGES}`, `/p/${n}#again`]);
      } finally {
        inFlight--;
      }
    });
    try {
      const { done } = crawler([`http://${server.addr}/`, '--timeout', '300', '--retries', '2']);
      const { code, out } = yield* call(done);
      assert.equal(code, 0, out);
      assert.match(out, new RegExp(`crawled ${PAGES + 4} pages, 2 failed`));
      assert.match(out, /\] timeout http:\/\/.*\/slow \(\d+ ms after 3 attempts\)/);
      assert.match(out, /\] 200 http:\/\/.*\/flaky \(\d+ ms after 3 attempts\)/);
      assert.match(out, /\] 404 http:\/\/.*\/missing/);
      assert.doesNotMatch(out, /elsewhere/);
      assert.ok(maxInFlight <= 8, `max in flight ${maxInFlight}`);
      assert.ok(maxInFlight >= 2, `max in flight ${maxInFlight}`);
      assert.equal(slowAttempts, 3);
      // each timed-out attempt closed its connection: the server saw the client leave
      for (let i = 0; i < 3; i++) assert.equal(yield* rx.recv(), 'slow aborted');
    } finally {
      yield* server.shutdown();
    }
  });

  test('Ctrl-C stops the crawl at once with a summary; requests in flight are aborted', {
    timeout: 60_000,
  }, function* () {
    const [tx, rx] = mpsc.unboundedChannel<string>();
    const server = yield* serve({ port: 0, host: '127.0.0.1' }, function* (req) {
      const path = new URL(req.url).pathname;
      if (path === '/') return html(['/hang/1', '/hang/2', '/hang/3']);
      tx.send('hanging');
      try {
        yield* pending<void>();
        return new Response('never');
      } finally {
        tx.send('aborted');
      }
    });
    try {
      const { child, done } = crawler([`http://${server.addr}/`, '--timeout', '60000']);
      for (let i = 0; i < 3; i++) assert.equal(yield* rx.recv(), 'hanging');
      child.kill('SIGINT');
      const { code, out } = yield* call(done);
      assert.equal(code, 0, out);
      assert.match(out, /interrupted: 1 pages crawled, 0 failed/);
      for (let i = 0; i < 3; i++) assert.equal(yield* rx.recv(), 'aborted');
    } finally {
      yield* server.shutdown();
    }
  });
});
