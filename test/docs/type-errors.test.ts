// Compiles test/type-errors (code with a newcomer's mistakes) and checks that
// each marked line fails with the message its marker gives.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = join(root, 'test', 'type-errors');
const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');

interface Expectation {
  file: string;
  line: number;
  kind: 'first line' | 'says';
  text: string;
}

const expectations: Expectation[] = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
  readFileSync(join(dir, file), 'utf8')
    .split('\n')
    .forEach((l, i) => {
      const m = /\/\/ (first line|says): (.*)$/.exec(l);
      // a marker alone on its line is about the next line
      const line = l.trimStart().startsWith('//') ? i + 2 : i + 1;
      if (m) expectations.push({ file, line, kind: m[1] as Expectation['kind'], text: m[2]! });
    });
}

/** tsc's errors, by "file:line" (the error's lines; several errors on one line are joined). */
function compile(): Map<string, string[][]> {
  const r = spawnSync(process.execPath, [tsc, '-p', dir, '--pretty', 'false'], {
    encoding: 'utf8',
    cwd: root,
  });
  const errors = new Map<string, string[][]>();
  let current: string[] | null = null;
  for (const l of r.stdout.split('\n')) {
    const m = /^test\/type-errors\/([^(]+)\((\d+),\d+\): error TS\d+: (.*)$/.exec(l);
    if (m) {
      current = [m[3]!];
      const key = `${m[1]}:${m[2]}`;
      errors.set(key, [...(errors.get(key) ?? []), current]);
    } else if (current !== null && l.startsWith(' ')) current.push(l.trim());
    else current = null;
  }
  return errors;
}

describe('type errors for common mistakes', () => {
  const errors = compile();
  it('every marked line fails to compile, and no other line does', () => {
    assert.ok(expectations.length >= 3, 'markers found');
    assert.deepEqual(
      [...errors.keys()].sort(),
      expectations.map((e) => `${e.file}:${e.line}`).sort(),
    );
  });
  for (const e of expectations) {
    const what = e.kind === 'first line' ? "the error's first line says" : 'the error says';
    it(`${e.file}:${e.line}: ${what} "${e.text}"`, () => {
      const [error] = errors.get(`${e.file}:${e.line}`) ?? [];
      assert.ok(error, `no error at ${e.file}:${e.line}`);
      if (e.kind === 'first line') assert.ok(error[0]!.includes(e.text), error[0]);
      else
        assert.ok(
          error.some((l) => l.includes(e.text)),
          error.join('\n'),
        );
    });
  }
});
