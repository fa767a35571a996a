import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Runtime } from 'tokio-ts';
import { PRELOAD_CHANNEL } from './fixtures/preload-tasks.js';

test('the modules that define the tasks known at build() are imported on every worker before any spawn', {
  timeout: 30_000,
}, async () => {
  const bc = new BroadcastChannel(PRELOAD_CHANNEL);
  const seen = new Set<number>();
  // without the preload nothing imports the module on the workers: this never resolves
  const both = new Promise<void>((resolve) => {
    bc.onmessage = (e) => {
      seen.add((e as unknown as { data: number }).data);
      if (seen.size === 2) resolve();
    };
  });
  // a watchdog, not a wait: if the messages never came, the open channel
  // would keep the process alive past the test's timeout
  const watchdog = setTimeout(() => bc.close(), 30_000);
  watchdog.unref();
  const rt = Runtime.builder().multiThread().workerThreads(2).build();
  try {
    await both;
    assert.equal(seen.size, 2);
  } finally {
    clearTimeout(watchdog);
    bc.close();
    await rt.shutdown();
  }
});
