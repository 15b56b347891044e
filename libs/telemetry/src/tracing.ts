import type { Tracer } from '@opentelemetry/api';
import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ConsoleSpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { LazyContextManager } from './lazy-context-manager.js';

export const TRACE_EXPORTERS = ['none', 'console'] as const;
export type TraceExporterName = (typeof TRACE_EXPORTERS)[number];

export interface TracingOptions {
  /** `service.name` of every span. */
  readonly serviceName: string;
  /** `service.instance.id` of every span, when given. */
  readonly instanceId?: string;
  /**
   * `none`: spans are created and their context propagated (so one request is one trace across
   * services) but nothing is exported. `console`: finished spans are also printed, for debugging.
   */
  readonly exporter: TraceExporterName;
  /** Extra processors, e.g. an in-memory exporter in tests. */
  readonly spanProcessors?: readonly SpanProcessor[];
}

export interface Tracing {
  readonly tracer: Tracer;
  /** Flushes and stops the provider and unregisters the global tracer, propagator and context manager. */
  shutdown(): Promise<void>;
}

/**
 * Registers a NodeTracerProvider as the process-wide tracer provider with the W3C trace-context
 * propagator and the AsyncLocalStorage context manager (see LazyContextManager: it costs nothing
 * until a trace context is actually entered). Call once at start-up.
 */
export function setupTracing(options: TracingOptions): Tracing {
  const resource = resourceFromAttributes({
    'service.name': options.serviceName,
    ...(options.instanceId === undefined ? {} : { 'service.instance.id': options.instanceId }),
  });
  const spanProcessors: SpanProcessor[] = [...(options.spanProcessors ?? [])];
  if (options.exporter === 'console') {
    // Simple (not batched): a debugging aid should print each span as soon as it ends.
    spanProcessors.push(new SimpleSpanProcessor(new ConsoleSpanExporter()));
  }
  const provider = new NodeTracerProvider({ resource, spanProcessors });
  provider.register({
    propagator: new W3CTraceContextPropagator(),
    contextManager: new LazyContextManager(),
  });
  const tracer = trace.getTracer(options.serviceName);

  let stopped: Promise<void> | undefined;
  return {
    tracer,
    shutdown() {
      stopped ??= provider.shutdown().finally(() => {
        // So a later setupTracing (tests, a restart in-process) can register again.
        trace.disable();
        propagation.disable();
        context.disable();
      });
      return stopped;
    },
  };
}
