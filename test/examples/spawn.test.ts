import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { test } from 'tokio-ts/test';
import { Instant } from 'tokio-ts/time';
import { run } from '../../examples/spawn.js';

describe('examples/spawn', () => {
  test('prints Task 1 at +1 s and Task 2 at +2 s, in milliseconds of wall time', {
    startPaused: true,
  }, function* () {
    const lines: string[] = [];
    const orig = console.log;
    const start = Instant.now();
    const wall = performance.now();
    console.log = (s: string) => lines.push(`${s} @${start.elapsed()}`);
    try {
      yield* run();
    } finally {
      console.log = orig;
    }
    assert.deepEqual(lines, ['Task 1 @1000', 'Task 2 @2000']);
    assert.ok(performance.now() - wall < 1000);
  });
});
