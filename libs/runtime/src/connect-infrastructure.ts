import { connectBus, type Bus } from '@switchyard/bus';
import { createDb, migrateToLatest, type Db } from '@switchyard/db';
import { closeRedis, createRedis, type Redis } from '@switchyard/redis';
import type { Logger, ServiceParts } from '@switchyard/telemetry';

export interface InfrastructureOptions {
  /** Service name; the NATS connection is named `<service>/<instanceId>`. */
  readonly service: string;
  readonly instanceId: string;
  readonly natsServers: string | readonly string[];
  readonly redisUrl: string;
  readonly databaseUrl: string;
  readonly logger: Logger;
  /**
   * Apply pending Postgres migrations before serving (default true). Safe with many replicas
   * starting at once: the migrator holds a Postgres advisory lock and skips applied steps.
   */
  readonly migrate?: boolean;
}

/** A service's connections, with the readiness checks and shutdown steps that go with them. */
export interface Infrastructure extends Pick<ServiceParts, 'checks' | 'stop'> {
  readonly bus: Bus;
  readonly redis: Redis;
  readonly db: Db;
}

/**
 * Connects NATS (first connection must succeed; later drops reconnect), Redis and Postgres.
 * `/readyz` then asks each to answer: a NATS flush, a Redis PING, `select 1` — a dependency that
 * is down shows as that check failing (bounded by the ops server's per-check timeout).
 * Shutdown drains NATS first so in-flight work finishes before Redis and Postgres close.
 */
export async function connectInfrastructure(opts: InfrastructureOptions): Promise<Infrastructure> {
  const bus = await connectBus({
    servers: opts.natsServers,
    name: `${opts.service}/${opts.instanceId}`,
    logger: opts.logger.child({ component: 'nats' }),
  });
  const redis = createRedis({
    url: opts.redisUrl,
    name: opts.service,
    logger: opts.logger.child({ component: 'redis' }),
  });
  const db = createDb({ url: opts.databaseUrl });
  if (opts.migrate ?? true) {
    const { applied } = await migrateToLatest(db.db);
    if (applied.length > 0) opts.logger.info('migrations applied', { applied });
  }
  return {
    bus,
    redis,
    db,
    checks: {
      nats: () => bus.nc.flush(),
      redis: async () => {
        await redis.ping();
      },
      postgres: async () => {
        await db.sql`select 1`;
      },
    },
    stop: [
      { name: 'nats', run: () => bus.drain() },
      { name: 'redis', run: () => closeRedis(redis) },
      { name: 'postgres', run: () => db.destroy() },
    ],
  };
}
