// A JSON HTTP API over a database-like shared state: a table of items behind a
// Mutex (every query takes the lock, as a connection to a one-writer database
// would), served by tokio-ts/http. A slow query is cancelled by the request
// timeout and its lock released; Ctrl-C (SIGINT) or SIGTERM stops accepting,
// lets the requests in flight finish, and exits 0.
//
//   npm run build && node dist/examples/http-api.js --port 8080
//   curl -s localhost:8080/items -d '{"name":"milk"}'       # 201 {"id":1,...}
//   curl -s localhost:8080/items                             # [{"id":1,...}]
//   curl -s -X PATCH localhost:8080/items/1 -d '{"done":true}'
//   curl -s -X DELETE localhost:8080/items/1                 # 204
//   curl -s 'localhost:8080/report?ms=200'                   # a slow query
import { fileURLToPath } from 'node:url';
import { type Future, main, select } from 'tokio-ts';
import { type Handler, type HttpServer, Response, readJson, serve } from 'tokio-ts/http';
import { SignalKind, signal } from 'tokio-ts/signal';
import { Mutex } from 'tokio-ts/sync';
import { sleep } from 'tokio-ts/time';
import { numArg } from './args.js';

/** One row of the table. */
export interface Item {
  id: number;
  name: string;
  done: boolean;
}

interface Table {
  nextId: number;
  rows: Map<number, Item>;
}

/** The "database": one table behind a Mutex. */
export class Db {
  readonly #table = new Mutex<Table>({ nextId: 1, rows: new Map() });

  *list(): Future<Item[]> {
    using g = yield* this.#table.lock();
    return [...g.value.rows.values()];
  }

  *get(id: number): Future<Item | undefined> {
    using g = yield* this.#table.lock();
    return g.value.rows.get(id);
  }

  *insert(name: string): Future<Item> {
    using g = yield* this.#table.lock();
    const item = { id: g.value.nextId++, name, done: false };
    g.value.rows.set(item.id, item);
    return item;
  }

  *update(id: number, patch: Partial<Omit<Item, 'id'>>): Future<Item | undefined> {
    using g = yield* this.#table.lock();
    const item = g.value.rows.get(id);
    if (item === undefined) return undefined;
    if (patch.name !== undefined) item.name = patch.name;
    if (patch.done !== undefined) item.done = patch.done;
    return item;
  }

  *remove(id: number): Future<boolean> {
    using g = yield* this.#table.lock();
    return g.value.rows.delete(id);
  }

  /** A slow query: holds the table for `ms` (released at once if cancelled). */
  *report(ms: number): Future<{ items: number; done: number }> {
    using g = yield* this.#table.lock();
    yield* sleep(ms);
    const rows = [...g.value.rows.values()];
    return { items: rows.length, done: rows.filter((r) => r.done).length };
  }
}

/** A client error: becomes a 4xx JSON answer. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function* body(req: Request): Future<Record<string, unknown>> {
  let v: unknown;
  try {
    v = yield* readJson(req);
  } catch {
    throw new HttpError(400, 'the body is not JSON');
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new HttpError(400, 'expected a JSON object');
  return v as Record<string, unknown>;
}

function idOf(s: string): number {
  const id = Number(s);
  if (!Number.isInteger(id) || id < 1) throw new HttpError(400, `bad id '${s}'`);
  return id;
}

/** The API's routes over `db`. */
export function app(db: Db): Handler {
  return function* (req) {
    try {
      return yield* route(db, req);
    } catch (e) {
      if (e instanceof HttpError) return Response.json({ error: e.message }, { status: e.status });
      throw e; // a 500, logged by the server
    }
  };
}

function* route(db: Db, req: Request): Future<Response> {
  const url = new URL(req.url);
  const parts = url.pathname.split('/').filter((p) => p !== '');
  const m = req.method;
  if (parts[0] === 'items' && parts.length === 1) {
    if (m === 'GET') return Response.json(yield* db.list());
    if (m === 'POST') {
      const { name } = yield* body(req);
      if (typeof name !== 'string' || name === '')
        throw new HttpError(400, 'name: expected a non-empty string');
      return Response.json(yield* db.insert(name), { status: 201 });
    }
  } else if (parts[0] === 'items' && parts.length === 2) {
    const id = idOf(parts[1]!);
    let item: Item | undefined;
    if (m === 'GET') item = yield* db.get(id);
    else if (m === 'PATCH') {
      const { name, done } = yield* body(req);
      if (name !== undefined && typeof name !== 'string')
        throw new HttpError(400, 'name: expected a string');
      if (done !== undefined && typeof done !== 'boolean')
        throw new HttpError(400, 'done: expected a boolean');
      item = yield* db.update(id, { name, done } as Partial<Item>);
    } else if (m === 'DELETE') {
      if (yield* db.remove(id)) return new Response(null, { status: 204 });
    } else return Response.json({ error: 'method not allowed' }, { status: 405 });
    if (item === undefined) throw new HttpError(404, `no item ${id}`);
    return Response.json(item);
  } else if (parts[0] === 'report' && parts.length === 1 && m === 'GET') {
    const ms = Number(url.searchParams.get('ms') ?? '0');
    if (!Number.isFinite(ms) || ms < 0) throw new HttpError(400, 'ms: expected a number >= 0');
    console.log(`report: a slow query (${ms} ms)`);
    return Response.json(yield* db.report(ms));
  } else {
    throw new HttpError(404, `no route ${m} ${url.pathname}`);
  }
  return Response.json({ error: 'method not allowed' }, { status: 405 });
}

/** Options of {@link start}. */
export interface ApiOptions {
  port: number;
  host?: string;
  /** Milliseconds a request may take (default 5000); past it: 408 and the query is cancelled. */
  requestTimeout?: number;
}

/** Starts the API over a fresh database. */
export function* start(opts: ApiOptions): Future<HttpServer> {
  return yield* serve(
    {
      port: opts.port,
      host: opts.host ?? '127.0.0.1',
      requestTimeout: opts.requestTimeout ?? 5000,
    },
    app(new Db()),
  );
}

/** Runs the API until SIGINT or SIGTERM, then shuts down gracefully. */
export function* run(opts: ApiOptions): Future<void> {
  using interrupt = signal(SignalKind.interrupt());
  using terminate = signal(SignalKind.terminate());
  const server = yield* start(opts);
  console.log(`listening on ${server.addr}`);
  const r = yield* select({ int: interrupt.recv(), term: terminate.recv() });
  console.log(
    `${r.key === 'int' ? 'SIGINT' : 'SIGTERM'}: shutting down, ${server.inFlight} request(s) in flight`,
  );
  yield* server.shutdown(10_000);
  console.log('bye');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(
    run({
      port: numArg(process.argv, '--port', 8080),
      requestTimeout: numArg(process.argv, '--request-timeout', 5000),
    }),
  );
}
