// The README and docs/internals.md name only files that exist, and what they
// point npm users at is in the package.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const docs = ['README.md', 'docs/internals.md'];

/** Repository paths a document names: `src/…`, `examples/…` in backticks or link targets. */
function namedPaths(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/[`(]((?:src|test|examples|docs|scripts|bench)\/[\w./-]*)[`)]/g))
    out.add(m[1]!);
  return [...out];
}

describe('the docs tell the truth', () => {
  for (const doc of docs) {
    it(`${doc} names only files that exist in the repository`, () => {
      const text = readFileSync(join(root, doc), 'utf8');
      const paths = namedPaths(text);
      assert.ok(paths.length > 0);
      assert.deepEqual(
        paths.filter((p) => !existsSync(join(root, p))),
        [],
      );
      // the project's private design notes are not in the repository
      assert.doesNotMatch(text, /DESIGN\.md|STYLE\.md|design notes/);
    });
  }

  it('the package ships the examples and docs the README points at', () => {
    const out = execFileSync(
      process.platform === 'win32' ? 'npm.cmd' : 'npm',
      ['pack', '--dry-run', '--json'],
      {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    const files = new Set((JSON.parse(out)[0].files as { path: string }[]).map((f) => f.path));
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const named = namedPaths(readme).filter((p) => /^(examples|docs)\/.*\.(ts|md)$/.test(p));
    assert.ok(named.includes('examples/shutdown.ts'));
    assert.deepEqual(
      named.filter((p) => !files.has(p)),
      [],
    );
  });
});
