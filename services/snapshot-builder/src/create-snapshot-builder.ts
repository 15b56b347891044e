import { ensureAccountEventsStream, ensureConsumer } from '@switchyard/bus';
import type { Bus } from '@switchyard/bus';
import type { SnapshotBuilderConfig } from '@switchyard/config';
import { Streams } from '@switchyard/contracts';
import type { AccountEvent } from '@switchyard/contracts';
import type { Database } from '@switchyard/db';
import { AccountRecordStore, KeyBuilder, SnapshotStore } from '@switchyard/redis';
import type { Redis } from '@switchyard/redis';
import type { Logger, Registry } from '@switchyard/telemetry';
import type { Kysely } from 'kysely';
import { builderKeys } from './builder-keys.js';
import { createBuilderMetrics } from './builder-metrics.js';
import { BucketWriter } from './bucket-writer.js';
import { readConsumerBacklog } from './consumer-lag.js';
import { EventProcessor } from './event-processor.js';
import type { BatchReport } from './event-processor.js';
import { runFullRebuild } from './full-rebuild.js';
import type { FullRebuildReport } from './full-rebuild.js';
import { assessLag, INITIAL_LAG_STATE } from './lag-policy.js';
import type { LagState, LagThresholds, LagVerdict } from './lag-policy.js';
import { RebuildGate } from './rebuild-gate.js';
import { WorkLoop } from './work-loop.js';
import type { WorkLoopStats } from './work-loop.js';

/** The configuration fields the builder reads. */
export type SnapshotBuilderSettings = Pick<
  SnapshotBuilderConfig,
  | 'redisKeyPrefix'
  | 'fullRebuildIntervalSeconds'
  | 'lagRebuildSeconds'
  | 'lagRebuildFailures'
  | 'backlogRebuildRows'
  | 'lagWarnSeconds'
  | 'lockTtlSeconds'
  | 'consumerName'
>;

export interface CreateSnapshotBuilderOptions {
  readonly config: SnapshotBuilderSettings;
  readonly bus: Bus;
  readonly redis: Redis;
  readonly db: Kysely<Database>;
  readonly logger: Logger;
  readonly registry?: Registry;
  /** Clock (epoch ms); defaults to Date.now. */
  readonly now?: () => number;
  /** Period of the lag check. Default 1 s. */
  readonly lagCheckIntervalMs?: number;
  /** Most events per batch. Default 256. */
  readonly maxBatch?: number;
  /**
   * How long the server waits for an ack before redelivering an event to another replica.
   * Default 30 s (the NATS default); tests of crashed replicas shorten it.
   */
  readonly ackWaitMs?: number;
  /**
   * TTL of the bucket and account locks: how long a crashed replica's locks block the others.
   * Default 30 s; tests of crashed replicas shorten it.
   */
  readonly lockTtlMs?: number;
}

export interface SnapshotBuilder {
  /** Ensures stream and consumer, rebuilds everything once, then follows the events. */
  start(): Promise<void>;
  /** Stops timers and the consumer; work in hand finishes, buffered events go back. */
  stop(): Promise<void>;
  /** Queues a full rebuild and resolves once one that started after the call has finished. */
  fullRebuild(reason: string): Promise<void>;
  /** One lag check now (the timer does the same); may queue a full rebuild. */
  checkLag(): Promise<LagVerdict>;
  stats(): SnapshotBuilderStats;
}

export interface SnapshotBuilderStats extends WorkLoopStats {
  readonly fullRebuilds: number;
  readonly lastFullRebuild: FullRebuildReport | null;
  readonly lastBatch: BatchReport | null;
}

