/** Reading lines of files and streams: BufReader.lines(), readLine, readUntil, FramedRead + LinesCodec. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, describe } from 'node:test';
import { select, yieldNow } from 'tokio-ts';
import { CodecError, FramedRead, LinesCodec } from 'tokio-ts/codec';
import { File } from 'tokio-ts/fs';
import { BufReader, duplex, IoError } from 'tokio-ts/io';
import { test } from 'tokio-ts/test';
import { tempDir } from '../fs/helpers.js';

const tmp = tempDir('read-lines');
after(() => tmp.remove());
const enc = (s: string) => new TextEncoder().encode(s);

/** ~200 KiB of lines (so several 64 KiB reads), some `\r\n`, a lone `\r`, multi-byte characters, a literal U+FFFD, no final `\n`. */
function sampleText(): string {
  const parts: string[] = [];
  for (let i = 0; i < 5000; i++) {
    let line = `${i} ${'x'.repeat(i % 50)}`;
    if (i % 7 === 0) line += ' €uro ✓';
    if (i % 11 === 0) line += ' a\rb';
    if (i === 4321) line += ' \uFFFD';
    parts.push(line + (i % 5 === 0 ? '\r\n' : '\n'));
  }
  parts.push('last line without newline');
  return parts.join('');
}
const text = sampleText();
const expected = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
const path = tmp.path('sample.txt');
writeFileSync(path, text);

describe('reading the lines of a file', () => {
  for (const capacity of [undefined, 7, 4096]) {
    test(`BufReader(File${capacity === undefined ? '' : `, ${capacity}`}).lines() gives the lines of the file, without \\n or \\r\\n, across reads`, function* () {
      const f = yield* File.open(path);
      try {
        const lines = new BufReader(f, capacity).lines();
        const got: string[] = [];
        for (let l: string | undefined; (l = yield* lines.nextLine()) !== undefined; ) got.push(l);
        assert.deepEqual(got, expected);
        assert.equal(yield* lines.nextLine(), undefined);
      } finally {
        f.close();
      }
    });
  }

  test('readLine over a File returns each line with its line ending, then the empty string', function* () {
    const f = yield* File.open(path);
    try {
      const r = new BufReader(f);
      let joined = '';
      for (let l: string; (l = yield* r.readLine()) !== ''; ) joined += l;
      assert.equal(joined, text);
    } finally {
      f.close();
    }
  });

  test('FramedRead(File, LinesCodec) gives the lines of the file across reads', function* () {
    const f = yield* File.open(path);
    try {
      const lines = new FramedRead(f, new LinesCodec());
      const got: string[] = [];
      for (let l: string | undefined; (l = yield* lines.next()) !== undefined; ) got.push(l);
      assert.deepEqual(got, expected);
    } finally {
      f.close();
    }
  });

  test('FramedRead(File, LinesCodec with maxLength) reports a long line and resumes at the next one', function* () {
    const p = tmp.path('long.txt');
    writeFileSync(p, `short\n${'y'.repeat(100_000)}\nafter\n`);
    const f = yield* File.open(p);
    try {
      const lines = new FramedRead(f, new LinesCodec({ maxLength: 10 }));
      assert.equal(yield* lines.next(), 'short');
      try {
        yield* lines.next();
        assert.fail('expected max-line-length-exceeded');
      } catch (e) {
        assert.ok(e instanceof CodecError);
        assert.equal(e.kind, 'max-line-length-exceeded');
      }
      assert.equal(yield* lines.next(), undefined); // the end of that frame stream, as tokio-util
      assert.equal(yield* lines.next(), 'after');
      assert.equal(yield* lines.next(), undefined);
    } finally {
      f.close();
    }
  });
});

