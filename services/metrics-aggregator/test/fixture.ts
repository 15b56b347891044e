import type { Bus } from '@switchyard/bus';
import { connectBus, publishDurable } from '@switchyard/bus';
import { loadMetricsAggregatorConfig } from '@switchyard/config';
import type { Db } from '@switchyard/db';
import { createDb } from '@switchyard/db';
import { Subjects } from '@switchyard/contracts';
import type { AggregatorTuning, MetricsAggregator } from '../src/index.js';
import { createMetricsAggregator, resolveUplotDir } from '../src/index.js';
import type { Redis } from '@switchyard/redis';
import { closeRedis, createRedis } from '@switchyard/redis';
import { createLogger } from '@switchyard/telemetry';
import type { GeneratedEvents } from './generate-events.js';

export const silentLogger = createLogger({
  service: 'metrics-aggregator-test',
  level: 'error',
  destination: { write: () => true },
});

export type ServerUrls = { natsUrl: string; redisUrl: string; databaseUrl: string };

export type RunningAggregator = {
  readonly aggregator: MetricsAggregator;
  readonly bus: Bus;
  readonly redis: Redis;
  readonly db: Db;
  stop(): Promise<void>;
};

export type AggregatorFixtureOptions = {
  /** Extra environment for the config (e.g. REPORTS_DIR). */
  readonly env?: Record<string, string>;
  readonly tuning?: Partial<AggregatorTuning>;
  readonly clock?: () => number;
  /** Redis URL override, e.g. a port nothing listens on to play "Redis is down". */
  readonly redisUrl?: string;
  readonly instanceId?: string;
};

/** An in-process aggregator on its own connections, configured through the real config loader. */
export async function startAggregator(
  urls: ServerUrls,
  options: AggregatorFixtureOptions = {},
): Promise<RunningAggregator> {
  const config = loadMetricsAggregatorConfig({
    NATS_URL: urls.natsUrl,
    REDIS_URL: options.redisUrl ?? urls.redisUrl,
    DATABASE_URL: urls.databaseUrl,
    SERVICE_INSTANCE_ID: options.instanceId ?? 'test-aggregator',
    ...options.env,
  });
  const bus = await connectBus({ servers: urls.natsUrl, name: config.instanceId });
  const redis = createRedis({ url: config.redisUrl });
  const db = createDb({ url: urls.databaseUrl });
  const aggregator = createMetricsAggregator({
    config,
    bus,
    redis,
    db,
    logger: silentLogger,
    uplotDir: resolveUplotDir(__filename),
    tuning: { schedule: false, ...options.tuning },
    ...(options.clock ? { clock: options.clock } : {}),
  });
  await aggregator.start();
  let stopped: Promise<void> | undefined;
  return {
    aggregator,
    bus,
    redis,
    db,
    stop: () =>
      (stopped ??= (async () => {
        await aggregator.stop();
        await bus.close();
        await closeRedis(redis);
        await db.destroy();
      })()),
  };
}

/** Publishes the events to USAGE_EVENTS with their natural message ids, `concurrency` at a time. */
export async function publishEvents(
  bus: Bus,
  events: GeneratedEvents,
  options: { msgIdSuffix?: string; concurrency?: number } = {},
): Promise<void> {
  const suffix = options.msgIdSuffix ?? '';
  const js = bus.js();
  const jobs: (() => Promise<unknown>)[] = [
    ...events.usage.map(
      (u) => () => publishDurable(js, Subjects.usageRecorded, u, { msgId: u.requestId + suffix }),
    ),
    ...events.errors.map(
      (e) => () => publishDurable(js, Subjects.opsError, e, { msgId: e.attemptId + suffix }),
    ),
  ];
  const concurrency = options.concurrency ?? 256;
  for (let i = 0; i < jobs.length; i += concurrency) {
    await Promise.all(jobs.slice(i, i + concurrency).map((job) => job()));
  }
}

/** Polls `check` until it holds; fails with the last value it saw. */
export async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) {
      throw new Error(
        `condition not met within ${timeoutMs} ms; last value ${JSON.stringify(value)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

/** Rows in usage_logs and ops_error_logs. */
export async function countRows(db: Db): Promise<{ usage: number; errors: number }> {
  const [u] = await db.sql<{ n: number }[]>`select count(*)::int as n from usage_logs`;
  const [e] = await db.sql<{ n: number }[]>`select count(*)::int as n from ops_error_logs`;
  return { usage: u!.n, errors: e!.n };
}
