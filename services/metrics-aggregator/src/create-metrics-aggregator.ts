import type { RequestListener } from 'node:http';
import type { Bus } from '@switchyard/bus';
import type { MetricsAggregatorConfig } from '@switchyard/config';
import type { Db } from '@switchyard/db';
import type { Redis } from '@switchyard/redis';
import { KeyBuilder } from '@switchyard/redis';
import type { Logger, Registry } from '@switchyard/telemetry';
import { createMetricsRegistry } from '@switchyard/telemetry';
import express from 'express';
import type { Request, Response } from 'express';
import type { AggregatorMetrics } from './aggregator-metrics.js';
import { createAggregatorMetrics } from './aggregator-metrics.js';
import { HOUR_MS, MINUTE_MS } from './aggregation/time-buckets.js';
import { opsApiRouter } from './api/ops-api.js';
import { dashboardRouter } from './dashboard/dashboard-router.js';
import type { Ingest } from './ingest/ingest.js';
import { PriceBook } from './ingest/price-book.js';
import { startIngest } from './ingest/ingest.js';
import { runDailyRollup } from './jobs/daily-job.js';
import { runHourlyAggregation } from './jobs/hourly-job.js';
import { JobScheduler } from './jobs/job-scheduler.js';
import type { JobSettings } from './jobs/job-settings.js';
import { LeaderLock } from './jobs/leader-lock.js';
import type { LockedJob } from './jobs/locked-job.js';
import { lockedJob } from './jobs/locked-job.js';
import { runRetention } from './jobs/retention-job.js';
import { ReportsJob } from './reports/reports-job.js';

/** The configuration fields the aggregator reads. */
export type AggregatorConfig = Pick<
  MetricsAggregatorConfig,
  | 'batchSize'
  | 'batchMaxWaitMs'
  | 'hourlyIntervalMinutes'
  | 'hourlySafeDelayMinutes'
  | 'dailyIntervalMinutes'
  | 'retentionDays'
  | 'reports'
  | 'modelPrices'
  | 'redisKeyPrefix'
  | 'instanceId'
>;

/** Knobs with sensible defaults that the environment does not set. */
export type AggregatorTuning = {
  /** Consume usage and error events (default true). */
  readonly ingest: boolean;
  /** Run the jobs on their timers (default true); tests tick them by hand instead. */
  readonly schedule: boolean;
  /**
   * Ingest batches written concurrently per consumer (default 4): while one waits on Postgres
   * the next are decoded and sent, so neither side idles (measured on 2 cores under CPU
   * contention: 2 in flight with batches of 500 fell to ~15,000 events/s, 4 with batches of 1000
   * stayed above 20,000; on a quiet machine both pass, 30,000 against 27,700).
   */
  readonly maxInFlight: number;
  /**
   * Ack wait of the ingest consumers (default 10 s): how soon the events of a crashed
   * replica's unfinished batches go to another one. A batch insert takes milliseconds.
   */
  readonly ackWaitMs: number;
  /** Hours the hourly job recomputes on every run (default 2). */
  readonly hourlyOverlapHours: number;
  /** Period of the retention clean-up (default 1 h). */
  readonly retentionIntervalMs: number;
  /** How long the ops API waits for scheduler replicas (default 1 s). */
  readonly schedulerTimeoutMs: number;
};

const DEFAULT_TUNING: AggregatorTuning = {
  ingest: true,
  schedule: true,
  maxInFlight: 4,
  ackWaitMs: 10_000,
  hourlyOverlapHours: 2,
  retentionIntervalMs: HOUR_MS,
  schedulerTimeoutMs: 1_000,
};

export interface MetricsAggregatorOptions {
  readonly config: AggregatorConfig;
  readonly bus: Bus;
  readonly redis: Redis;
  readonly db: Db;
  readonly logger: Logger;
  /** Where the Prometheus metrics go; a registry of its own when omitted. */
  readonly registry?: Registry;
  /** Epoch ms; default Date.now. */
  readonly clock?: () => number;
  /** Directory of the `uplot` npm package, whose build the dashboard serves (resolveUplotDir). */
  readonly uplotDir: string;
  readonly tuning?: Partial<AggregatorTuning>;
}

export interface MetricsAggregator {
  /** Ops API (`/api/ops/...`) and dashboard (`/dashboard`), for runService's HTTP server. */
  readonly handler: RequestListener;
  /** The periodic jobs; `tick(now)` runs one window through the leader lock. */
  readonly jobs: {
    readonly hourly: LockedJob;
    readonly daily: LockedJob;
    readonly retention: LockedJob;
    readonly reports: ReportsJob;
  };
  readonly settings: JobSettings;
  readonly metrics: AggregatorMetrics;
  /** Starts ingest and the job timers (as tuned). */
  start(): Promise<void>;
  /** Stops ingest (finishing batches in hand), the timers, and releases held locks. */
  stop(): Promise<void>;
}

