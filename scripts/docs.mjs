#!/usr/bin/env node
// Builds the guide and the API reference into site/ (git-ignored), for offline
// use: no CDN, relative links only, so it works from a static server or file://.
//
//   docs/guide/**/*.md   -> site/**/*.html   (marked; nav order = folder order below,
//                                             then file name; title = first "# " line)
//   src/*/index.ts       -> site/api/        (TypeDoc, one module per package subpath)
//   examples/**/*.ts     -> site/examples/   (the guide links to the programs it shows)
//   search               -> site/search-index.js (guide pages, their headings, every
//                                             API symbol), read by site/assets/search.js
//
// Every internal link of the guide is checked after the build (file and #anchor):
// a broken one fails the build. `npm run docs:check` then opens the site in Chromium.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { marked } from 'marked';

const GUIDE = 'docs/guide';
const OUT = 'site';
const SECTIONS = [
  { dir: '', title: 'Start' },
  { dir: 'tutorial', title: 'Tutorial' },
  { dir: 'topics', title: 'Topics' },
  { dir: 'coming-from', title: 'Coming from…' },
];

function walk(dir, pred, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, pred, out);
    else if (pred(name)) out.push(p);
  }
  return out;
}

function slug(text) {
  return text
    .toLowerCase()
    .replace(/<[^>]+>/g, '')
    .replace(/&[a-z]+;/g, '')
    .replace(/[^a-z0-9 -]/g, '')
    .trim()
    .replace(/ +/g, '-');
}

function escapeHtml(s) {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** A 16×16 ICO in the accent colour (browsers ask for /favicon.ico on every site). */
function favicon() {
  const size = 16;
  const pixels = size * size * 4;
  const mask = size * 4; // 1 bit a pixel, rows padded to 32 bits
  const buf = Buffer.alloc(6 + 16 + 40 + pixels + mask);
  buf.writeUInt16LE(1, 2); // type: icon
  buf.writeUInt16LE(1, 4); // one image
  buf.writeUInt8(size, 6);
  buf.writeUInt8(size, 7);
  buf.writeUInt16LE(1, 10); // planes
  buf.writeUInt16LE(32, 12); // bits a pixel
  buf.writeUInt32LE(40 + pixels + mask, 14);
  buf.writeUInt32LE(22, 18); // offset of the bitmap
  buf.writeUInt32LE(40, 22); // BITMAPINFOHEADER
  buf.writeInt32LE(size, 26);
  buf.writeInt32LE(size * 2, 30); // height counts the mask too
  buf.writeUInt16LE(1, 34);
  buf.writeUInt16LE(32, 36);
  for (let i = 0; i < size * size; i++) buf.writeUInt32LE(0xffb3461f, 62 + i * 4); // BGRA
  return buf;
}

// ---- collect the guide's pages, in nav order
const pages = [];
for (const section of SECTIONS) {
  const dir = join(GUIDE, section.dir);
  const files =
    section.dir === ''
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.md'))
          .sort()
      : null;
  const list = files ? files.map((f) => join(dir, f)) : walk(dir, (n) => n.endsWith('.md'));
  // index.md first in the start section
  list.sort((a, b) =>
    a.endsWith('index.md') ? -1 : b.endsWith('index.md') ? 1 : a.localeCompare(b),
  );
  for (const file of list) {
    const md = readFileSync(file, 'utf8');
    const title = /^# (.+)$/m.exec(md)?.[1] ?? file;
    const rel = relative(GUIDE, file).replace(/\.md$/, '.html').split('\\').join('/');
    pages.push({ file, md, title, url: rel, section: section.title });
  }
}
if (pages.length === 0) {
  console.error(`no guide pages under ${GUIDE}`);
  process.exit(1);
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(join(OUT, 'assets'), { recursive: true });
cpSync('scripts/docs/assets', join(OUT, 'assets'), { recursive: true });
writeFileSync(join(OUT, 'favicon.ico'), favicon());

// ---- examples: each program as a page (the guide links to them)
const examples = walk('examples', (n) => n.endsWith('.ts')).map((file) => ({
  file,
  url: `examples/${relative('examples', file).split('\\').join('/').replace(/\.ts$/, '.html')}`,
}));

// ---- render
function toRoot(url) {
  const depth = url.split('/').length - 1;
  return depth === 0 ? './' : '../'.repeat(depth);
}

function nav(current) {
  let html = '';
  for (const section of SECTIONS) {
    const inSection = pages.filter((p) => p.section === section.title);
    if (inSection.length === 0) continue;
    html += `<h3>${escapeHtml(section.title)}</h3><ul>`;
    for (const p of inSection) {
      const cls = p.url === current ? ' class="current"' : '';
      html += `<li><a${cls} href="${toRoot(current)}${p.url}">${escapeHtml(p.title.replace(/`/g, ''))}</a></li>`;
    }
    html += '</ul>';
  }
  html += `<h3>Reference</h3><ul><li><a href="${toRoot(current)}api/index.html">API reference</a></li>`;
  html += `<li><a href="${toRoot(current)}examples/index.html">Example programs</a></li></ul>`;
  return html;
}

function layout(url, title, body) {
  const root = toRoot(url);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title.replace(/`/g, ''))} · tokio-ts</title>
