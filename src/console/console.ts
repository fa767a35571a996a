/**
 * The console: instruments a runtime, serves the web UI and `GET
 * /api/snapshot` on loopback, and records snapshots to a file.
 *
 * How and why: the UI server is a plain node:http server, never a task of the
 * runtime it observes, so a stuck runtime can still be inspected (DESIGN
 * §7a). The recorder keeps a ring of snapshots bounded in bytes and rewrites
 * the file from it, so the file never exceeds its cap and always holds the
 * newest stretch of the run.
 */
import { writeFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setInstrument } from '../runtime/instrument.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Scheduler } from '../runtime/scheduler.js';
import { Collector, type WarningThresholds } from './collector.js';
import { buildSnapshot, Resources, type Snapshot } from './snapshot.js';
import { UI_HTML } from './ui.js';

/** Options of {@link startConsole} (and `Builder.console()`). */
export interface ConsoleOptions {
  /** Address the UI listens on (default 127.0.0.1). */
  host?: string;
  /** Port (default 6669; 0 picks a free one). */
  port?: number;
  /** Record snapshots to `path`, keeping the file under `maxBytes` (default 16 MiB). */
  record?: { path: string; maxBytes?: number; intervalMs?: number };
  /** Warning thresholds (long poll 10 ms, self-wake run 1000, lock held 1000 ms, never yielded 1000 ms). */
  thresholds?: Partial<WarningThresholds>;
  /** Serve the UI (default true); false only instruments and records. */
  serve?: boolean;
}

/** A running console. */
export interface ConsoleHandle {
  /** Where the UI is (`http://host:port/`), once listening; undefined when not serving. */
  readonly url: string | undefined;
  /** Resolves when the UI server listens. */
  readonly ready: Promise<void>;
  /** The current snapshot (what `/api/snapshot` returns). */
  snapshot(): Snapshot;
  /** Stops instrumenting, writes the recording, closes the server. */
  close(): Promise<void>;
}

let active: ConsoleImpl | null = null;

/** The console running in this process, if any (started by any of the three ways). */
export function activeConsole(): ConsoleHandle | undefined {
  return active ?? undefined;
}

/**
 * Starts the console for `rt`: instrumentation on, the web UI on
 * `http://127.0.0.1:6669/` (or `opts.host`/`opts.port`), a recording if asked.
 * One console per process at a time; the instrumentation costs nothing
 * until a console starts.
 *
 * @example
 * ```ts
 * import { Runtime, sleep, spawn } from 'tokio-ts';
 * import { startConsole } from 'tokio-ts/console';
 *
 * const rt = Runtime.builder().build();
 * const consoleUi = startConsole(rt, { port: 0 });
 * await consoleUi.ready;
 * await rt.blockOn(function* () {
 *   yield* spawn(function* () { yield* sleep(5); }, { name: 'worker' });
 * });
 * const snap = consoleUi.snapshot();
 * console.log(snap.tasks.some((t) => t.name === 'worker')); // true
 * await consoleUi.close();
 * await rt.shutdown();
 * ```
 */
export function startConsole(rt: Runtime, opts: ConsoleOptions = {}): ConsoleHandle {
  if (active !== null) throw new Error('tokio-ts: a console is already running in this process');
  active = new ConsoleImpl(rt.sched, opts);
  return active;
}

class ConsoleImpl implements ConsoleHandle {
  readonly collector: Collector;
  readonly resources = new Resources();
  readonly ready: Promise<void>;
  url: string | undefined = undefined;
  #server: Server | null = null;
  #recordTimer: NodeJS.Timeout | null = null;
  #flushTimer: NodeJS.Timeout | null = null;
  /** Recorded snapshots (JSON lines); the live ones start at `#head`. */
  #frames: string[] = [];
  #head = 0;
  #frameBytes = 0;
  #record: { path: string; maxBytes: number } | null = null;
  #closed = false;
  /** When the last recording frame was taken (tasks that ended before it are not recorded again). */
  #lastFrameAt = 0;

  constructor(sched: Scheduler, opts: ConsoleOptions) {
    const c = new Collector(sched, this.resources, opts.thresholds);
    this.collector = c;
    // the collector itself: one call per event, no forwarding closure
    setInstrument(c);
    if (opts.record !== undefined) {
      this.#record = { path: opts.record.path, maxBytes: opts.record.maxBytes ?? 16 * 1024 * 1024 };
      this.#recordTimer = setInterval(() => this.#recordFrame(), opts.record.intervalMs ?? 500);
      this.#recordTimer.unref();
      this.#flushTimer = setInterval(() => this.#flush(), 5000);
      this.#flushTimer.unref();
      process.once('exit', this.#onExit);
    }
    if (opts.serve === false) {
      this.ready = Promise.resolve();
      return;
    }
    // node:http is loaded here, not imported by the module: every runtime (and
    // each worker thread's) imports this module, and node:http is ~20 ms of
    // CPU to load in a fresh thread on Node 22+ (issue 21, cold start)
    this.ready = import('node:http').then(
      ({ createServer }) =>
        new Promise<void>((resolve, reject) => {
          if (this.#closed) return resolve();
          const server = createServer((req, res) => this.#handle(req, res));
          // neither the server nor a browser's open connection keeps the program
          // alive (a program that ends, or deadlocks, exits as it would without)
          server.unref();
          server.on('connection', unrefSocket);
          this.#server = server;
          server.once('error', reject);
          server.listen(opts.port ?? 6669, opts.host ?? '127.0.0.1', () => {
            const a = server.address() as AddressInfo;
            const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
            this.url = `http://${host}:${a.port}/`;
            resolve();
          });
        }),
    );
  }

  snapshot(): Snapshot {
    return buildSnapshot(this.collector, this.resources);
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(UI_HTML);
    } else if (path === '/api/snapshot') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(this.snapshot()));
    } else if (path === '/api/frames') {
      // live, not a recording: the UI polls /api/snapshot instead of scrubbing frames
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"count":0}');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  }

  #recordFrame(): void {
    const since = this.#lastFrameAt;
    this.#lastFrameAt = performance.now();
    const line = `${JSON.stringify(buildSnapshot(this.collector, this.resources, { since }))}\n`;
    const rec = this.#record!;
    if (line.length > rec.maxBytes) return;
    this.#frames.push(line);
    this.#frameBytes += Buffer.byteLength(line);
    while (this.#frameBytes > rec.maxBytes)
      this.#frameBytes -= Buffer.byteLength(this.#frames[this.#head++]!);
    if (this.#head > 64 && this.#head * 2 > this.#frames.length) {
      // drop the dropped frames in one go, not one shift() each
      this.#frames = this.#frames.slice(this.#head);
      this.#head = 0;
    }
  }

  /** The process is exiting (main returned, Ctrl-C): keep the last stretch of the run. */
  readonly #onExit = (): void => {
    this.#recordFrame();
    this.#flush();
  };

  #flush(): void {
    if (this.#record === null) return;
    writeFileSync(this.#record.path, this.#frames.slice(this.#head).join(''));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    setInstrument(null);
    this.collector.close();
    if (this.#recordTimer !== null) {
      process.off('exit', this.#onExit);
      clearInterval(this.#recordTimer);
      clearInterval(this.#flushTimer!);
      this.#recordFrame();
      this.#flush();
    }
    active = null;
    // a server still being created sees #closed and does not listen
    await this.ready.catch(noop);
    const server = this.#server;
    if (server !== null) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}

function noop(): void {}

function unrefSocket(s: Socket): void {
  s.unref();
}
