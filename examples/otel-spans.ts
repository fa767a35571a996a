// Tasks as OpenTelemetry spans, with parents: subscribe to tokio-ts's
// `diagnostics_channel` tracing channel `tokio-ts:task`, start a span when a
// task starts (as a child of its parent task's span) and end it when the task
// ends. `@opentelemetry/api` is an optional peer of tokio-ts: install it (and
// an SDK, e.g. @opentelemetry/sdk-trace-node) to export the spans; this
// example registers a tiny in-memory provider so it runs on its own.
//   npm run build && node dist/examples/otel-spans.js
import { tracingChannel } from 'node:diagnostics_channel';
import { fileURLToPath } from 'node:url';
import {
  type Context,
  context,
  type Span,
  type SpanOptions,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { Runtime, sleep, spawn } from 'tokio-ts';
import { startConsole, type TaskEvent } from 'tokio-ts/console';

/** Subscribes to tokio-ts's task channel; returns the function that unsubscribes. */
export function tasksAsSpans(tracer: Tracer): () => void {
  const spans = new Map<number, Span>();
  const handlers = {
    start(m: unknown) {
      const e = m as TaskEvent;
      const parent = e.parent !== null ? spans.get(e.parent) : undefined;
      const ctx = parent !== undefined ? trace.setSpan(context.active(), parent) : context.active();
      const attributes: Record<string, string | number> = { 'tokio.task.id': e.id };
      if (e.location !== undefined) attributes['code.location'] = e.location;
      spans.set(e.id, tracer.startSpan(e.name ?? `task ${e.id}`, { attributes }, ctx));
    },
    end(m: unknown) {
      const e = m as TaskEvent;
      spans.get(e.id)?.setAttribute('tokio.task.polls', e.polls);
      spans.get(e.id)?.end();
      spans.delete(e.id);
    },
    asyncStart() {},
    asyncEnd() {},
    error() {},
  };
  const ch = tracingChannel('tokio-ts:task');
  ch.subscribe(handlers);
  return () => ch.unsubscribe(handlers);
}

/** A recorded span: what an SDK would export. */
export interface Recorded {
  name: string;
  parent: string | undefined;
  polls: number;
}

/** A minimal provider that records ended spans (stands in for an SDK). */
export function memoryProvider(out: Recorded[]): TracerProvider {
  let next = 1;
  const tracer: Tracer = {
    startSpan(name: string, opts?: SpanOptions, ctx?: Context): Span {
      const parentSpan = ctx !== undefined ? trace.getSpan(ctx) : undefined;
      const parent = (parentSpan as { recordedName?: string } | undefined)?.recordedName;
      const spanId = (next++).toString(16).padStart(16, '0');
      let polls = 0;
      const span = {
        recordedName: name,
        spanContext: () => ({ traceId: '1'.repeat(32), spanId, traceFlags: 1 }),
        setAttribute(k: string, v: unknown) {
          if (k === 'tokio.task.polls') polls = v as number;
          return span;
        },
        setAttributes: () => span,
        addEvent: () => span,
        addLink: () => span,
        addLinks: () => span,
        setStatus: () => span,
        updateName: () => span,
        end: () => void out.push({ name, parent, polls }),
        isRecording: () => true,
        recordException: () => {},
      };
      void opts;
      return span as unknown as Span;
    },
    startActiveSpan: (() => {
      throw new Error('not used here');
    }) as Tracer['startActiveSpan'],
  };
  return { getTracer: () => tracer };
}

/** Runs a small task tree with the spans recorded; returns them in the order they ended. */
export async function run(): Promise<Recorded[]> {
  const out: Recorded[] = [];
  const tracer = memoryProvider(out).getTracer('tokio-ts');
  const rt = Runtime.builder().build();
  // the tracing channels publish while the console's instrumentation is on
  const instrumentation = startConsole(rt, { serve: false });
  const stop = tasksAsSpans(tracer);
  try {
    await rt.spawn(
      function* () {
        const child = spawn(
          function* () {
            yield* sleep(5);
          },
          { name: 'fetch user' },
        );
        yield* sleep(1);
        yield* child;
      },
      { name: 'handle request' },
    );
  } finally {
    stop();
    await instrumentation.close();
    await rt.shutdown();
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const s of await run()) {
    console.log(`span '${s.name}'${s.parent !== undefined ? ` (child of '${s.parent}')` : ''}`);
  }
}
