import { context, propagation, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { startNats } from '@switchyard/harness';
import type { NatsServer } from '@switchyard/harness';
import {
  connectBus,
  consume,
  ensureConsumer,
  ensureStream,
  headersWithTrace,
  publish,
  publishDurable,
  request,
  serve,
  subscribe,
  traceContextFromHeaders,
} from '@switchyard/bus';
import type { Bus, ConsumerHandle, ServeHandle, SubscriptionHandle } from '@switchyard/bus';
import { z } from 'zod';
import { waitFor } from './wait-for.js';

const Anything = z.object({ n: z.number() });

let server: NatsServer;
let bus: Bus;
let provider: NodeTracerProvider;
const tracer = () => trace.getTracer('bus-test');

beforeAll(async () => {
  // Registers the W3C propagator and an AsyncLocalStorage context manager, as the services'
  // telemetry set-up does.
  provider = new NodeTracerProvider();
  provider.register();
  server = await startNats();
  bus = await connectBus({ servers: server.url, name: 'trace-test' });
});

afterAll(async () => {
  await bus.close();
  await server.stop();
  await provider.shutdown();
});

function activeTraceId(): string | undefined {
  return trace.getSpanContext(context.active())?.traceId;
}

describe('trace propagation', () => {
  it('runs the responder inside the trace of the requester', async () => {
    const seen: Array<{ active?: string; fromCtx?: string }> = [];
    const handle: ServeHandle = serve(bus.nc, 'test.trace.rpc', {
      requestSchema: Anything,
      handler: async (_req, ctx) => {
        seen.push({
          active: activeTraceId(),
          fromCtx: trace.getSpanContext(ctx.traceContext)?.traceId,
        });
        return { ok: 1 };
      },
    });
    await bus.nc.flush();
    const traceId = await tracer().startActiveSpan('client', async (span) => {
      await request(bus.nc, 'test.trace.rpc', { n: 1 }, { timeoutMs: 5_000 });
      span.end();
      return span.spanContext().traceId;
    });
    expect(seen).toEqual([{ active: traceId, fromCtx: traceId }]);
    handle.stop();
  });

  it('gives an untraced request no trace and no header block', async () => {
    let hadHeaders: boolean | undefined;
    let active: string | undefined = 'unset';
    const handle = serve(bus.nc, 'test.trace.none', {
      requestSchema: Anything,
      handler: async (_req, ctx) => {
        hadHeaders = ctx.headers !== undefined;
        active = activeTraceId();
        return null;
      },
    });
    await bus.nc.flush();
    expect(await request(bus.nc, 'test.trace.none', { n: 1 }, { timeoutMs: 5_000 })).toBeNull();
    expect(hadHeaders).toBe(false);
    expect(active).toBeUndefined();
    handle.stop();
  });

  it('carries the trace through a fan-out event and a JetStream message', async () => {
    const eventTraces: Array<string | undefined> = [];
    const sub: SubscriptionHandle = subscribe(bus.nc, 'test.trace.event', {
      schema: Anything,
      handler: () => void eventTraces.push(activeTraceId()),
    });
    const jsm = await bus.jsm();
    await ensureStream(jsm, { name: 'TRACE', subjects: ['test.trace.js'] });
    await ensureConsumer(jsm, 'TRACE', { durableName: 'd' });
    const jsTraces: Array<{ active?: string; meta?: string }> = [];
    const consumer: ConsumerHandle = await consume(bus.js(), 'TRACE', 'd', {
      schema: Anything,
      handler: async (_v, meta) => {
        jsTraces.push({
          active: activeTraceId(),
          meta: trace.getSpanContext(meta.traceContext)?.traceId,
        });
      },
    });
    await bus.nc.flush();

    const traceId = await tracer().startActiveSpan('producer', async (span) => {
      publish(bus.nc, 'test.trace.event', { n: 1 });
      await publishDurable(bus.js(), 'test.trace.js', { n: 2 }, { msgId: 'm1' });
      span.end();
      return span.spanContext().traceId;
    });
    await waitFor('both deliveries', () => eventTraces.length === 1 && jsTraces.length === 1);
    expect(eventTraces).toEqual([traceId]);
    expect(jsTraces).toEqual([{ active: traceId, meta: traceId }]);
    sub.stop();
    await consumer.stop();
  });

  it('round-trips the active context through headersWithTrace / traceContextFromHeaders', () => {
    const span = tracer().startSpan('local');
    const h = context.with(trace.setSpan(context.active(), span), () =>
      headersWithTrace({ 'x-tenant': 't1' }),
    );
    span.end();
    expect(h.get('x-tenant')).toBe('t1');
    expect(h.get('traceparent')).toContain(span.spanContext().traceId);
    expect(trace.getSpanContext(traceContextFromHeaders(h))?.spanId).toBe(
      span.spanContext().spanId,
    );
    expect(propagation.fields()).toContain('traceparent');
  });
});