/**
 * The metrics aggregator: exactly-once ingest of usage and error events into Postgres, the
 * hourly and daily pre-aggregation, retention and reports on leader-locked timers, and the ops
 * API with its dashboard. Connections are the caller's (see main.ts).
 */
export function createMetricsAggregator(options: MetricsAggregatorOptions): MetricsAggregator {
  const { config, bus, db, logger } = options;
  const tuning = { ...DEFAULT_TUNING, ...options.tuning };
  const clock = options.clock ?? Date.now;
  const registry =
    options.registry ??
    createMetricsRegistry({
      service: 'metrics-aggregator',
      instance: config.instanceId,
      defaultMetrics: false,
    });
  const metrics = createAggregatorMetrics(registry);
  const settings: JobSettings = {
    hourlyIntervalMs: config.hourlyIntervalMinutes * MINUTE_MS,
    hourlySafeDelayMs: config.hourlySafeDelayMinutes * MINUTE_MS,
    hourlyOverlapHours: tuning.hourlyOverlapHours,
    dailyIntervalMs: config.dailyIntervalMinutes * MINUTE_MS,
    retentionIntervalMs: tuning.retentionIntervalMs,
    retentionDays: config.retentionDays,
  };
  const lock = new LeaderLock({
    redis: options.redis,
    keys: new KeyBuilder(config.redisKeyPrefix),
    db,
    logger: logger.child({ component: 'leader-lock' }),
    clock,
  });
  const jobLogger = logger.child({ component: 'jobs' });
  const deps = { lock, logger: jobLogger, metrics };
  const jobs = {
    hourly: lockedJob(
      {
        name: 'metrics-hourly',
        intervalMs: settings.hourlyIntervalMs,
        run: (now) => runHourlyAggregation(db, settings, now),
      },
      deps,
    ),
    daily: lockedJob(
      {
        name: 'metrics-daily',
        intervalMs: settings.dailyIntervalMs,
        // Half an hourly period after the hour, so the daily run reads freshly closed hours.
        offsetMs: Math.min(settings.hourlyIntervalMs / 2, settings.dailyIntervalMs / 2),
        run: (now) => runDailyRollup(db, settings, now),
      },
      deps,
    ),
    retention: lockedJob(
      {
        name: 'metrics-retention',
        intervalMs: settings.retentionIntervalMs,
        offsetMs: settings.retentionIntervalMs / 4,
        run: (now) => runRetention(db, settings, now),
      },
      deps,
    ),
    reports: new ReportsJob({
      db,
      lock,
      logger: logger.child({ component: 'reports' }),
      metrics,
      targets: { dir: config.reports.dir, webhookUrl: config.reports.webhookUrl },
      schedules: {
        'daily-summary': config.reports.dailySummaryCron,
        'error-digest': config.reports.errorDigestCron,
        'account-health': config.reports.accountHealthCron,
      },
    }),
  };
  const scheduled = [
    jobs.hourly,
    jobs.daily,
    jobs.retention,
    ...(jobs.reports.enabled ? [jobs.reports] : []),
  ];
  const scheduler = new JobScheduler(scheduled, clock, jobLogger);

  const app = express();
  app.disable('x-powered-by');
  app.use(
    '/api/ops',
    opsApiRouter({
      db,
      bus,
      logger: logger.child({ component: 'ops-api' }),
      clock,
      schedulerTimeoutMs: tuning.schedulerTimeoutMs,
    }),
  );
  app.use(dashboardRouter(options.uplotDir));
  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: { code: 'not_found', message: 'no such page' } });
  });

  let ingest: Ingest | undefined;
  return {
    handler: app,
    jobs,
    settings,
    metrics,
    async start() {
      if (tuning.ingest) {
        ingest = await startIngest(
          { bus, db, logger, metrics },
          {
            batchSize: config.batchSize,
            batchMaxWaitMs: config.batchMaxWaitMs,
            maxInFlight: tuning.maxInFlight,
            ackWaitMs: tuning.ackWaitMs,
            prices: new PriceBook(config.modelPrices),
          },
        );
      }
      if (tuning.schedule) scheduler.start();
      if (!jobs.reports.enabled) {
        logger.info('reports disabled: neither REPORTS_DIR nor REPORTS_WEBHOOK_URL is set');
      }
    },
    async stop() {
      await ingest?.stop();
      await scheduler.stop();
      await lock.releaseAll();
    },
  };
}
