import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { test } from 'tokio-ts/test';
import { hello } from '../../examples/hello.js';

describe('examples/hello', () => {
  test('the hello task answers', function* () {
    assert.equal(yield* hello(), 'hello from a tokio-ts task');
  });

  it('runs as a program and exits 0', () => {
    const file = fileURLToPath(new URL('../../examples/hello.js', import.meta.url));
    const out = execFileSync(process.execPath, [file], { encoding: 'utf8' });
    assert.equal(out, 'hello from a tokio-ts task\n');
  });
});
