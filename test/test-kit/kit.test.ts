// The test kit's failures: a deadlocked body fails with the runtime's
// explanation (not node:test's "Promise resolution is still pending"), and the
// kit's own failures point at the user's test file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const fixture = fileURLToPath(new URL('../fixtures/kit-failures.js', import.meta.url));

describe('tokio-ts/test failures', () => {
  // (without NODE_TEST_CONTEXT, which would make the inner runner report to this one)
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', fixture], {
    encoding: 'utf8',
    env,
  });
  const out = r.stdout;

  it("a deadlocked body fails with the runtime's deadlock explanation, and later tests still run", () => {
    assert.equal(r.status, 1);
    assert.match(
      out,
      /not ok 1 - a body waiting on a channel nobody can send to[\s\S]*tokio-ts: the test body can never finish: nothing is left that could wake it \(deadlock\)\n\s*task 1 'blockOn': parked, waiting on mpsc recv/,
    );
    assert.doesNotMatch(out, /Promise resolution is still pending/);
    assert.match(out, /ok 3 - a passing test after them/);
    assert.match(out, /# pass 1\n# fail 2\n# cancelled 0/);
  });

  it("the kit's failures point at the user's test file, not the kit", () => {
    const stacks = [...out.matchAll(/stack: \|-\n\s*(.*)/g)].map((m) => m[1]);
    assert.equal(stacks.length, 2, out);
    const lines = readFileSync(fixture, 'utf8').split('\n');
    const lineOf = (name: string) => lines.findIndex((l) => l.includes(`test('${name}'`)) + 1;
    assert.ok(
      stacks[0]!.endsWith(
        `kit-failures.js:${lineOf('a body waiting on a channel nobody can send to')}:1`,
      ),
    );
    assert.ok(
      stacks[1]!.endsWith(`kit-failures.js:${lineOf('a body that leaves a task behind')}:1`),
    );
    assert.match(
      out,
      /the test left 1 task\(s\) running[\s\S]*task \d+ 'leaker': parked, waiting on mpsc recv/,
    );
  });
});
