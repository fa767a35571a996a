// A rate-limited web crawler: from a start page it follows the links that stay
// on the same site, with at most 8 requests in flight. Each request has a
// timeout that really aborts it (the connection is closed, the server sees the
// client leave); failures (network errors, timeouts, 5xx) are retried with
// exponential backoff on the runtime clock (tokio-ts/time's `retry`). It
// prints a line per page as it goes, and Ctrl-C stops it at once with a summary.
//
//   npm run build && node dist/examples/crawler.js http://127.0.0.1:8080/ \
//     [--concurrency 8] [--timeout 2000] [--retries 3] [--max-pages 1000]
import { fileURLToPath } from 'node:url';
import { type Future, JoinSet, main, select } from 'tokio-ts';
import { fetch, readText } from 'tokio-ts/http';
import { ctrlC } from 'tokio-ts/signal';
import { Elapsed, Instant, retry, timeout } from 'tokio-ts/time';
import { numArg } from './args.js';

/** Options of {@link crawl}. */
export interface CrawlOptions {
  /** Requests in flight at most (default 8). */
  concurrency?: number;
  /** Milliseconds per attempt, the body included (default 2000). */
  timeout?: number;
  /** Retries after a failed attempt (default 3). */
  retries?: number;
  /** Pages to fetch at most (default 1000). */
  maxPages?: number;
  /** Called after each page. */
  progress?: (p: Page, done: number, seen: number) => void;
}

/** The outcome of one page. */
export interface Page {
  url: string;
  /** The final HTTP status, or the error of the last attempt. */
  status: number | string;
  attempts: number;
  links: number;
  ms: number;
}

/** An attempt that may succeed if tried again: a 5xx answer. */
class ServerError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

const HREF = /href\s*=\s*["']([^"'#]+)/gi;

/** The same-site links of `html`, resolved against `base`. */
export function linksOf(html: string, base: URL): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(HREF)) {
    let u: URL;
    try {
      u = new URL(m[1]!, base);
    } catch {
      continue;
    }
    if (u.origin === base.origin) out.push(u.href);
  }
  return out;
}

/** Fetches one page (with timeout and retries) and returns it with its links. */
function* visit(
  url: string,
  opts: Required<Omit<CrawlOptions, 'progress'>>,
): Future<[Page, string[]]> {
  const t0 = Instant.now();
  let attempts = 0;
  let status: number | string;
  let links: string[] = [];
  try {
    [status, links] = yield* retry(
      function* () {
        attempts++;
        // One timeout around the request and its body: when it fires, the
        // fetch is aborted and the connection closed.
        return yield* timeout(opts.timeout, function* (): Future<[number, string[]]> {
          const res = yield* fetch(url);
          if (res.status >= 500) {
            yield* readText(res);
            throw new ServerError(res.status);
          }
          const type = res.headers.get('content-type') ?? '';
          const html = yield* readText(res);
          return [res.status, type.includes('html') ? linksOf(html, new URL(url)) : []];
        });
      },
      // exponential backoff with jitter, on the runtime clock
      { attempts: opts.retries + 1, initialDelay: 100, factor: 2, maxDelay: 2000, jitter: 'equal' },
    );
  } catch (e) {
    status =
      e instanceof Elapsed
        ? 'timeout'
        : e instanceof ServerError
          ? e.status
          : String((e as Error).cause ?? e);
  }
  return [
    { url, status, attempts, links: links.length, ms: Math.round(Instant.now().durationSince(t0)) },
    links,
  ];
}

/** Crawls the site of `start`; returns every page visited. */
export function* crawl(start: string, opts: CrawlOptions = {}): Future<Page[]> {
  const o = {
    concurrency: opts.concurrency ?? 8,
    timeout: opts.timeout ?? 2000,
    retries: opts.retries ?? 3,
    maxPages: opts.maxPages ?? 1000,
  };
  const first = new URL(start).href;
  const seen = new Set<string>([first]);
  const queue: string[] = [first];
  let head = 0;
  const pages: Page[] = [];
  // Dropping the set (a Ctrl-C cancels this future) aborts what is in flight.
  using inFlight = new JoinSet<[Page, string[]]>();
  for (;;) {
    while (inFlight.size < o.concurrency && head < queue.length)
      inFlight.spawn(visit(queue[head++]!, o));
    const next = yield* inFlight.joinNext();
    if (next === undefined) return pages;
    if (!next.ok) throw next.error;
    const [page, links] = next.value;
    pages.push(page);
    for (const l of links) {
      if (seen.size >= o.maxPages || seen.has(l)) continue;
      seen.add(l);
      queue.push(l);
    }
    opts.progress?.(page, pages.length, seen.size);
  }
}

/** Crawls `start`, printing progress, until done or Ctrl-C. */
export function* run(start: string, opts: CrawlOptions): Future<void> {
  const t0 = Instant.now();
  const pages: Page[] = [];
  const r = yield* select({
    done: crawl(start, {
      ...opts,
      progress: (p, done, seen) => {
        pages.push(p);
        const tries = p.attempts > 1 ? ` after ${p.attempts} attempts` : '';
        console.log(`[${done}/${seen}] ${p.status} ${p.url} (${p.ms} ms${tries})`);
      },
    }),
    interrupted: ctrlC(),
  });
  const failed = pages.filter((p) => p.status !== 200).length;
  const secs = (Instant.now().durationSince(t0) / 1000).toFixed(1);
  if (r.key === 'interrupted')
    console.log(`interrupted: ${pages.length} pages crawled, ${failed} failed, ${secs} s`);
  else console.log(`crawled ${pages.length} pages, ${failed} failed, ${secs} s`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const start = process.argv[2];
  if (start === undefined || start.startsWith('--')) {
    console.error(
      'usage: crawler URL [--concurrency 8] [--timeout 2000] [--retries 3] [--max-pages 1000]',
    );
    process.exit(2);
  }
  main(
    run(start, {
      concurrency: Math.max(1, numArg(process.argv, '--concurrency', 8)),
      timeout: numArg(process.argv, '--timeout', 2000),
      retries: numArg(process.argv, '--retries', 3),
      maxPages: numArg(process.argv, '--max-pages', 1000),
    }),
  );
}
