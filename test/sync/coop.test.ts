// Every sync leaf that can complete without waiting spends the task's coop
// budget, as Tokio's do (tokio/tests/sync_*.rs `*_is_cooperative`): a loop
// over an always-ready leaf lets another task run within one budget.
import { describe } from 'node:test';
import { watch } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';
import { assertCooperative } from './coop-helper.js';

describe('watch leaves are cooperative', () => {
  test('receiver_changed_is_cooperative: changed() on a closed channel', function* () {
    const [tx, rx] = watch.channel(null);
    tx.close();
    yield* assertCooperative('changed() (closed)', () => rx.changed());
  });

  test('receiver_changed_is_cooperative_ok: send then changed()', function* () {
    const [tx, rx] = watch.channel(0);
    let i = 0;
    yield* assertCooperative('changed()', () => {
      tx.send(++i);
      return rx.changed();
    });
  });

  test('receiver_wait_for_is_cooperative: waitFor() on a closed channel', function* () {
    const [tx, rx] = watch.channel(0);
    tx.close();
    yield* assertCooperative('waitFor() (closed)', () => rx.waitFor((v) => v === 1));
  });

  test('receiver_wait_for_is_cooperative_ok: send then waitFor()', function* () {
    const [tx, rx] = watch.channel(0);
    yield* assertCooperative('waitFor()', () => {
      tx.send(1);
      return rx.waitFor((v) => v === 1);
    });
  });

  test('sender_closed_is_cooperative: closed() with no receiver', function* () {
    const [tx, rx] = watch.channel(null);
    rx.close();
    yield* assertCooperative('closed()', () => tx.closed());
  });
});
