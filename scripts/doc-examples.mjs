#!/usr/bin/env node
// Extracts every ```ts block from the TSDoc comments under src/ into .doc-examples/,
// one file per example, and compiles them (tsconfig: .doc-examples/tsconfig.json).
// test/docs/doc-examples.test.ts then runs each one: a doc that cannot run fails the tests.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const OUT = '.doc-examples';

/** The files under `dir` whose name `keep` accepts. */
function walk(dir, keep, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, keep, out);
    else if (keep(name)) out.push(p);
  }
  return out;
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(join(OUT, 'src'), { recursive: true });
const manifest = [];
for (const file of walk('src', (n) => n.endsWith('.ts') && !n.endsWith('.d.ts')).sort()) {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  let inBlock = false;
  let start = 0;
  let body = [];
  let n = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/^\s*\* ?/, '');
    if (!inBlock && /^```ts\s*$/.test(line) && /^\s*\*/.test(lines[i])) {
      inBlock = true;
      start = i + 1;
      body = [];
    } else if (inBlock && /^```\s*$/.test(line)) {
      inBlock = false;
      n++;
      const name = `${relative('src', file).replace(/[/\\.]/g, '_')}_${n}`;
      const src = `// extracted from ${file}:${start}\n${body.join('\n')}\nexport {};\n`;
      writeFileSync(join(OUT, 'src', `${name}.ts`), src);
      manifest.push({ name, file, line: start });
    } else if (inBlock) {
      body.push(line);
    }
  }
}
// Markdown (README.md, AGENTS.md, everything under docs/): every ```ts fence is compiled and run.
// `<!-- compile-only -->` on the line before keeps a block from running; `<!-- not-run -->`
// marks a sketch that is neither compiled nor run (say why in the text around it).
const markdown = ['README.md', 'AGENTS.md', ...walk('docs', (n) => n.endsWith('.md')).sort()];
for (const file of markdown) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const prefix = file.replace(/\.md$/, '').replace(/[/\\.-]/g, '_');
  let n = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!/^```ts\s*$/.test(lines[i])) continue;
    const marker = i > 0 ? lines[i - 1].trim() : '';
    const body = [];
    let j = i + 1;
    while (j < lines.length && !/^```\s*$/.test(lines[j])) body.push(lines[j++]);
    i = j;
    if (marker === '<!-- not-run -->') continue;
    n++;
    const name = `${prefix}_${n}`;
    writeFileSync(
      join(OUT, 'src', `${name}.ts`),
      `// extracted from ${file}:${i - body.length + 1}\n${body.join('\n')}\nexport {};\n`,
    );
    manifest.push({
      name,
      file,
      line: i - body.length + 1,
      run: marker !== '<!-- compile-only -->',
    });
  }
}
writeFileSync(join(OUT, 'manifest.json'), JSON.stringify(manifest, null, 2));
writeFileSync(
  join(OUT, 'tsconfig.json'),
  JSON.stringify(
    {
      extends: '../tsconfig.json',
      compilerOptions: {
        rootDir: 'src',
        outDir: 'dist',
        incremental: false,
        declaration: false,
        sourceMap: false,
        noUnusedLocals: false,
      },
      include: ['src/**/*.ts'],
      exclude: [],
    },
    null,
    2,
  ),
);
const r = spawnSync(
  process.execPath,
  ['node_modules/typescript/bin/tsc', '-p', join(OUT, 'tsconfig.json')],
  {
    stdio: 'inherit',
  },
);
if (r.status !== 0) {
  console.error('doc examples failed to compile (see above)');
  process.exit(1);
}
console.log(`doc examples: ${manifest.length} extracted and compiled`);
