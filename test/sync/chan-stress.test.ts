/**
 * Seeded schedules where the receiver races `recv` and `recvMany` inside a
 * `select` against other branches (ported from chan2's select races; main's
 * mpsc-stress covers a selected `recv` but never a selected `recvMany`). A
 * `recvMany` that loses its select must take nothing: every sent value arrives
 * exactly once, in each sender's order, on bounded and unbounded channels.
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { type Future, type JoinHandle, select, spawn, yieldNow } from 'tokio-ts';
import { mpsc } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';
import { int, jitter, prng } from './seeded.js';

const SEEDS = process.env.TOKIO_TS_STRESS === 'long' ? 200 : 20;
const SENDERS = 3;
const PER_SENDER = 30;

interface Tx {
  send(v: number): Future<void>;
  close(): void;
}

function* sender(tx: Tx, id: number, rand: () => number): Future<void> {
  try {
    for (let i = 0; i < PER_SENDER; i++) {
      yield* tx.send(id * 1000 + i);
      yield* jitter(rand, 3);
    }
  } finally {
    tx.close();
  }
}

function* receive(rx: mpsc.Receiver<number>, rand: () => number): Future<number[][]> {
  const got: number[][] = Array.from({ length: SENDERS }, () => []);
  const take = (v: number) => got[Math.floor(v / 1000)]!.push(v);
  for (;;) {
    const mode = int(rand, 3);
    const biased = rand() < 0.5;
    if (mode === 0) {
      const buf: number[] = [];
      const r = yield* select(
        { many: rx.recvMany(buf, 1 + int(rand, 5)), other: jitter(rand, 2) },
        { biased },
      );
      if (r.key === 'many') {
        if (r.value === 0) break;
        assert.equal(r.value, buf.length, 'recvMany returns how many it pushed');
      } else {
        assert.equal(buf.length, 0, 'a recvMany that lost its select took nothing');
      }
      for (const v of buf) take(v);
    } else if (mode === 1) {
      const r = yield* select({ v: rx.recv(), other: jitter(rand, 2) }, { biased });
      if (r.key === 'v') {
        if (r.value === undefined) break;
        take(r.value);
      }
    } else {
      const r = yield* select(
        { a: rx.recv(), b: rx.recv() as Future<number | undefined> },
        { biased },
      );
      if (r.value === undefined) break;
      take(r.value);
    }
  }
  return got;
}

function expected(): number[][] {
  return Array.from({ length: SENDERS }, (_, id) =>
    Array.from({ length: PER_SENDER }, (_, i) => id * 1000 + i),
  );
}

describe(`mpsc select races on recv and recvMany (${SEEDS} seeds each)`, () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    test(`bounded: nothing lost or doubled by a lost recv/recvMany (seed ${seed})`, function* () {
      const rand = prng(seed);
      const cap = 1 + int(rand, 4);
      const [tx, rx] = mpsc.channel<number>(cap);
      const hs: JoinHandle<void>[] = [];
      for (let id = 0; id < SENDERS; id++) {
        hs.push(spawn(sender(id === 0 ? tx : tx.clone(), id, prng(seed * 37 + id))));
      }
      const got = yield* receive(rx, rand);
      for (const h of hs) yield* h;
      assert.deepEqual(got, expected(), `failing seed ${seed}`);
      assert.equal(rx.capacity(), cap, `no slot leaked (seed ${seed})`);
    });

    test(`unbounded: nothing lost or doubled by a lost recv/recvMany (seed ${seed})`, function* () {
      const rand = prng(seed + 100_000);
      const [tx, rx] = mpsc.unboundedChannel<number>();
      const hs: JoinHandle<void>[] = [];
      for (let id = 0; id < SENDERS; id++) {
        const t = id === 0 ? tx : tx.clone();
        hs.push(
          spawn(
            sender(
              {
                *send(v: number) {
                  t.send(v);
                  yield* yieldNow();
                },
                close: () => t.close(),
              },
              id,
              prng(seed * 41 + id),
            ),
          ),
        );
      }
      const got = yield* receive(rx, rand);
      for (const h of hs) yield* h;
      assert.deepEqual(got, expected(), `failing seed ${seed}`);
      assert.equal(rx.len(), 0);
    });
  }
});
