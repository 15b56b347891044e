import { connectBus, createSchedulerClient } from '@switchyard/bus';
import type { Bus, SchedulerClient } from '@switchyard/bus';
import { loadSchedulerConfig } from '@switchyard/config';
import type { Env } from '@switchyard/config';
import { createAccount, createDb, createGroup, toDomainAccount } from '@switchyard/db';
import type { Db, NewAccount } from '@switchyard/db';
import type { SelectRequestInput, SelectResult } from '@switchyard/contracts';
import { bucketKey } from '@switchyard/domain';
import type { Account, BucketKey } from '@switchyard/domain';
import { startHarness } from '@switchyard/harness';
import type { Harness } from '@switchyard/harness';
import {
  KeyBuilder,
  SnapshotStore,
  closeRedis,
  createRedis,
  createSlotClient,
} from '@switchyard/redis';
import type { Redis, SlotClient } from '@switchyard/redis';
import { createScheduler } from '@switchyard/scheduler';
import type { Scheduler, SchedulerTuning } from '@switchyard/scheduler';
import { createLogger } from '@switchyard/telemetry';

export type LogLine = { level: string; msg: string } & Record<string, unknown>;

/** One scheduler replica in this process, with its own NATS and Redis connections. */
export type Replica = {
  readonly scheduler: Scheduler;
  readonly bus: Bus;
  readonly redis: Redis;
  readonly logs: LogLine[];
  /** Drops the replica's NATS connection at once, as a crash would. */
  kill(): Promise<void>;
  stop(): Promise<void>;
};

export type SchedulerFixture = {
  readonly harness: Harness<{ nats: true; redis: true; migrate: true }>;
  readonly db: Db;
  /** The test's own Redis connection (seeding snapshots, inspecting slots). */
  readonly redis: Redis;
  readonly keys: KeyBuilder;
  readonly snapshots: SnapshotStore;
  readonly slots: SlotClient;
  /** The test's own NATS connection, the gateway's side. */
  readonly bus: Bus;
  readonly client: SchedulerClient;
  startReplica(id: string, env?: Env, tuning?: Partial<SchedulerTuning>): Promise<Replica>;
  /** An account in Postgres (default: anthropic API key in `groupId`, concurrency 3). */
  account(groupId: number | null, fields?: Partial<NewAccount>): Promise<Account>;
  group(name?: string): Promise<number>;
  /**
   * Selects an anthropic account of the group through the client, under the next request id
   * `<requestPrefix>-<n>` unless `extra` names one.
   */
  selectIn(groupId: number, extra?: Partial<SelectRequestInput>): Promise<SelectResult>;
  /** The request id the latest selectIn numbered. */
  readonly lastRequestId: string;
  stop(): Promise<void>;
};

export type SchedulerFixtureOptions = {
  /** Prefix of the request ids selectIn numbers (default `req`). */
  readonly requestPrefix?: string;
};

/** The bucket a group's anthropic accounts are scheduled from (they all allow mixed mode). */
export function mixedBucket(groupId: number): BucketKey {
  return bucketKey({ groupId, platform: 'anthropic', mode: 'mixed' });
}

let groupNo = 0;
let accountNo = 0;

export async function startSchedulerFixture(
  options: SchedulerFixtureOptions = {},
): Promise<SchedulerFixture> {
  const requestPrefix = options.requestPrefix ?? 'req';
  let requestNo = 0;
  const harness = await startHarness({ nats: true, redis: true, migrate: true });
  const db = createDb({ url: harness.databaseUrl, max: 4 });
  const redis = createRedis({ url: harness.redisUrl, name: 'test' });
  const keys = new KeyBuilder('sy:');
  const bus = await connectBus({ servers: harness.natsUrl, name: 'test-gateway' });
  const replicas: Replica[] = [];

  const startReplica = async (
    id: string,
    env: Env = {},
    tuning: Partial<SchedulerTuning> = {},
  ): Promise<Replica> => {
    const config = loadSchedulerConfig({
      NATS_URL: harness.natsUrl,
      REDIS_URL: harness.redisUrl,
      DATABASE_URL: harness.databaseUrl,
      SERVICE_INSTANCE_ID: id,
      ...env,
    });
    const logs: LogLine[] = [];
    const logger = createLogger({
      service: 'scheduler',
      level: 'info',
      destination: { write: (line: string) => logs.push(JSON.parse(line) as LogLine) },
    });
    const replicaBus = await connectBus({ servers: harness.natsUrl, name: `scheduler/${id}` });
    const replicaRedis = createRedis({ url: harness.redisUrl, name: `scheduler-${id}` });
    const scheduler = createScheduler({
      config,
      bus: replicaBus,
      redis: replicaRedis,
      db,
      logger,
      tuning: { resyncIntervalMs: 0, ...tuning },
    });
    await scheduler.start();
    let stopped: Promise<void> | undefined;
    const replica: Replica = {
      scheduler,
      bus: replicaBus,
      redis: replicaRedis,
      logs,
      kill: () => replicaBus.close(),
      stop: () =>
        (stopped ??= (async () => {
          await scheduler.stop();
          await replicaBus.close();
          await closeRedis(replicaRedis);
        })()),
    };
    replicas.push(replica);
    return replica;
  };

  const client = createSchedulerClient(bus.nc, { timeoutMs: 2000 });

  return {
    harness,
    db,
    redis,
    keys,
    snapshots: new SnapshotStore(redis, keys),
    slots: createSlotClient(redis, keys),
    bus,
    client,
    startReplica,
    async account(groupId, fields = {}) {
      accountNo += 1;
      const record = await createAccount(db.db, {
        name: `acct-${accountNo}`,
        platform: 'anthropic',
        type: 'apikey',
        credentialsEncrypted: 'v1:test',
        concurrency: 3,
        groups: groupId === null ? [] : [groupId],
        ...fields,
      });
      return toDomainAccount(record);
    },
    async group(name) {
      groupNo += 1;
      const group = await createGroup(db.db, {
        name: name ?? `group-${groupNo}`,
        platform: 'anthropic',
      });
      return group.id;
    },
    selectIn(groupId, extra = {}) {
      requestNo += 1;
      return client.select({
        requestId: `${requestPrefix}-${requestNo}`,
        groupId,
        platform: 'anthropic',
        ...extra,
      });
    },
    get lastRequestId() {
      return `${requestPrefix}-${requestNo}`;
    },
    async stop() {
      await Promise.all(replicas.map((r) => r.stop()));
      await bus.close();
      await closeRedis(redis);
      await db.destroy();
      await harness.stop();
    },
  };
}

export { waitFor } from '@switchyard/harness';

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
