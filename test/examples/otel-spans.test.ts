import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { run } from '../../examples/otel-spans.js';

describe('examples/otel-spans', () => {
  it('turns tasks into spans whose parents are the spawning tasks', async () => {
    const spans = await run();
    assert.deepEqual(
      spans.map((s) => [s.name, s.parent]),
      [
        ['fetch user', 'handle request'],
        ['handle request', undefined],
      ],
    );
    assert.ok(spans.every((s) => s.polls >= 1));
  });

  it('runs as a program and prints the span tree', () => {
    const file = fileURLToPath(new URL('../../examples/otel-spans.js', import.meta.url));
    const out = execFileSync(process.execPath, [file], { encoding: 'utf8' });
    assert.equal(out, "span 'fetch user' (child of 'handle request')\nspan 'handle request'\n");
  });
});
