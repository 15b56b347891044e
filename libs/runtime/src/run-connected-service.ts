import { runService } from '@switchyard/telemetry';
import type {
  RunningService,
  ServiceContext,
  ServiceParts,
  ServiceRuntimeConfig,
} from '@switchyard/telemetry';
import {
  connectInfrastructure,
  type Infrastructure,
  type InfrastructureOptions,
} from './connect-infrastructure.js';

/** The part of a service's configuration that connectInfrastructure reads. */
export type ConnectionConfig = Pick<
  InfrastructureOptions,
  'instanceId' | 'natsServers' | 'redisUrl' | 'databaseUrl' | 'migrate'
>;

/**
 * What the service starts from: the runtime's context and its NATS, Redis and Postgres
 * connections (Postgres migrated), which the runtime checks and closes.
 */
export interface ConnectedServiceContext<C>
  extends ServiceContext<C>, Pick<Infrastructure, 'bus' | 'redis' | 'db'> {}

/** The service itself, started over its connections. */
export interface ServiceWorker extends Pick<ServiceParts, 'handler' | 'requestClasses'> {
  /** Runs on SIGTERM once the HTTP server stopped taking requests, before the connections close. */
  stop(): Promise<void>;
}

export interface RunConnectedServiceOptions<C extends ServiceRuntimeConfig & ConnectionConfig> {
  /** Names the process in logs, metrics and traces, its NATS connection and its shutdown step. */
  readonly service: string;
  /** Builds the configuration; a thrown error (e.g. ConfigError naming the variable) stops start-up. */
  readonly loadConfig: () => C;
  /** Builds and starts the service over the connections. */
  readonly start: (ctx: ConnectedServiceContext<C>) => Promise<ServiceWorker>;
  /** Default `process.exit`. */
  readonly exit?: (code: number) => void;
}

/**
 * The main of a service that works over NATS, Redis and Postgres: runService, with the
 * connections made before the service starts and their checks on `/readyz`. Shutdown stops the
 * service first, so its in-flight work finishes and its last messages are still acked, then
 * drains NATS and closes Redis and Postgres.
 */
export function runConnectedService<C extends ServiceRuntimeConfig & ConnectionConfig>(
  options: RunConnectedServiceOptions<C>,
): Promise<RunningService<C> | null> {
  const { service } = options;
  return runService({
    service,
    loadConfig: options.loadConfig,
    ...(options.exit === undefined ? {} : { exit: options.exit }),
    async start(ctx) {
      const infra = await connectInfrastructure({ service, ...ctx.config, logger: ctx.logger });
      const worker = await options.start({
        ...ctx,
        bus: infra.bus,
        redis: infra.redis,
        db: infra.db,
      });
      return {
        checks: infra.checks,
        ...(worker.handler === undefined ? {} : { handler: worker.handler }),
        ...(worker.requestClasses === undefined ? {} : { requestClasses: worker.requestClasses }),
        stop: [{ name: service, run: () => worker.stop() }, ...infra.stop],
      };
    },
  });
}
