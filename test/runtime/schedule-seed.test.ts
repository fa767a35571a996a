import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Future, spawn, yieldNow } from 'tokio-ts';
import { runTest } from 'tokio-ts/test';

function* interleaving(): Future<string> {
  const log: string[] = [];
  const hs = ['a', 'b', 'c'].map((name) =>
    spawn(function* () {
      for (let i = 0; i < 3; i++) {
        log.push(name);
        yield* yieldNow();
      }
    }),
  );
  for (const h of hs) yield* h;
  return log.join('');
}

describe('schedule seeds', () => {
  it('without a seed the run queue is FIFO', async () => {
    assert.equal(await runTest(interleaving), 'abcabcabc');
  });

  it('the same seed gives the same interleaving; seeds explore different ones', async () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 20; seed++) {
      const a = await runTest(interleaving, { seed });
      const b = await runTest(interleaving, { seed });
      assert.equal(a, b, `seed ${seed} is not reproducible`);
      assert.equal([...a].sort().join(''), 'aaabbbccc');
      seen.add(a);
    }
    assert.ok(seen.size > 3, `only ${seen.size} interleavings over 20 seeds`);
  });
});
