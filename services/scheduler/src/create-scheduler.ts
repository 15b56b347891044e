import { SCHEDULER_QUEUE, schedulerMetricsSubject, serve, subscribe } from '@switchyard/bus';
import type { Bus, ServeHandle, SubscriptionHandle } from '@switchyard/bus';
import type { SchedulerConfig } from '@switchyard/config';
import {
  Subjects,
  accountEventSchema,
  metricsRequestSchema,
  reportSchema,
  selectRequestSchema,
  snapshotUpdatedSchema,
  validateMessage,
} from '@switchyard/contracts';
import type { MetricsSnapshot, SelectRequestInput, SelectResult } from '@switchyard/contracts';
import type { Database, Db } from '@switchyard/db';
import type { BucketKey } from '@switchyard/domain';
import { KeyBuilder, SnapshotStore } from '@switchyard/redis';
import type { Redis } from '@switchyard/redis';
import { createMetricsRegistry } from '@switchyard/telemetry';
import type { Logger, Registry } from '@switchyard/telemetry';
import type { Kysely } from 'kysely';
import { handleAccountEvent } from './account-event-handler.js';
import { AccountStateLog } from './account-state-log.js';
import { BucketLoader } from './bucket-loader.js';
import { CandidateStore } from './candidate-store.js';
import { policies } from './policy/index.js';
import { toPolicyConfig } from './policy-config.js';
import { SchedulerMetrics } from './scheduler-metrics.js';
import { SelectHandler } from './select-handler.js';
import { SelectRedis } from './select-redis.js';
import { SessionCache } from './session-cache.js';
import { SlotStock } from '@switchyard/redis';
import { AccountStatsTable } from './stats/index.js';
import type { AccountStats } from './stats/index.js';
import { TokenBucket } from './token-bucket.js';

/** Internal knobs that are not operator configuration; tests and benches may shrink them. */
export type SchedulerTuning = {
  /** Buckets up to this many accounts read every load on every select (one round trip). */
  readonly liveLoadLimit: number;
  /** Larger buckets refresh their loads in the background at most this often. */
  readonly loadRefreshMs: number;
  /**
   * Buckets read live re-read their loads (in a select's acquire) once they are this old;
   * between reads, the replica's own acquisitions are folded in.
   */
  readonly liveLoadRefreshMs: number;
  /**
   * Live-read buckets decide on the loads the last select's acquire returned when they are at
   * most this old; older ones are read again first (one more round trip).
   */
  readonly maxLoadAgeMs: number;
  /** Session bindings remembered (SessionCache); each one spares a round trip. */
  readonly sessionCacheSize: number;
  /** A bucket read from Postgres (no snapshot yet) is re-read after this long. */
  readonly fallbackMaxAgeMs: number;
  /** Loaded buckets are checked against their snapshot version this often (0: never). */
  readonly resyncIntervalMs: number;
  /** How long a retried select finds the slot its first attempt took. */
  readonly markerTtlMs: number;
  /** How long an account state is re-applied over reloaded buckets (AccountStateLog). */
  readonly stateReplayWindowMs: number;
  /**
   * Life of a stocked slot (SlotStock), pushed out every `stockRefreshMs` while it stays in
   * stock; one is handed out only with a third of it left at least.
   */
  readonly stockTtlMs: number;
  readonly stockRefreshMs: number;
  /** The stock of an account nothing was drawn from for this long is given back. */
  readonly stockIdleMs: number;
  /** Hand-outs and refills gather this long before one round trip writes them. */
  readonly stockWriteDelayMs: number;
};

