// examples/hash-lines: the CPU pipeline as its own process, on a small input, in both forms.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BATCH_LINES } from '../../examples/hash-lines.js';
import { runExample } from './process.js';

const example = fileURLToPath(new URL('../../examples/hash-lines.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hash-lines-test-'));
const input = join(dir, 'in.txt');
// more than two batches, a last partial batch, an empty line, \r\n, non-ASCII
const lines = Array.from({ length: 2 * BATCH_LINES + 17 }, (_, i) =>
  i === 5 ? '' : i === 9 ? 'café ☕' : `line ${i}`,
);
writeFileSync(input, `${lines.map((l, i) => (i === 3 ? `${l}\r` : l)).join('\n')}\n`);
const expected = lines
  .map((l) => {
    const once = createHash('sha256').update(l).digest();
    return `${createHash('sha256').update(once).digest('hex')}\n`;
  })
  .join('');

after(() => rmSync(dir, { recursive: true, force: true }));

describe('examples/hash-lines', () => {
  for (const flag of [[], ['--blocking']]) {
    it(`writes SHA-256(SHA-256(line)) of every line in order${flag.length > 0 ? ' with spawnBlocking' : ' with defineTask'}`, async () => {
      const output = join(dir, `out${flag.join('')}.txt`);
      const { code, out } = await runExample(example, [input, output, ...flag]).exited;
      assert.equal(code, 0, out);
      assert.match(out, new RegExp(`^${lines.length} lines hashed in \\d+ ms`));
      assert.equal(readFileSync(output, 'utf8'), expected);
    });
  }
});