<link rel="stylesheet" href="${root}assets/style.css">
</head><body data-root="${root}">
<header><a class="brand" href="${root}index.html">tokio-ts</a>
<div class="search"><input id="search" type="search" placeholder="Search the guide and the API" autocomplete="off" aria-label="Search">
<ol id="search-results" hidden></ol></div></header>
<div class="page"><nav>${nav(url)}</nav><main>${body}</main></div>
<script src="${root}search-index.js"></script>
<script src="${root}assets/search.js"></script>
</body></html>
`;
}

function rewriteLinks(html, page) {
  // guide links to .md files become .html; links to example programs go to their pages
  return html.replace(/href="([^"#:]+)(#[^"]*)?"/g, (m, target, hash = '') => {
    if (target.endsWith('.md')) return `href="${target.replace(/\.md$/, '.html')}${hash}"`;
    const abs = posix.normalize(posix.join(posix.dirname(page.file.split('\\').join('/')), target));
    if (abs.startsWith('examples/') && abs.endsWith('.ts')) {
      const ex = examples.find((e) => e.file.split('\\').join('/') === abs);
      if (ex) return `href="${toRoot(page.url)}${ex.url}${hash}"`;
    }
    return m;
  });
}

const searchIndex = [];
for (const page of pages) {
  const headings = [];
  const renderer = new marked.Renderer();
  renderer.heading = function ({ tokens, depth }) {
    const text = this.parser.parseInline(tokens);
    const id = slug(text);
    if (depth > 1) headings.push({ text: text.replace(/<[^>]+>/g, ''), id });
    return `<h${depth} id="${id}">${text}</h${depth}>\n`;
  };
  let html = marked.parse(page.md.replace(/^<!-- (compile-only|not-run) -->$/gm, ''), {
    renderer,
    gfm: true,
  });
  html = rewriteLinks(html, page);
  mkdirSync(dirname(join(OUT, page.url)), { recursive: true });
  writeFileSync(join(OUT, page.url), layout(page.url, page.title, html));
  const text = page.md
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/[#*`>|[\]()_-]+/g, ' ')
    .replace(/\s+/g, ' ');
  searchIndex.push({
    t: page.title.replace(/`/g, ''),
    u: page.url,
    s: page.section,
    x: text.slice(0, 4000),
  });
  for (const h of headings)
    searchIndex.push({ t: h.text, u: `${page.url}#${h.id}`, s: page.title.replace(/`/g, '') });
}

for (const ex of examples) {
  const code = readFileSync(ex.file, 'utf8');
  mkdirSync(dirname(join(OUT, ex.url)), { recursive: true });
  const body = `<h1>${escapeHtml(ex.file)}</h1><p>Run it from a clone: <code>npm run build &amp;&amp; node dist/${escapeHtml(ex.file.replace(/\.ts$/, '.js'))}</code>. The tests run every example.</p><pre><code>${escapeHtml(code)}</code></pre>`;
  writeFileSync(join(OUT, ex.url), layout(ex.url, ex.file, body));
  searchIndex.push({ t: ex.file, u: ex.url, s: 'Examples' });
}
{
  const url = 'examples/index.html';
  const items = examples
    .map((e) => `<li><a href="../${e.url}">${escapeHtml(e.file)}</a></li>`)
    .join('');
  writeFileSync(
    join(OUT, url),
    layout(
      url,
      'Example programs',
      `<h1>Example programs</h1><p>Each is run by the tests.</p><ul>${items}</ul>`,
    ),
  );
}

// ---- API reference (TypeDoc), prelude last so each symbol's page sits under its subpath
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const entries = Object.values(pkg.exports)
  .map((e) => e.default.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts'))
  .sort((a, b) => (a === 'src/index.ts' ? 1 : b === 'src/index.ts' ? -1 : 0));
const td = spawnSync(
  process.execPath,
  [
    'node_modules/typedoc/bin/typedoc',
    '--tsconfig',
    'tsconfig.json',
    '--out',
    join(OUT, 'api'),
    '--json',
    join(OUT, 'api.json'),
    '--plugin',
    './scripts/docs/typedoc-plugin.mjs',
    '--excludeInternal',
    '--name',
    'tokio-ts API reference',
    '--readme',
    'none',
    '--router',
    'structure',
    '--options',
    'scripts/docs/typedoc.json',
    '--logLevel',
    'Error',
    ...entries,
  ],
  { stdio: 'inherit' },
);
if (td.status !== 0) {
  console.error('typedoc failed');
  process.exit(1);
}
for (const file of walk(join(OUT, 'api'), (n) => n.endsWith('.html'))) {
  const title = /<title>([^<|]+)/.exec(readFileSync(file, 'utf8'))?.[1]?.trim();
  if (!title) continue;
  const url = relative(OUT, file).split('\\').join('/');
  const where = url.split('/').slice(1, -1).join('/'); // api/tokio-ts/sync/Mutex.html -> tokio-ts/sync
  searchIndex.push({ t: title, u: url, s: where ? `API: ${where}` : 'API' });
}
writeFileSync(
  join(OUT, 'search-index.js'),
  `window.SEARCH_INDEX = ${JSON.stringify(searchIndex)};\n`,
);

// ---- link check of the guide's own pages
const broken = [];
const htmlFiles = walk(OUT, (n) => n.endsWith('.html')).filter(
  (f) => !f.startsWith(join(OUT, 'api')),
);
for (const file of htmlFiles) {
  const html = readFileSync(file, 'utf8');
  for (const [, src] of html.matchAll(/<(?:script|link|img)[^>]+(?:src|href)="([a-z]+:[^"]*)"/g)) {
    broken.push(`${file}: loads ${src} from the network (the site must work offline)`);
  }
  for (const [, href] of html.matchAll(/href="([^"]+)"/g)) {
    if (/^[a-z]+:/.test(href)) continue; // a reference to the web; the site itself loads nothing from it
    const [path, anchor] = href.split('#');
    const target = path === '' ? file : join(dirname(file), path);
    if (!existsSync(target) || statSync(target).isDirectory()) {
      broken.push(`${file}: ${href}`);
      continue;
    }
    if (
      anchor &&
      target.endsWith('.html') &&
      !readFileSync(target, 'utf8').includes(`id="${anchor}"`)
    ) {
      broken.push(`${file}: ${href} (no such anchor)`);
    }
  }
}
if (broken.length > 0) {
  console.error(`broken links:\n  ${broken.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `docs: ${pages.length} guide pages, ${examples.length} examples, API reference, ${searchIndex.length} search entries -> ${OUT}/index.html`,
);
