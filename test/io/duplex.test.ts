/** Ports of tokio/tests/io_duplex.rs and io_mem_stream.rs cases. */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { duplex, IoError, simplex } from 'tokio-ts/io';
import { test } from 'tokio-ts/test';
import { errorOf } from './helpers.js';

describe('duplex (io_mem_stream.rs)', () => {
  test('zero_length_operations: empty reads and writes complete at once, even on a full pipe', function* () {
    const [reader] = duplex(1);
    assert.equal(yield* reader.read(new Uint8Array(0)), 0);
    const [writer, _peer] = duplex(1);
    yield* writer.writeAll(new Uint8Array([120]));
    assert.equal(yield* writer.write(new Uint8Array(0)), 0);
  });

  test('zero_length_writes_to_closed_stream: an empty write to a dropped peer is broken-pipe', function* () {
    const [writer, peer] = duplex(1);
    peer.close();
    const e = yield* errorOf(writer.write(new Uint8Array(0)));
    assert.ok(e instanceof IoError);
    assert.equal(e.kind, 'broken-pipe');
  });

  test('an empty write after our own shutdown is broken-pipe too', function* () {
    const [writer] = duplex(4);
    yield* writer.shutdown();
    const e = yield* errorOf(writer.write(new Uint8Array(0)));
    assert.ok(e instanceof IoError && e.kind === 'broken-pipe');
    const [, tx] = simplex(4);
    yield* tx.shutdown();
    assert.ok((yield* errorOf(tx.write(new Uint8Array(0)))) instanceof IoError);
  });
});