describe('BufReader line reads', () => {
  test('lines() of ASCII text mixed with readLine, readUntil and a non-ASCII part give the right lines', function* () {
    const ascii = Array.from(
      { length: 3000 },
      (_, i) => `${i} a\rb${i % 3 === 0 ? '\r\n' : '\n'}`,
    ).join('');
    const p = tmp.path('ascii.txt');
    writeFileSync(p, `${ascii}é first non-ASCII\n${ascii}end`);
    const want = `${ascii}é first non-ASCII\n${ascii}end`
      .split('\n')
      .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
    const f = yield* File.open(p);
    try {
      const r = new BufReader(f, 8192);
      const lines = r.lines();
      const got: string[] = [];
      for (let k = 0; ; k++) {
        if (k % 100 === 1) {
          const raw = yield* r.readLine();
          if (raw === '') break;
          got.push(raw.replace(/\r?\n$/, ''));
        } else if (k % 100 === 2) {
          const raw = new TextDecoder().decode(yield* r.readUntil(10));
          if (raw === '') break;
          got.push(raw.replace(/\r?\n$/, ''));
        } else {
          const l = yield* lines.nextLine();
          if (l === undefined) break;
          got.push(l);
        }
      }
      assert.deepEqual(got, want);
    } finally {
      f.close();
    }
  });

  test('readUntil returns bytes the caller owns: later reads into the buffer do not change them', function* () {
    const [a, b] = duplex(64);
    yield* a.writeAll(enc('ab;cd;ef;'));
    a.close();
    const r = new BufReader(b, 4);
    const first = yield* r.readUntil(59);
    assert.equal(yield* r.readLine(), 'cd;ef;');
    assert.deepEqual(first, enc('ab;'));
  });

  test('a line longer than the buffer is returned whole', function* () {
    const [a, b] = duplex(1024);
    const long = 'z'.repeat(300);
    yield* a.writeAll(enc(`${long}\r\nshort\n`));
    a.close();
    const lines = new BufReader(b, 4).lines();
    assert.equal(yield* lines.nextLine(), long);
    assert.equal(yield* lines.nextLine(), 'short');
    assert.equal(yield* lines.nextLine(), undefined);
  });

  test('a newline left in the buffer by earlier reads is not taken for the end of a new line', function* () {
    const [a, b] = duplex(64);
    const lines = new BufReader(b, 16).lines();
    yield* a.writeAll(enc('0123456789abcd\n'));
    assert.equal(yield* lines.nextLine(), '0123456789abcd');
    yield* a.writeAll(enc('x'));
    const early = yield* select({ line: lines.nextLine(), now: yieldNow() });
    assert.equal(early.key, 'now');
    yield* a.writeAll(enc('yz\n'));
    assert.equal(yield* lines.nextLine(), 'xyz');
  });

  test('invalid UTF-8 in a line of lines() is an invalid-data IoError; the next line still reads', function* () {
    const [a, b] = duplex(64);
    yield* a.writeAll(new Uint8Array([0x6f, 0x6b, 10, 0xc3, 0x28, 10, 0x6f, 0x6b, 10]));
    a.close();
    const lines = new BufReader(b).lines();
    assert.equal(yield* lines.nextLine(), 'ok');
    try {
      yield* lines.nextLine();
      assert.fail('expected invalid-data');
    } catch (e) {
      assert.ok(e instanceof IoError);
      assert.equal(e.kind, 'invalid-data');
    }
    assert.equal(yield* lines.nextLine(), 'ok');
    assert.equal(yield* lines.nextLine(), undefined);
  });
  test('cancel safety: a nextLine() cancelled while it waits for bytes loses nothing; one made and never driven takes no line', function* () {
    const [a, b] = duplex(4096);
    // ASCII runs long enough for the decoded fast path, then a line cut in two
    const head = Array.from({ length: 300 }, (_, i) => `line ${i}`).join('\n');
    yield* a.writeAll(enc(`${head}\npart`));
    const lines = new BufReader(b).lines();
    for (let i = 0; i < 150; i++) assert.equal(yield* lines.nextLine(), `line ${i}`);
    lines.nextLine(); // made, dropped: consumes nothing
    for (let i = 150; i < 300; i++) assert.equal(yield* lines.nextLine(), `line ${i}`);
    // "part" has no newline yet: nextLine waits, and the select cancels it
    const r = yield* select({ line: lines.nextLine(), other: yieldNow() });
    assert.equal(r.key, 'other');
    yield* a.writeAll(enc('ial\nnext\n'));
    a.close();
    assert.equal(yield* lines.nextLine(), 'partial');
    assert.equal(yield* lines.nextLine(), 'next');
    assert.equal(yield* lines.nextLine(), undefined);
  });
});
