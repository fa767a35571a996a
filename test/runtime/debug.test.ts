// Debug mode: futures created and never driven are reported with where they
// were created, once the creating task's poll ends.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const fixture = fileURLToPath(new URL('../fixtures/debug-undriven.js', import.meta.url));
const lines = readFileSync(fixture, 'utf8').split('\n');
const lineOf = (text: string) => lines.findIndex((l) => l.includes(text)) + 1;

async function run(args: string[], env: Record<string, string> = {}) {
  const { TOKIO_TS_DEBUG: _, ...base } = process.env;
  return promisify(execFile)(process.execPath, [fixture, ...args], { env: { ...base, ...env } });
}

function expectedReports(): string {
  const send = lineOf('tx.send(1);');
  const nap = lineOf('sleep(100); // never driven');
  return (
    `tokio-ts debug: the future of tx.send(…) created at file://${fixture}:${send}:8 was never driven: a Future does nothing until it is awaited (yield* it, or spawn it)\n` +
    `tokio-ts debug: the future of sleep(…) created at file://${fixture}:${nap}:5 was never driven: a Future does nothing until it is awaited (yield* it, or spawn it)\n`
  );
}

describe('debug mode for futures never driven', () => {
  it('Builder.debug(true) reports each one with where it was created, and nothing that was driven', async () => {
    const r = await run(['builder']);
    assert.equal(r.stdout, 'received 2\n');
    assert.equal(r.stderr, expectedReports());
  });

  it('TOKIO_TS_DEBUG=1 turns it on', async () => {
    const r = await run([], { TOKIO_TS_DEBUG: '1' });
    assert.equal(r.stderr, expectedReports());
  });

  it('is off by default', async () => {
    const r = await run([]);
    assert.equal(r.stdout, 'received 2\n');
    assert.equal(r.stderr, '');
  });
});
