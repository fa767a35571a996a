// The built site (npm run docs) checked in a real browser: Debian's Chromium,
// driven by playwright-core. Every page loads without a console error or a
// failed request, every internal link of the guide resolves (file and
// #anchor), search finds a symbol and a topic, and screenshots of the home
// page and one chapter are kept in test-artifacts/.
//   npm run docs && npm run docs:check      (CHROMIUM=/path overrides `which chromium`)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';

const SITE = 'site';
const ARTIFACTS = 'test-artifacts';
const TYPES = {
  '.html': 'text/html',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.html')) out.push(relative(SITE, p).split('\\').join('/'));
  }
  return out;
}

let server;
let base;
let browser;

before(async () => {
  assert.ok(existsSync(join(SITE, 'index.html')), 'no site/: run `npm run docs` first');
  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(
      /^\/+/,
      '',
    );
    const file = join(SITE, path === '' ? 'index.html' : path);
    if (!file.startsWith(SITE) || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}/`;
  const executablePath =
    process.env.CHROMIUM ?? execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  browser = await chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  mkdirSync(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** Opens `url` (in `reuse`, or a new page), returning the page and the console errors / failed requests it caused. */
async function open(url, reuse) {
  const page = reuse ?? (await browser.newPage());
  page.removeAllListeners();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`${res.status()} for ${res.url()}`);
  });
  await page.goto(base + url, { waitUntil: 'load' });
  return { page, problems };
}

test('every page of the site loads in Chromium with no console error or failed request', async () => {
  const pages = walk(SITE);
  assert.ok(pages.length > 50, `only ${pages.length} pages`);
  const failures = [];
  const page = await browser.newPage();
  for (const url of pages) {
    const { problems } = await open(url, page);
    for (const p of problems) failures.push(`${url}: ${p}`);
  }
  await page.close();
  assert.deepEqual(failures, []);
});

test('every internal link of the guide resolves to a page and anchor', async () => {
  const guidePages = walk(SITE).filter((u) => !u.startsWith('api/'));
  const broken = [];
  const page = await browser.newPage();
  for (const url of guidePages) {
    await open(url, page);
    const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.href));
    for (const href of hrefs) {
      if (!href.startsWith(base)) continue;
      const u = new URL(href);
      const file = join(SITE, decodeURIComponent(u.pathname).replace(/^\/+/, '') || 'index.html');
      if (!existsSync(file)) {
        broken.push(`${url} -> ${href}`);
        continue;
      }
      if (
        u.hash &&
        !readFileSync(file, 'utf8').includes(`id="${decodeURIComponent(u.hash.slice(1))}"`)
      ) {
        broken.push(`${url} -> ${href} (no such anchor)`);
      }
    }
  }
  await page.close();
  assert.deepEqual(broken, []);
});

test('search finds a symbol (JoinSet) and a topic (graceful shutdown), and a result opens its page', async () => {
  const { page, problems } = await open('index.html');
  await page.fill('#search', 'JoinSet');
  const symbol = page.locator('#search-results a').first();
  assert.match(await symbol.textContent(), /JoinSet/);
  await symbol.click();
  await page.waitForLoadState('load');
  assert.match(await page.title(), /JoinSet/);

  await page.goto(`${base}tutorial/01-setup.html`);
  await page.fill('#search', 'graceful shutdown');
  const topics = await page.locator('#search-results a').allInnerTexts();
  assert.ok(
    topics.some((t) => /graceful shutdown/i.test(t)),
    `results: ${topics.join(' | ')}`,
  );
  await page
    .locator('#search-results a', { hasText: /graceful shutdown/i })
    .first()
    .click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('main h1').textContent(), /Graceful shutdown/);
  await page.close();
  assert.deepEqual(problems, []);
});

test('screenshots of the home page and one chapter are kept as artifacts', async () => {
  for (const [url, name] of [
    ['index.html', 'home.png'],
    ['tutorial/05-channels.html', 'chapter-channels.png'],
  ]) {
    const { page } = await open(url);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: join(ARTIFACTS, name), fullPage: false });
    await page.close();
    assert.ok(statSync(join(ARTIFACTS, name)).size > 10_000, `${name} looks empty`);
  }
});
