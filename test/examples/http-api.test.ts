// examples/http-api: the JSON API in-process (routes, and the request timeout on
// the paused clock) and as its own process (graceful shutdown on SIGINT).
import assert from 'node:assert/strict';
import { spawn as spawnProcess } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Future } from 'tokio-ts';
import { type FetchInit, fetch, readJson, readText } from 'tokio-ts/http';
import { test } from 'tokio-ts/test';
import { Instant } from 'tokio-ts/time';
import { start } from '../../examples/http-api.js';

const example = fileURLToPath(new URL('../../examples/http-api.js', import.meta.url));

function* json(url: string, init?: FetchInit): Future<{ status: number; body: unknown }> {
  const res = yield* fetch(url, init);
  if (res.status === 204) return { status: 204, body: null };
  return { status: res.status, body: yield* readJson(res) };
}

describe('examples/http-api', () => {
  test('creates, lists, updates and deletes items; bad input is a 4xx', function* () {
    const server = yield* start({ port: 0 });
    const base = `http://${server.addr}`;
    try {
      const a = yield* json(`${base}/items`, { method: 'POST', body: '{"name":"milk"}' });
      assert.deepEqual(a, { status: 201, body: { id: 1, name: 'milk', done: false } });
      yield* json(`${base}/items`, { method: 'POST', body: '{"name":"eggs"}' });
      const p = yield* json(`${base}/items/1`, { method: 'PATCH', body: '{"done":true}' });
      assert.deepEqual(p.body, { id: 1, name: 'milk', done: true });
      assert.equal((yield* json(`${base}/items/2`, { method: 'DELETE' })).status, 204);
      assert.deepEqual((yield* json(`${base}/items`)).body, [{ id: 1, name: 'milk', done: true }]);
      assert.deepEqual(yield* json(`${base}/report`), { status: 200, body: { items: 1, done: 1 } });
      assert.equal((yield* json(`${base}/items/2`)).status, 404);
      assert.equal(
        (yield* json(`${base}/items`, { method: 'POST', body: 'not json' })).status,
        400,
      );
      assert.equal(
        (yield* json(`${base}/items`, { method: 'POST', body: '{"name":3}' })).status,
        400,
      );
      assert.equal((yield* json(`${base}/items/x`)).status, 400);
      assert.equal((yield* json(`${base}/nowhere`)).status, 404);
      assert.equal((yield* json(`${base}/items/1`, { method: 'PUT', body: '{}' })).status, 405);
    } finally {
      yield* server.shutdown();
    }
  });

  test('a slow query is cancelled at the request timeout (408) and its lock released (paused clock)', {
    startPaused: true,
  }, function* () {
    const server = yield* start({ port: 0, requestTimeout: 2000 });
    const base = `http://${server.addr}`;
    try {
      const t0 = Instant.now();
      const slow = yield* fetch(`${base}/report?ms=600000`);
      assert.equal(slow.status, 408);
      yield* readText(slow);
      assert.equal(Instant.now().durationSince(t0), 2000);
      // the table's lock was released when the query was cancelled
      assert.deepEqual(yield* json(`${base}/items`), { status: 200, body: [] });
      assert.equal(Instant.now().durationSince(t0), 2000);
    } finally {
      yield* server.shutdown();
    }
  });

  it('on SIGINT the request in flight is answered, then the process exits 0', {
    timeout: 60_000,
  }, async () => {
    const child = spawnProcess(process.execPath, [example, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const waitFor = (re: RegExp): Promise<RegExpExecArray> =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const m = re.exec(out);
          if (m !== null) {
            child.stdout.off('data', check);
            resolve(m);
          }
        };
        child.stdout.on('data', check);
        child.once('exit', () => reject(new Error(`exited early: ${out}`)));
        check();
      });
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const port = Number((await waitFor(/listening on .*:(\d+)\n/))[1]);
      const base = `http://127.0.0.1:${port}`;
      await globalThis.fetch(`${base}/items`, { method: 'POST', body: '{"name":"tea"}' });
      const report = globalThis.fetch(`${base}/report?ms=300`);
      await waitFor(/report: a slow query/);
      child.kill('SIGINT');
      const res = await report;
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { items: 1, done: 0 });
      assert.equal(await exited, 0, out);
      assert.match(out, /SIGINT: shutting down, 1 request\(s\) in flight\nbye\n/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
