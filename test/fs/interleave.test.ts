import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, describe } from 'node:test';
import { spawn } from 'tokio-ts';
import { File, read } from 'tokio-ts/fs';
import { TcpListener, TcpStream } from 'tokio-ts/net';
import { test } from 'tokio-ts/test';
import { serve } from '../../examples/echo.js';
import { tempDir } from './helpers.js';

const tmp = tempDir('interleave');
after(() => tmp.remove());

describe('files and sockets together', () => {
  test('concurrent reads of many files interleave with a TCP echo without starving it', function* () {
    const files = 16;
    const size = 4 * 1024 * 1024;
    for (let i = 0; i < files; i++) writeFileSync(tmp.path(`f${i}`), Buffer.alloc(size, i));
    const listener = yield* TcpListener.bind('127.0.0.1:0');
    const server = spawn(serve(listener));
    let readsDone = 0;
    let bytesRead = 0;
    const readers = [];
    for (let i = 0; i < files; i++)
      readers.push(
        spawn(function* () {
          for (let round = 0; round < 3; round++) {
            let n: number;
            if (round % 2 === 0) n = (yield* read(tmp.path(`f${i}`))).length;
            else {
              using f = yield* File.open(tmp.path(`f${i}`));
              n = (yield* f.readToEnd()).length;
            }
            bytesRead += n; // (not `+=` across a yield*: that would add to a stale value)
            readsDone++;
          }
        }),
      );
    const client = yield* TcpStream.connect(listener.localAddr());
    const buf = new Uint8Array(64);
    let roundTrips = 0;
    let readsAtFirstEcho = -1;
    try {
      for (let i = 0; i < 200; i++) {
        yield* client.writeAll(buf);
        yield* client.readExact(buf);
        if (roundTrips++ === 0) readsAtFirstEcho = readsDone;
      }
      // Hang up and wait for the server's hang-up: the EOF arrives after the
      // connection task has returned (it closes its socket in a finally), so
      // no task is left running when the test ends, however loaded the machine.
      yield* client.shutdown();
      assert.equal(yield* client.read(buf), 0);
    } finally {
      client.close();
    }
    const readsAtLastEcho = readsDone;
    for (const r of readers) yield* r;
    server.abort();
    listener.close();
    assert.equal(roundTrips, 200);
    assert.equal(bytesRead, files * 3 * size);
    // The echo was served while the file reads were still going on.
    assert.ok(readsAtFirstEcho < files * 3, `the first echo waited for ${readsAtFirstEcho} reads`);
    assert.ok(readsAtLastEcho < files * 3 || readsAtFirstEcho === 0, 'echo and reads interleaved');
  });
});
