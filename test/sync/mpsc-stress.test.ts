/**
 * Seeded schedule permutations for mpsc: several senders over a small bounded
 * channel, sends raced against other branches (lost sends are cancelled),
 * permits held across yields, whole sender tasks aborted at random. Every value
 * that a sender saw as sent is received exactly once, in that sender's order,
 * and nothing else arrives, even for senders aborted while a send branch of
 * theirs was being woken (the branch runs only inside its parent's poll).
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { type Future, type JoinHandle, select, spawn, yieldNow } from 'tokio-ts';
import { mpsc } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';
import { int, jitter, prng, settle } from './seeded.js';

const SEEDS = process.env.TOKIO_TS_STRESS === 'long' ? 200 : 20;
const SENDERS = 4;
const PER_SENDER = 25;

function* sender(
  tx: mpsc.Sender<number>,
  id: number,
  rand: () => number,
  sent: number[],
  started: { n: number },
): Future<void> {
  started.n++;
  try {
    for (let i = 0; i < PER_SENDER; i++) {
      const v = id * 1000 + i;
      const how = int(rand, 4);
      if (how === 0) {
        yield* tx.send(v);
        sent.push(v);
      } else if (how === 1) {
        // a send that may lose a select: then it must not have been sent
        const r = yield* select(
          { sent: tx.send(v), other: jitter(rand, 3) },
          { biased: rand() < 0.5 },
        );
        if (r.key === 'sent') sent.push(v);
      } else if (how === 2) {
        using p = yield* tx.reserve();
        yield* jitter(rand, 3); // an abort here releases the permit (dispose)
        p.send(v);
        sent.push(v);
      } else if (tx.trySend(v) === 'ok') sent.push(v);
      yield* jitter(rand, 2);
    }
  } finally {
    tx.close();
  }
}

describe('mpsc seeded schedules', () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    test(`every sent value arrives exactly once in per-sender order (seed ${seed})`, {
      seed,
    }, function* () {
      const rand = prng(seed);
      const cap = 1 + int(rand, 3);
      const [tx, rx] = mpsc.channel<number>(cap);
      const sent: number[][] = [];
      const started = { n: 0 };
      const hs: JoinHandle<void>[] = [];
      for (let id = 0; id < SENDERS; id++) {
        sent.push([]);
        hs.push(
          spawn(sender(id === 0 ? tx : tx.clone(), id, prng(seed * 31 + id), sent[id]!, started)),
        );
      }
      const killer = spawn(function* () {
        // a task aborted before its first poll never runs its `finally` (its
        // sender would stay open), so only abort senders that have started
        while (started.n < SENDERS) yield* yieldNow();
        for (let k = 0; k < 2; k++) {
          yield* jitter(rand, 40);
          hs[int(rand, SENDERS)]!.abort();
        }
      });
      const got: number[][] = Array.from({ length: SENDERS }, () => []);
      const take = (v: number) => got[Math.floor(v / 1000)]!.push(v);
      for (;;) {
        const mode = int(rand, 3);
        if (mode === 0) {
          const v = yield* rx.recv();
          if (v === undefined) break;
          take(v);
        } else if (mode === 1) {
          const r = yield* select({ v: rx.recv(), other: yieldNow() }, { biased: rand() < 0.5 });
          if (r.key === 'v') {
            if (r.value === undefined) break;
            take(r.value);
          }
        } else {
          const buf: number[] = [];
          if ((yield* rx.recvMany(buf, 1 + int(rand, 4))) === 0) break;
          for (const v of buf) take(v);
        }
      }
      yield* killer;
      for (let id = 0; id < SENDERS; id++) {
        yield* settle(hs[id]!);
      }
      assert.deepEqual(got, sent, `seed ${seed}`);
      assert.equal(rx.len(), 0);
      assert.equal(rx.capacity(), cap, 'no slot leaked');
      assert.ok(sent.reduce((n, s) => n + s.length, 0) > 0, 'the schedule sent something');
    });
  }
});