export const DEFAULT_SCHEDULER_TUNING: SchedulerTuning = Object.freeze({
  // 256: reading 512 zsets in one script costs Redis ~100 µs; beyond that a select would
  // spend more time reading loads than deciding.
  liveLoadLimit: 256,
  // 1 s: a refresh of 10,000 accounts costs Redis ~5 ms in slices; between refreshes the
  // replica folds in what its own acquires observed, and acquiring is atomic anyway (a stale
  // load can cost a wasted attempt, never an extra slot).
  loadRefreshMs: 1_000,
  // 20 ms: reading 50 accounts' loads costs Redis ~40 µs inside a script, worth paying 50 times
  // a second per replica, not on every select; slots are held for seconds, so 20 ms-old loads
  // plus the replica's own acquisitions rank accounts just as well.
  liveLoadRefreshMs: 20,
  // 250 ms: under traffic loads are re-read every liveLoadRefreshMs anyway; when traffic is
  // sparse a select pays one more round trip rather than decide on old loads.
  maxLoadAgeMs: 250,
  // ~100 bytes each: 5 MB for 50,000 concurrent conversations.
  sessionCacheSize: 50_000,
  fallbackMaxAgeMs: 10_000,
  // 30 s: bounds how long a missed snap.v1.updated (core NATS is at-most-once) goes unnoticed.
  resyncIntervalMs: 30_000,
  // 15 s: longer than any client's select budget (default 1 s), so a retry always finds it.
  markerTtlMs: 15_000,
  // 60 s: far beyond the snapshot builder's reaction time (ms).
  stateReplayWindowMs: 60_000,
  // 30 s: a crashed replica's stock frees itself within half a minute; refreshed every 5 s, a
  // slot handed out still has 25 s of life or more, and the gateway refreshes it at half that.
  stockTtlMs: 30_000,
  stockRefreshMs: 5_000,
  stockIdleMs: 60_000,
  // 5 ms: at 2,000 selects/s ten answers share one write; a retry comes 500 ms later at the
  // earliest, and eight stocked slots per account (SCHED_SLOT_STOCK_MAX) outlast a 5 ms refill
  // delay at ~600 selects/s per account (a select that finds the stock empty acquires in Redis,
  // as without stock).
  stockWriteDelayMs: 5,
});

export type CreateSchedulerOptions = {
  readonly config: SchedulerConfig;
  /** The replica's NATS connection; the caller owns it (closes it after stop()). */
  readonly bus: Pick<Bus, 'nc'>;
  readonly redis: Redis;
  /** Postgres for the fallback read: a kysely instance or a createDb handle. */
  readonly db: Kysely<Database> | Db;
  readonly logger: Logger;
  /** Where the Prometheus series go; a private registry when omitted. */
  readonly registry?: Registry;
  /** Epoch ms; Date.now by default. */
  readonly clock?: () => number;
  readonly tuning?: Partial<SchedulerTuning>;
};

/** One scheduler replica running in this process. */
export interface Scheduler {
  /** `config.instanceId`; also the token of its own metrics subject. */
  readonly replicaId: string;
  /** Subscribes: select (queue group), reports and events (fan-out), metrics. */
  start(): Promise<void>;
  /** Stops taking work and lets requests already received finish. Idempotent. */
  stop(): Promise<void>;
  /** Selects in process, without NATS (benches, tests): the same path as `sched.v1.select`. */
  select(request: SelectRequestInput): Promise<SelectResult>;
  /** Loads buckets ahead of the first select (otherwise they load on demand). */
  preload(buckets: readonly BucketKey[]): Promise<void>;
  /** Whether the account is in memory (in `bucket`, or any loaded bucket) and schedulable now. */
  isSelectable(accountId: number, bucket?: BucketKey): boolean;
  loadedBuckets(): BucketKey[];
  /** Snapshot version of a loaded bucket (0 when read from Postgres), null when not loaded. */
  bucketVersion(bucket: BucketKey): number | null;
  /** This replica's EWMA statistics of the account. */
  stats(accountId: number): AccountStats | null;
  metrics(): MetricsSnapshot;
}

