import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Future, Runtime, select, spawn, yieldNow } from 'tokio-ts';
import { ready } from 'tokio-ts/future';
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

  it('deterministic_select_current_thread (macros_select.rs): the same seed makes the same select choices', async () => {
    function* select0to9(): Future<string> {
      let picks = '';
      for (let i = 0; i < 20; i++) {
        const branches: Record<string, Future<number>> = {};
        for (let k = 0; k < 10; k++) branches[k] = ready(k);
        picks += (yield* select(branches)).key;
      }
      return picks;
    }
    const run = (seed: number) =>
      Runtime.builder().currentThread().scheduleSeed(seed).build().blockOn(select0to9);
    const a = await run(7);
    assert.equal(await run(7), a);
    assert.notEqual(await run(8), a);
    assert.equal(new Set(a).size > 3, true, `select always picked from ${a}`);
  });
});
