import type { RequestListener } from 'node:http';
import type { Registry } from 'prom-client';
import type { Tracer } from '@opentelemetry/api';
import type { LogLevel } from './log-level.js';
import { createLogger, type Logger } from './logger.js';
import { createMetricsRegistry } from './metrics-registry.js';
import { startOpsServer, type OpsServer, type RequestClasses } from './ops-server.js';
import type { ReadinessCheck } from './readiness.js';
import { installShutdown, type ShutdownHandle, type ShutdownStep } from './shutdown.js';
import { setupTracing, type TraceExporterName } from './tracing.js';

/** The part of every service's configuration that the runtime reads (structurally). */
export interface ServiceRuntimeConfig {
  readonly logLevel: LogLevel;
  readonly httpHost: string;
  readonly httpPort: number;
  readonly shutdownTimeoutMs: number;
  readonly instanceId: string;
  readonly tracesExporter: TraceExporterName;
}

export interface ServiceContext<C> {
  readonly config: C;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly tracer: Tracer;
}

/** What a service hands back once its connections and workers are up. */
export interface ServiceParts {
  /** Dependencies `/readyz` checks, e.g. `{ nats, redis, postgres }`. */
  readonly checks: Readonly<Record<string, ReadinessCheck>>;
  /** Run in order on SIGTERM after the HTTP server stopped taking requests. */
  readonly stop: readonly ShutdownStep[];
  /** The service's own HTTP routes, served on the same port as the probes. */
  readonly handler?: RequestListener;
  /** The classes requests and responses are built from (see RequestClasses). */
  readonly requestClasses?: RequestClasses;
}

export interface RunServiceOptions<C extends ServiceRuntimeConfig> {
  readonly service: string;
  /** Builds the configuration; a thrown error (e.g. ConfigError naming the variable) stops start-up. */
  readonly loadConfig: () => C;
  readonly start: (ctx: ServiceContext<C>) => Promise<ServiceParts>;
  /** Default `process.exit`. */
  readonly exit?: (code: number) => void;
}

export interface RunningService<C> extends ServiceContext<C> {
  readonly ops: OpsServer;
  readonly shutdown: ShutdownHandle;
}

/**
 * The life of a service process: configuration, JSON logger, tracing, metrics registry, its own
 * start-up, the HTTP server with `/healthz`, `/readyz` and `/metrics`, and an orderly SIGTERM
 * (readiness goes to 503 first so traffic drains, then the server closes, then the service's
 * own steps, then tracing). A failure before the server is up is logged and exits 1.
 */
export async function runService<C extends ServiceRuntimeConfig>(
  options: RunServiceOptions<C>,
): Promise<RunningService<C> | null> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const bootLogger = createLogger({ service: options.service });
  let config: C;
  try {
    config = options.loadConfig();
  } catch (err) {
    bootLogger.error('invalid configuration', { error: err });
    exit(1);
    return null;
  }
  const logger = createLogger({ service: options.service, level: config.logLevel }).child({
    instance: config.instanceId,
  });
  const tracing = setupTracing({
    serviceName: options.service,
    exporter: config.tracesExporter,
    instanceId: config.instanceId,
  });
  const registry = createMetricsRegistry({ service: options.service, instance: config.instanceId });
  const ctx: ServiceContext<C> = { config, logger, registry, tracer: tracing.tracer };
  let parts: ServiceParts;
  let ops: OpsServer;
  try {
    parts = await options.start(ctx);
    ops = await startOpsServer({
      host: config.httpHost,
      port: config.httpPort,
      logger,
      registry,
      checks: parts.checks,
      ...(parts.handler ? { handler: parts.handler } : {}),
      ...(parts.requestClasses ? { requestClasses: parts.requestClasses } : {}),
    });
  } catch (err) {
    logger.error('start-up failed', { error: err });
    await tracing.shutdown().catch(() => undefined);
    exit(1);
    return null;
  }
  const shutdown = installShutdown({
    logger,
    timeoutMs: config.shutdownTimeoutMs,
    exit,
    steps: [
      { name: 'http', run: async () => (ops.drain(), ops.close()) },
      ...parts.stop,
      { name: 'tracing', run: () => tracing.shutdown() },
    ],
  });
  logger.info('service started', { url: ops.url });
  return { ...ctx, ops, shutdown };
}
