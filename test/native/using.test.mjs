// Native `using` (explicit resource management, V8 in Node 24+) inside a
// `function*`: cancelling the task releases what the declarations hold. This
// file is plain JavaScript and is NOT compiled (tsc would turn `using` into
// try/finally helpers): scripts/test.mjs runs it as is, only on a Node that
// parses `using`.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { spawn, yieldNow } from 'tokio-ts';
import { pending } from 'tokio-ts/future';
import { TcpListener, TcpStream } from 'tokio-ts/net';
import { Mutex, mpsc, Notify, RwLock, Semaphore } from 'tokio-ts/sync';
import { test } from 'tokio-ts/test';

/** Joins an aborted task; true if it ended cancelled. */
function* cancelled(h) {
  try {
    yield* h;
    return false;
  } catch (e) {
    return e?.isCancelled?.() === true;
  }
}

describe('native using in a function* (untranspiled)', () => {
  test('this file runs with native using, not a transpiled form', function* () {
    assert.doesNotThrow(() => new Function('{ using x = null; }')());
    const src = String(function* () {
      using g = null;
      yield* pending();
      return g;
    });
    assert.match(src, /using g = null/, 'the declaration is in the running source');
  });

  test('a mutex guard held with using is released when the task is aborted', function* () {
    const m = new Mutex(0);
    const h = spawn(function* () {
      using g = yield* m.lock();
      g.value = 1;
      yield* new Notify().notified(); // forever
    });
    yield* yieldNow();
    assert.equal(m.tryLock(), undefined, 'the task holds the lock');
    h.abort();
    assert.equal(yield* cancelled(h), true);
    const g = m.tryLock();
    assert.equal(g?.value, 1, 'the lock is free again');
    g.release();
  });

  test('a semaphore permit held with using goes back when the task is aborted', function* () {
    const sem = new Semaphore(3);
    const h = spawn(function* () {
      using _a = yield* sem.acquire();
      using _b = yield* sem.acquireMany(2);
      yield* pending();
    });
    yield* yieldNow();
    assert.equal(sem.availablePermits(), 0);
    h.abort();
    assert.equal(yield* cancelled(h), true);
    assert.equal(sem.availablePermits(), 3, 'both permits went back');
  });

  test('RwLock read and write guards held with using are both released when the task is aborted', function* () {
    const a = new RwLock('a');
    const b = new RwLock('b');
    const h = spawn(function* () {
      using _r = yield* a.read();
      using _w = yield* b.write();
      yield* pending();
    });
    yield* yieldNow();
    assert.equal(a.tryWrite(), undefined);
    assert.equal(b.tryRead(), undefined);
    h.abort();
    assert.equal(yield* cancelled(h), true);
    const wa = a.tryWrite();
    const wb = b.tryWrite();
    assert.ok(wa !== undefined && wb !== undefined, 'both locks are free');
    wa.release();
    wb.release();
  });

  test('an mpsc permit reserved with using gives its slot back when the task is aborted', function* () {
    const [tx, rx] = mpsc.channel(1);
    const h = spawn(function* () {
      using _p = yield* tx.reserve();
      yield* pending();
    });
    yield* yieldNow();
    assert.equal(tx.capacity(), 0);
    h.abort();
    assert.equal(yield* cancelled(h), true);
    assert.equal(tx.capacity(), 1, 'the slot is free again');
    tx.close();
    rx.close();
  });

  test('a permit is released on a normal return too, before the join completes', function* () {
    const sem = new Semaphore(1);
    const h = spawn(function* () {
      using _p = yield* sem.acquire();
      yield* yieldNow();
      return sem.availablePermits();
    });
    assert.equal(yield* h, 0, 'held inside the block');
    assert.equal(sem.availablePermits(), 1, 'released at the end of it');
  });

  test('a TCP stream held with using is closed when the task reading from it is aborted: the peer reads EOF', function* () {
    using listener = yield* TcpListener.bind('127.0.0.1:0');
    const reader = spawn(function* () {
      using s = yield* TcpStream.connect(listener.localAddr());
      const buf = new Uint8Array(16);
      yield* s.read(buf); // the peer never writes
    });
    const [peer] = yield* listener.accept();
    using _peer = peer;
    yield* yieldNow();
    reader.abort();
    assert.equal(yield* cancelled(reader), true);
    const buf = new Uint8Array(16);
    assert.equal(yield* peer.read(buf), 0, 'the aborted task closed its end');
  });
});