// 10 s: a bucket rebuild holds its lock for milliseconds; waiting longer means the holder is
// stuck, and the batch is better redelivered than blocking this replica's whole stream.
const BUCKET_LOCK_WAIT_MS = 10_000;
// 30 s per the issue: longer than any single bucket rebuild, short enough that a crashed
// holder frees the bucket quickly. Account locks use the same TTL.
const BUCKET_LOCK_TTL_MS = 30_000;
// 20 s: the holder of an account lock may itself be waiting for bucket locks (up to
// BUCKET_LOCK_WAIT_MS, e.g. behind a full rebuild); beyond that the batch is redelivered.
const ACCOUNT_LOCK_WAIT_MS = 20_000;
// 60 s: how long a batch waits for a running full rebuild (well under a second at 10,000
// accounts), or a full rebuild for another replica's rebuild and the running batches.
const GATE_WAIT_MS = 60_000;
const DEFAULT_LAG_CHECK_INTERVAL_MS = 1_000;
// 256: a burst after a restart is absorbed in a few batches, and one batch's Postgres reads
// (one query for all its accounts) stay small.
const DEFAULT_MAX_BATCH = 256;
const PREFETCH = 256;
const NAK_DELAY_MS = 1_000;

/**
 * The snapshot-builder, in-process: account events from the durable consumer → Postgres
 * (state first) → per-account records and bucket snapshots in Redis → `snap.v1.updated`.
 * Full rebuilds run at start, every `fullRebuildIntervalSeconds`, on a `full_rebuild` event,
 * when the consumer falls behind, and when Redis lost its data; alone (RebuildGate: no event
 * batch on any replica meanwhile), and a request is dropped when another replica's rebuild
 * started after it was made.
 */
