import type { Tracing } from '@switchyard/telemetry';
import { context, setupTracing, trace } from '@switchyard/telemetry';

describe('context manager of setupTracing', () => {
  let tracing: Tracing;
  beforeEach(() => {
    tracing = setupTracing({ serviceName: 'gateway', exporter: 'none' });
  });
  afterEach(async () => {
    await tracing.shutdown();
  });

  it('keeps an entered span context across awaits and timers', async () => {
    const span = tracing.tracer.startSpan('relay');
    const seen = await context.with(trace.setSpan(context.active(), span), async () => {
      await Promise.resolve();
      await new Promise((resolve) => setTimeout(resolve, 1));
      return trace.getSpan(context.active());
    });
    span.end();
    expect(seen).toBe(span);
  });

  it('restores the outer context after an entered one', async () => {
    const span = tracing.tracer.startSpan('select');
    await context.with(trace.setSpan(context.active(), span), () => Promise.resolve());
    span.end();
    expect(trace.getSpan(context.active())).toBeUndefined();
  });

  it('runs a callback for the already active context with its this and arguments', () => {
    const target = { factor: 3 };
    const result = context.with(
      context.active(),
      function (this: typeof target, a: number, b: number) {
        return (a + b) * this.factor;
      },
      target,
      1,
      2,
    );
    expect(result).toBe(9);
  });

  it('keeps an entered context inside a callback run for the unchanged context', async () => {
    const span = tracing.tracer.startSpan('report');
    const seen = await context.with(trace.setSpan(context.active(), span), () =>
      context.with(context.active(), async () => {
        await Promise.resolve();
        return trace.getSpan(context.active());
      }),
    );
    span.end();
    expect(seen).toBe(span);
  });
});
