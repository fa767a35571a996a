// A user's program: imports every subpath export of the installed package, so
// the type checker (with skipLibCheck: false) reads every shipped .d.ts.
import * as prelude from 'tokio-ts';
import { type Future, main, spawn } from 'tokio-ts';
import * as codec from 'tokio-ts/codec';
import * as compat from 'tokio-ts/compat';
import * as consoleModule from 'tokio-ts/console';
import * as fs from 'tokio-ts/fs';
import * as future from 'tokio-ts/future';
import * as io from 'tokio-ts/io';
import * as net from 'tokio-ts/net';
import * as process from 'tokio-ts/process';
import * as runtime from 'tokio-ts/runtime';
import * as signal from 'tokio-ts/signal';
import * as stream from 'tokio-ts/stream';
import * as sync from 'tokio-ts/sync';
import * as shared from 'tokio-ts/sync/shared';
import * as task from 'tokio-ts/task';
import * as test from 'tokio-ts/test';
import * as time from 'tokio-ts/time';
import * as worker from 'tokio-ts/worker';

export const modules = [
  prelude,
  codec,
  compat,
  consoleModule,
  fs,
  future,
  io,
  net,
  process,
  runtime,
  signal,
  stream,
  sync,
  shared,
  task,
  test,
  time,
  worker,
];

function* producer(tx: sync.mpsc.Sender<number>): Future<void> {
  for (let i = 0; i < 3; i++) yield* tx.send(i);
}

export function run(): void {
  main(function* () {
    const [tx, rx] = sync.mpsc.channel<number>(4);
    const h = spawn(producer(tx));
    let sum = 0;
    for (let v = yield* rx.recv(); v !== undefined; v = yield* rx.recv()) sum += v;
    yield* h;
    const [a, b] = yield* future.join(time.sleep(1), future.ready(sum));
    console.log(a, b);
  });
}