export function createSnapshotBuilder(options: CreateSnapshotBuilderOptions): SnapshotBuilder {
  const { config, bus, redis, db } = options;
  const logger = options.logger.child({ component: 'snapshot-builder' });
  const now = options.now ?? Date.now;
  const metrics = createBuilderMetrics(options.registry);
  const keys = builderKeys(new KeyBuilder(config.redisKeyPrefix));
  const store = new SnapshotStore(redis, new KeyBuilder(config.redisKeyPrefix));
  const records = new AccountRecordStore(redis, new KeyBuilder(config.redisKeyPrefix));
  const stream = Streams.accountEvents.name;
  const durable = config.consumerName;
  const lockTtlMs = config.lockTtlSeconds * 1000;
  const itemLockTtlMs = options.lockTtlMs ?? BUCKET_LOCK_TTL_MS;
  const thresholds: LagThresholds = {
    warnMs: config.lagWarnSeconds * 1000,
    rebuildMs: config.lagRebuildSeconds * 1000,
    rebuildChecks: config.lagRebuildFailures,
    backlogRows: config.backlogRebuildRows,
  };

  let fullRebuilds = 0;
  let lastFullRebuild: FullRebuildReport | null = null;
  let lastBatch: BatchReport | null = null;
  let lagState: LagState = INITIAL_LAG_STATE;
  const timers: NodeJS.Timeout[] = [];

  const lastFullRebuildAt = async (): Promise<number | null> => {
    const raw = await redis.get(keys.fullRebuildMarker);
    const at = raw === null ? Number.NaN : Number(raw);
    return Number.isFinite(at) ? at : null;
  };

  // Full rebuilds run alone, across replicas; its closed state doubles as the rebuild lock.
  const gate = new RebuildGate(
    redis,
    { gate: keys.fullRebuildLock, batches: keys.runningBatches },
    { ttlMs: lockTtlMs, waitMs: GATE_WAIT_MS },
  );

  // `requestedAt`: a rebuild that another replica started after this is as good as ours.
  const fullRebuildNow = (reason: string, requestedAt: number): Promise<void> =>
    gate.exclusive(async () => {
      const last = await lastFullRebuildAt();
      if (last !== null && last >= requestedAt) {
        logger.debug('full rebuild skipped: another replica just ran one', { reason });
        return;
      }
      const report = await runFullRebuild(
        { db, redis, store, records, keys, bus, logger, now },
        reason,
      );
      fullRebuilds++;
      lastFullRebuild = report;
      metrics.fullRebuilds.inc({ trigger: reason.split(':')[0] ?? reason });
      metrics.fullRebuildSeconds.observe(report.durationMs / 1000);
      logger.info('full rebuild done', { ...report });
    });

  const writer = new BucketWriter({
    redis,
    store,
    keys,
    bus,
    lockTtlMs: itemLockTtlMs,
    lockWaitMs: BUCKET_LOCK_WAIT_MS,
  });
  const processor = new EventProcessor({
    db,
    redis,
    store,
    records,
    writer,
    gate,
    keys,
    lockTtlMs: itemLockTtlMs,
    lockWaitMs: ACCOUNT_LOCK_WAIT_MS,
    lastFullRebuildAt,
    // Inside the work loop already: run it right here, not through the queue.
    fullRebuild: (reason) => fullRebuildNow(reason, now()),
    logger,
  });
  const loop = new WorkLoop({
    maxBatch: options.maxBatch ?? DEFAULT_MAX_BATCH,
    prefetch: PREFETCH,
    nakDelayMs: NAK_DELAY_MS,
    logger,
    process: async (events: AccountEvent[]) => {
      const report = await processor.process(events);
      lastBatch = report;
      if (report.buckets !== null) {
        for (const [result, count] of Object.entries(report.buckets)) {
          if (count > 0) metrics.bucketWrites.inc({ result }, count);
        }
      }
    },
    fullRebuild: fullRebuildNow,
    count: (result, events) => metrics.events.inc({ result }, events),
    now,
  });

  const requestRebuild = (reason: string): Promise<void> => loop.requestFullRebuild(reason);

  const checkLag = async (): Promise<LagVerdict> => {
    const jsm = await bus.jsm();
    const [backlog, last] = await Promise.all([
      readConsumerBacklog(jsm, stream, durable),
      lastFullRebuildAt(),
    ]);
    const verdict = assessLag(lagState, { ...backlog, lastFullRebuildAt: last }, thresholds, now());
    lagState = verdict.state;
    metrics.lagSeconds.set(verdict.lagMs / 1000);
    metrics.pendingEvents.set(backlog.pending);
    if (verdict.warn) {
      logger.warn('snapshot builder is behind on account events', {
        lagMs: verdict.lagMs,
        pending: backlog.pending,
      });
    }
    if (verdict.rebuild !== null) {
      logger.warn('falling behind: full rebuild', {
        trigger: verdict.rebuild,
        lagMs: verdict.lagMs,
      });
      void requestRebuild(`${verdict.rebuild}: ${backlog.pending} pending`).catch(() => undefined);
    } else if (last === null && (await redis.exists(keys.fullRebuildLock)) === 0) {
      // The marker is gone although start-up wrote one, and no rebuild is running (which
      // removes it until done): Redis lost its data (flush, failover).
      void requestRebuild('redis: snapshots missing').catch(() => undefined);
    }
    return verdict;
  };

  // Every replica has this timer; a rebuild by any of them within the last half period counts,
  // so N replicas do not rebuild N times per period.
  const periodicRebuild = async (intervalMs: number): Promise<void> => {
    const last = await lastFullRebuildAt();
    if (last !== null && now() - last < intervalMs / 2) return;
    await requestRebuild('periodic');
  };

  const every = (ms: number, task: () => Promise<unknown>, what: string): void => {
    const timer = setInterval(() => {
      task().catch((err: unknown) => logger.warn(`${what} failed`, { error: err }));
    }, ms);
    timer.unref();
    timers.push(timer);
  };

  return {
    async start() {
      const jsm = await bus.jsm();
      await ensureAccountEventsStream(jsm);
      await ensureConsumer(jsm, stream, {
        durableName: durable,
        ...(options.ackWaitMs === undefined ? {} : { ackWaitMs: options.ackWaitMs }),
      });
      await requestRebuild('start');
      await loop.consume(bus.js(), stream, durable);
      const intervalMs = config.fullRebuildIntervalSeconds * 1000;
      every(intervalMs, () => periodicRebuild(intervalMs), 'periodic rebuild');
      every(options.lagCheckIntervalMs ?? DEFAULT_LAG_CHECK_INTERVAL_MS, checkLag, 'lag check');
      logger.info('snapshot builder following account events', { stream, durable });
    },
    async stop() {
      for (const timer of timers.splice(0)) clearInterval(timer);
      await loop.stop();
    },
    fullRebuild: requestRebuild,
    checkLag,
    stats() {
      const loopStats = loop.stats();
      return { ...loopStats, fullRebuilds, lastFullRebuild, lastBatch };
    },
  };
}
