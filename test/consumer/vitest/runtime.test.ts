// The vitest recipe (README, "Testing with vitest"): runTest runs a body on a
// fresh runtime; startPaused gives exact, instant time. Run by
// scripts/consumer-check.mjs against the packed package.
import { spawn } from 'tokio-ts';
import { mpsc } from 'tokio-ts/sync';
import { runTest } from 'tokio-ts/test';
import { Instant, sleep } from 'tokio-ts/time';
import { describe, expect, it } from 'vitest';

describe('tokio-ts under vitest', () => {
  it('an hour passes in no time on the paused clock', async () => {
    const elapsed = await runTest(
      function* () {
        const start = Instant.now();
        yield* sleep(3_600_000);
        return start.elapsed();
      },
      { startPaused: true },
    );
    expect(elapsed).toBe(3_600_000);
  });

  it('tasks and channels work inside the body', async () => {
    const sum = await runTest(function* () {
      const [tx, rx] = mpsc.channel<number>(2);
      const producer = spawn(function* () {
        for (let i = 1; i <= 3; i++) yield* tx.send(i);
      });
      let total = 0;
      for (let i = 0; i < 3; i++) total += (yield* rx.recv()) ?? 0;
      yield* producer;
      return total;
    });
    expect(sum).toBe(6);
  });

  it('a stuck body fails at its timeout with a dump of what each task waits on', async () => {
    // (vitest's worker keeps the event loop alive, so a deadlock is seen by the timeout)
    await expect(
      runTest(
        function* () {
          const [tx, rx] = mpsc.channel<number>(1);
          yield* rx.recv();
          void tx;
        },
        { timeout: 50 },
      ),
    ).rejects.toThrow(
      /tokio-ts: the test body did not finish within 50 ms\n\s+task \d+ 'blockOn': parked, waiting on mpsc recv/,
    );
  });
});
