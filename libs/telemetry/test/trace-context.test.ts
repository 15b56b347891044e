import type { Tracing } from '@switchyard/telemetry';
import {
  context,
  extractTraceContext,
  injectTraceContext,
  setupTracing,
  trace,
} from '@switchyard/telemetry';

describe('trace context propagation', () => {
  let tracing: Tracing;
  beforeEach(() => {
    tracing = setupTracing({ serviceName: 'gateway', instanceId: 'gw-1', exporter: 'none' });
  });
  afterEach(async () => {
    await tracing.shutdown();
  });

  it('injects the active span as a W3C traceparent header', () => {
    const span = tracing.tracer.startSpan('relay');
    const headers = context.with(trace.setSpan(context.active(), span), () =>
      injectTraceContext<Record<string, string>>({}),
    );
    span.end();
    const { traceId, spanId } = span.spanContext();
    expect(headers.traceparent).toBe(`00-${traceId}-${spanId}-01`);
  });

  it('round-trips: a span started in the extracted context joins the same trace', () => {
    const parent = tracing.tracer.startSpan('gateway request');
    const headers: Record<string, string> = {};
    context.with(trace.setSpan(context.active(), parent), () => injectTraceContext(headers));

    const remote = extractTraceContext(headers);
    const remoteParent = trace.getSpanContext(remote);
    expect(remoteParent).toMatchObject({
      traceId: parent.spanContext().traceId,
      spanId: parent.spanContext().spanId,
      isRemote: true,
    });
    const child = context.with(remote, () => tracing.tracer.startSpan('scheduler select'));
    expect(child.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(child.spanContext().spanId).not.toBe(parent.spanContext().spanId);
    child.end();
    parent.end();
  });

  it('works with any carrier through a setter and getter', () => {
    const carrier = new Map<string, string>();
    const span = tracing.tracer.startSpan('publish');
    context.with(trace.setSpan(context.active(), span), () =>
      injectTraceContext(carrier, { setter: { set: (c, k, v) => void c.set(k, v) } }),
    );
    span.end();
    const extracted = extractTraceContext(carrier, {
      getter: { get: (c, k) => c.get(k), keys: (c) => [...c.keys()] },
    });
    expect(trace.getSpanContext(extracted)?.traceId).toBe(span.spanContext().traceId);
  });

  it('extracts nothing from a carrier without trace headers', () => {
    expect(trace.getSpanContext(extractTraceContext({}))).toBeUndefined();
  });

  it('injects nothing when no span is active', () => {
    expect(injectTraceContext({})).toEqual({});
  });
});
