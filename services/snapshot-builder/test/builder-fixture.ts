import { AccountEventPublisher, connectBus, ensureAccountEventsStream } from '@switchyard/bus';
import type { AccountEventInput, Bus } from '@switchyard/bus';
import { loadSchedulerConfig, loadSnapshotBuilderConfig } from '@switchyard/config';
import type { Env } from '@switchyard/config';
import { Streams } from '@switchyard/contracts';
import { createDb, loadAllBuckets, loadBucketAccounts } from '@switchyard/db';
import type { Db } from '@switchyard/db';
import type { Account, BucketKey } from '@switchyard/domain';
import { startHarness, waitFor } from '@switchyard/harness';
import type { Harness } from '@switchyard/harness';
import { closeRedis, createRedis, KeyBuilder, SnapshotStore } from '@switchyard/redis';
import type { Redis } from '@switchyard/redis';
import { createScheduler } from '@switchyard/scheduler';
import type { Scheduler } from '@switchyard/scheduler';
import { createSnapshotBuilder } from '@switchyard/snapshot-builder';
import type { CreateSnapshotBuilderOptions, SnapshotBuilder } from '@switchyard/snapshot-builder';
import { createLogger } from '@switchyard/telemetry';
import type { Logger } from '@switchyard/telemetry';

export type LogLine = { level: string; msg: string } & Record<string, unknown>;

/** A builder replica with its own connections, so a test can cut them as a crash would. */
export type BuilderReplica = {
  readonly builder: SnapshotBuilder;
  readonly bus: Bus;
  readonly redis: Redis;
  readonly db: Db;
  readonly logs: LogLine[];
  /** Drops every connection at once, without acking or draining anything. */
  crash(): Promise<void>;
  stop(): Promise<void>;
};

export type SchedulerReplica = {
  readonly scheduler: Scheduler;
  stop(): Promise<void>;
};

export type BuilderFixture = {
  readonly harness: Harness<{ nats: true; redis: true; migrate: true }>;
  readonly db: Db;
  /** The test's own Redis connection. */
  readonly redis: Redis;
  readonly snapshots: SnapshotStore;
  /** The test's own NATS connection: the admin API's and gateways' side. */
  readonly bus: Bus;
  readonly publisher: AccountEventPublisher;
  publish(event: AccountEventInput): Promise<void>;
  /** A builder replica, started unless `start` is false. */
  startBuilder(
    id: string,
    options?: Partial<Omit<CreateSnapshotBuilderOptions, 'bus' | 'redis' | 'db' | 'logger'>>,
    start?: boolean,
  ): Promise<BuilderReplica>;
  startScheduler(id: string, env?: Env): Promise<SchedulerReplica>;
  /** Resolves once the durable consumer has nothing pending or unacked. */
  settle(timeoutMs?: number): Promise<void>;
  /** Every bucket in Redis or in Postgres whose snapshot differs from its defining query. */
  mismatchedBuckets(): Promise<BucketMismatch[]>;
  stop(): Promise<void>;
};

export const CONSUMER = 'snapshot-builder';

/** How a bucket's snapshot differs from its query: ids on one side only, fields that differ. */
export type BucketMismatch = {
  bucket: BucketKey;
  onlyInRedis: number[];
  onlyInPostgres: number[];
  differing: { id: number; fields: Record<string, [unknown, unknown]> }[];
};

function compare(bucket: BucketKey, redis: Account[], postgres: Account[]): BucketMismatch | null {
  const inRedis = new Map(redis.map((a) => [a.id, a]));
  const inPostgres = new Map(postgres.map((a) => [a.id, a]));
  const differing: BucketMismatch['differing'] = [];
  for (const [id, a] of inRedis) {
    const b = inPostgres.get(id);
    if (b === undefined) continue;
    const fields: Record<string, [unknown, unknown]> = {};
    for (const key of Object.keys(b) as (keyof Account)[]) {
      if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) fields[key] = [a[key], b[key]];
    }
    if (Object.keys(fields).length > 0) differing.push({ id, fields });
  }
  const mismatch = {
    bucket,
    onlyInRedis: [...inRedis.keys()].filter((id) => !inPostgres.has(id)),
    onlyInPostgres: [...inPostgres.keys()].filter((id) => !inRedis.has(id)),
    differing,
  };
  const same =
    mismatch.onlyInRedis.length === 0 &&
    mismatch.onlyInPostgres.length === 0 &&
    differing.length === 0 &&
    redis.map((a) => a.id).join() === postgres.map((a) => a.id).join();
  return same ? null : mismatch;
}

export function builderConfig(harness: Harness<{ nats: true; redis: true; migrate: true }>) {
  return loadSnapshotBuilderConfig({
    NATS_URL: harness.natsUrl,
    REDIS_URL: harness.redisUrl,
    DATABASE_URL: harness.databaseUrl,
  });
}

