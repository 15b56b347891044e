export { LOG_LEVELS, isLevelEnabled } from './log-level.js';
export type { LogLevel } from './log-level.js';
export { REDACTED, isSecretKey, toLogValue } from './log-value.js';
export { createLogger } from './logger.js';
export type { LogDestination, LogFields, Logger, LoggerOptions } from './logger.js';

export { TRACE_EXPORTERS, setupTracing } from './tracing.js';
export type { TraceExporterName, Tracing, TracingOptions } from './tracing.js';
export { extractTraceContext, injectTraceContext } from './trace-context.js';
export type { ExtractOptions, InjectOptions } from './trace-context.js';

export { createMetricsRegistry, metricsHandler } from './metrics-registry.js';
export type { MetricsRegistryOptions } from './metrics-registry.js';

export { runReadinessChecks } from './readiness.js';
export type { ReadinessCheck, ReadinessReport } from './readiness.js';
export { startOpsServer } from './ops-server.js';
export type { OpsServer, OpsServerOptions, RequestClasses } from './ops-server.js';

export { installShutdown } from './shutdown.js';
export type { ShutdownHandle, ShutdownOptions, ShutdownStep, SignalSource } from './shutdown.js';

// Services depend on this package only, not on prom-client or the OpenTelemetry API directly:
// one version of each, and one place to change if the metrics or tracing library ever does.
export { Counter, Gauge, Histogram, Summary } from 'prom-client';
export type { Registry } from 'prom-client';
export { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
export type { Context, Span, TextMapGetter, TextMapSetter, Tracer } from '@opentelemetry/api';

export { runService } from './run-service.js';
export type {
  RunServiceOptions,
  RunningService,
  ServiceContext,
  ServiceParts,
  ServiceRuntimeConfig,
} from './run-service.js';
