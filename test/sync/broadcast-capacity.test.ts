// broadcast: the capacity is a bound, not an allocation (mini-redis made a
// channel per pub/sub name; 100 k names with capacity 1,024 each ran V8 out
// of memory).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { broadcast } from 'tokio-ts/sync';

it('a broadcast channel does not allocate its capacity up front; it grows with the messages it keeps', () => {
  const before = process.memoryUsage().heapUsed;
  const channels = Array.from({ length: 16 }, () => broadcast.channel<number>(1 << 20));
  const grown = process.memoryUsage().heapUsed - before;
  // 16 preallocated slot arrays of 2^20 entries would take 128 MB.
  assert.ok(grown < 16 * 1024 * 1024, `16 idle channels took ${grown} bytes`);
  // Wrapping around the capacity still keeps the newest messages.
  const [tx, rx] = broadcast.channel<number>(3); // keeps 4 (a power of two)
  for (let i = 1; i <= 6; i++) tx.send(i);
  assert.deepEqual(rx.tryRecv(), { ok: false, reason: 'lagged', skipped: 2 });
  assert.deepEqual(
    [rx.tryRecv(), rx.tryRecv(), rx.tryRecv()],
    [
      { ok: true, value: 3 },
      { ok: true, value: 4 },
      { ok: true, value: 5 },
    ],
  );
  assert.deepEqual(
    [rx.tryRecv(), rx.tryRecv()],
    [
      { ok: true, value: 6 },
      { ok: false, reason: 'empty' },
    ],
  );
  assert.equal(channels.length, 16);
});