function recordingLogger(service: string, logs: LogLine[]): Logger {
  return createLogger({
    service,
    level: 'info',
    destination: { write: (line: string) => logs.push(JSON.parse(line) as LogLine) },
  });
}

export async function startBuilderFixture(): Promise<BuilderFixture> {
  const harness = await startHarness({ nats: true, redis: true, migrate: true });
  const db = createDb({ url: harness.databaseUrl, max: 4 });
  const redis = createRedis({ url: harness.redisUrl, name: 'test' });
  const bus = await connectBus({ servers: harness.natsUrl, name: 'test-admin' });
  await ensureAccountEventsStream(await bus.jsm());
  const publisher = new AccountEventPublisher(bus.js());
  const snapshots = new SnapshotStore(redis, new KeyBuilder('sy:'));
  const running: { stop(): Promise<void> }[] = [];

  const startBuilder: BuilderFixture['startBuilder'] = async (id, options = {}, start = true) => {
    const logs: LogLine[] = [];
    const replicaBus = await connectBus({ servers: harness.natsUrl, name: `builder/${id}` });
    const replicaRedis = createRedis({ url: harness.redisUrl, name: `builder-${id}` });
    const replicaDb = createDb({ url: harness.databaseUrl, max: 4 });
    const builder = createSnapshotBuilder({
      config: builderConfig(harness),
      lagCheckIntervalMs: 200,
      ...options,
      bus: replicaBus,
      redis: replicaRedis,
      db: replicaDb.db,
      logger: recordingLogger('snapshot-builder', logs).child({ replica: id }),
    });
    let closed = false;
    const close = async (graceful: boolean) => {
      if (closed) return;
      closed = true;
      if (graceful) await builder.stop();
      await (graceful ? replicaBus.drain() : replicaBus.close());
      if (graceful) await closeRedis(replicaRedis);
      else replicaRedis.disconnect();
      // A crash drops the Postgres connections too, mid-query if need be.
      if (graceful) await replicaDb.destroy();
      else await replicaDb.sql.end({ timeout: 0 });
      // After a crash the loop finds its connections gone; stopping it afterwards only ends
      // its timers (nothing can be acked any more).
      if (!graceful) await builder.stop().catch(() => undefined);
    };
    const replica: BuilderReplica = {
      builder,
      bus: replicaBus,
      redis: replicaRedis,
      db: replicaDb,
      logs,
      crash: () => close(false),
      stop: () => close(true),
    };
    running.push(replica);
    if (start) await builder.start();
    return replica;
  };

  const startScheduler: BuilderFixture['startScheduler'] = async (id, env = {}) => {
    const schedulerBus = await connectBus({ servers: harness.natsUrl, name: `scheduler/${id}` });
    const schedulerRedis = createRedis({ url: harness.redisUrl, name: `scheduler-${id}` });
    const scheduler = createScheduler({
      config: loadSchedulerConfig({
        NATS_URL: harness.natsUrl,
        REDIS_URL: harness.redisUrl,
        DATABASE_URL: harness.databaseUrl,
        SERVICE_INSTANCE_ID: id,
        ...env,
      }),
      bus: schedulerBus,
      redis: schedulerRedis,
      db,
      logger: recordingLogger('scheduler', []),
    });
    await scheduler.start();
    const replica: SchedulerReplica = {
      scheduler,
      stop: async () => {
        await scheduler.stop();
        await schedulerBus.close();
        await closeRedis(schedulerRedis);
      },
    };
    running.push(replica);
    return replica;
  };

  const settle = async (timeoutMs = 20_000): Promise<void> => {
    const jsm = await bus.jsm();
    await waitFor(
      'the snapshot builder to process every event',
      async () => {
        const info = await jsm.consumers.info(Streams.accountEvents.name, CONSUMER);
        return info.num_pending === 0 && info.num_ack_pending === 0;
      },
      timeoutMs,
    );
  };

  const mismatchedBuckets: BuilderFixture['mismatchedBuckets'] = async () => {
    const all = await loadAllBuckets(db.db);
    const buckets = new Set<BucketKey>([...all.keys(), ...(await snapshots.listBuckets())]);
    const out: BucketMismatch[] = [];
    for (const bucket of [...buckets].sort()) {
      const postgres = await loadBucketAccounts(db.db, bucket);
      const redisSide = (await snapshots.read(bucket))?.accounts ?? [];
      const mismatch = compare(bucket, redisSide, postgres);
      if (mismatch !== null) out.push(mismatch);
    }
    return out;
  };

  return {
    harness,
    db,
    redis,
    snapshots,
    bus,
    publisher,
    publish: async (event) => {
      await publisher.publish(event);
    },
    startBuilder,
    startScheduler,
    settle,
    mismatchedBuckets,
    async stop() {
      for (const replica of running.reverse()) await replica.stop().catch(() => undefined);
      await bus.close();
      await closeRedis(redis);
      await db.destroy();
      await harness.stop();
    },
  };
}

export { waitFor };