export function createScheduler(options: CreateSchedulerOptions): Scheduler {
  const { config, redis, logger } = options;
  const clock = options.clock ?? Date.now;
  const tuning = { ...DEFAULT_SCHEDULER_TUNING, ...options.tuning };
  const db = 'destroy' in options.db && 'sql' in options.db ? options.db.db : options.db;
  const keys = new KeyBuilder(config.redisKeyPrefix);
  const stats = new AccountStatsTable({ alpha: config.ewmaAlpha });
  const loader = new BucketLoader({
    snapshots: new SnapshotStore(redis, keys),
    db,
    fallbackLimiter: new TokenBucket({ ratePerSec: config.dbFallbackMaxQps }),
    fallbackTimeoutMs: config.dbFallbackTimeoutMs,
    clock,
  });
  const slotTtlMs = config.slotTtlSeconds * 1000;
  const selectRedis = new SelectRedis(redis, {
    slotTtlMs,
    bindingTtlMs: config.stickyTtlSeconds * 1000,
    markerTtlMs: tuning.markerTtlMs,
  });
  const store = new CandidateStore({
    keys,
    readLoads: (candidates, now) => selectRedis.readLoads(candidates, now),
    loader,
    stats,
    stateLog: new AccountStateLog(tuning.stateReplayWindowMs),
    clock,
    logger,
    liveLoadLimit: tuning.liveLoadLimit,
    loadRefreshMs: tuning.loadRefreshMs,
    fallbackMaxAgeMs: tuning.fallbackMaxAgeMs,
  });
  const stock = new SlotStock({
    redis,
    replicaId: config.instanceId,
    max: config.slotStockMax,
    minConcurrency: config.slotStockMinConcurrency,
    ttlMs: tuning.stockTtlMs,
    refreshMs: tuning.stockRefreshMs,
    minRemainingMs: Math.ceil(tuning.stockTtlMs / 3),
    idleMs: tuning.stockIdleMs,
    writeDelayMs: tuning.stockWriteDelayMs,
    markerTtlMs: tuning.markerTtlMs,
    bindingTtlMs: config.stickyTtlSeconds * 1000,
    isSelectable: (accountId) => store.isSelectable(accountId),
    clock,
    logger,
  });
  const registry =
    options.registry ??
    createMetricsRegistry({
      service: 'scheduler',
      instance: config.instanceId,
      defaultMetrics: false,
    });
  const metrics = new SchedulerMetrics(config.instanceId, registry, {
    accountsWithStats: () => stats.size,
    bucketsLoaded: () => store.loadedBuckets().length,
    accountsLoaded: () => store.accountCount,
  });
  const handler = new SelectHandler({
    store,
    redis: selectRedis,
    keys,
    sessions: new SessionCache(tuning.sessionCacheSize),
    sessionLeaseMs: config.sessionLeaseMs,
    stock,
    maxLoadAgeMs: tuning.maxLoadAgeMs,
    loadRefreshMs: tuning.liveLoadRefreshMs,
    policy: policies[config.policy],
    policyConfig: toPolicyConfig(config),
    metrics,
    logger,
    clock,
    slotTtlMs,
  });

  const nc = options.bus.nc;
  const busLogger = logger.child({ component: 'bus' });
  let handles: (ServeHandle | SubscriptionHandle)[] = [];
  let resync: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;

  return {
    replicaId: config.instanceId,
    async start() {
      const answerMetrics = async () => metrics.snapshot();
      handles = [
        serve(nc, Subjects.schedSelect, {
          queue: SCHEDULER_QUEUE,
          requestSchema: selectRequestSchema,
          handler: (req) => handler.handle(req),
          logger: busLogger,
        }),
        // Shared subject: one replica answers (queue group); own subject: this replica.
        serve(nc, Subjects.schedMetrics, {
          queue: SCHEDULER_QUEUE,
          requestSchema: metricsRequestSchema,
          handler: answerMetrics,
          logger: busLogger,
        }),
        serve(nc, schedulerMetricsSubject(config.instanceId), {
          requestSchema: metricsRequestSchema,
          handler: answerMetrics,
          logger: busLogger,
        }),
        subscribe(nc, Subjects.schedReport, {
          schema: reportSchema,
          handler: (report) => store.recordReport(report),
          logger: busLogger,
        }),
        subscribe(nc, Subjects.accountEventsAll, {
          schema: accountEventSchema,
          handler: (event) => handleAccountEvent(store, logger, event),
          logger: busLogger,
        }),
        subscribe(nc, Subjects.snapUpdatedAll, {
          schema: snapshotUpdatedSchema,
          handler: (notice) => store.reload(notice.bucket, notice.version),
          logger: busLogger,
        }),
      ];
      stock.start();
      if (tuning.resyncIntervalMs > 0) {
        resync = setInterval(() => void store.resync(), tuning.resyncIntervalMs);
        resync.unref();
      }
      // The server has registered every subscription once the flush returns: a select sent
      // right after start() reaches this replica.
      await nc.flush();
      logger.info('scheduler started', { replicaId: config.instanceId, policy: config.policy });
    },
    stop() {
      stopping ??= (async () => {
        clearInterval(resync);
        const closing = nc.isClosed();
        await Promise.all(handles.map((h) => (closing ? h.stop() : h.drain())));
        handles = [];
        // After the last answer: no select can draw from the stock any more.
        await stock.stop();
      })();
      return stopping;
    },
    select: (request) => handler.handle(validateMessage(selectRequestSchema, request)),
    async preload(buckets) {
      await Promise.all(buckets.map((bucket) => store.bucket(bucket)));
    },
    isSelectable: (accountId, bucket) => store.isSelectable(accountId, bucket),
    loadedBuckets: () => store.loadedBuckets(),
    bucketVersion: (bucket) => store.bucketVersion(bucket),
    stats: (accountId) => stats.get(accountId),
    metrics: () => metrics.snapshot(),
  };
}
