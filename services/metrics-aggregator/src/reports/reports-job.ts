import type { Db } from '@switchyard/db';
import { selectOpsMetrics } from '@switchyard/db';
import type { Logger } from '@switchyard/telemetry';
import type { AggregatorMetrics } from '../aggregator-metrics.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, floorDay, floorTo } from '../aggregation/time-buckets.js';
import type { PeriodicJob } from '../jobs/job-scheduler.js';
import type { JobRunOutcome, LeaderLock } from '../jobs/leader-lock.js';
import { loadAccountAvailability } from '../queries/account-availability.js';
import { loadErrorDistribution } from '../queries/error-distribution.js';
import type { CronSchedule } from './cron.js';
import { cronMatches, parseCron } from './cron.js';
import type { Report, ReportTargets } from './deliver-report.js';
import { deliverReport } from './deliver-report.js';
import { renderAccountHealth, renderDailySummary, renderErrorDigest } from './render-reports.js';

export const ReportKind = {
  DailySummary: 'daily-summary',
  ErrorDigest: 'error-digest',
  AccountHealth: 'account-health',
} as const;
export type ReportKind = (typeof ReportKind)[keyof typeof ReportKind];

export type ReportSchedules = Readonly<Record<ReportKind, string>>;

/** Renders one report as of `now` from Postgres. */
export async function renderReport(db: Db, kind: ReportKind, now: number): Promise<Report> {
  const generatedAt = new Date(now);
  switch (kind) {
    case ReportKind.DailySummary: {
      // Yesterday: the last complete UTC day.
      const day = floorDay(now) - DAY_MS;
      const rows = await selectOpsMetrics(
        db.db,
        'ops_metrics_daily',
        { from: new Date(day), to: new Date(day + DAY_MS) },
        { groupId: null },
      );
      return { kind, generatedAt, markdown: renderDailySummary(new Date(day), rows) };
    }
    case ReportKind.ErrorDigest: {
      const range = { from: new Date(now - HOUR_MS), to: generatedAt };
      const errors = await loadErrorDistribution(db, range);
      return { kind, generatedAt, markdown: renderErrorDigest(range.from, range.to, errors) };
    }
    case ReportKind.AccountHealth:
      return {
        kind,
        generatedAt,
        markdown: renderAccountHealth(await loadAccountAvailability(db, now)),
      };
  }
}

export type ReportsJobDeps = {
  readonly db: Db;
  readonly lock: LeaderLock;
  readonly logger: Logger;
  readonly metrics: AggregatorMetrics;
  readonly targets: ReportTargets;
  readonly schedules: ReportSchedules;
};

/** A minute tick: which reports were due and what the leader lock said for each. */
export type ReportsTick = Partial<Record<ReportKind, JobRunOutcome>>;

/**
 * Checks every minute which reports' cron expressions match, and produces each due report on
 * one instance (leader lock per report and minute), delivering it to the configured targets.
 */
export class ReportsJob implements PeriodicJob {
  readonly name = 'reports';
  readonly intervalMs = MINUTE_MS;
  readonly offsetMs = 0;
  readonly #deps: ReportsJobDeps;
  readonly #schedules: readonly (readonly [ReportKind, CronSchedule])[];

  constructor(deps: ReportsJobDeps) {
    this.#deps = deps;
    this.#schedules = (Object.entries(deps.schedules) as [ReportKind, string][]).map(
      ([kind, cron]) => [kind, parseCron(cron)] as const,
    );
  }

  /** True when there is somewhere to deliver to. */
  get enabled(): boolean {
    return this.#deps.targets.dir !== undefined || this.#deps.targets.webhookUrl !== undefined;
  }

  async tick(now: number): Promise<ReportsTick> {
    const minute = floorTo(now, MINUTE_MS);
    const outcomes: ReportsTick = {};
    if (!this.enabled) return outcomes;
    for (const [kind, schedule] of this.#schedules) {
      if (!cronMatches(schedule, minute)) continue;
      const window = { start: minute, end: minute + MINUTE_MS };
      try {
        outcomes[kind] = await this.#deps.lock.run(`report-${kind}`, window, () =>
          this.#produce(kind, now),
        );
      } catch (err) {
        this.#deps.logger.error('report failed', { report: kind, error: err });
      }
    }
    return outcomes;
  }

  async #produce(kind: ReportKind, now: number): Promise<void> {
    const { metrics, logger } = this.#deps;
    const report = await renderReport(this.#deps.db, kind, now);
    try {
      const delivered = await deliverReport(report, this.#deps.targets);
      for (const target of delivered) metrics.reports.inc({ report: kind, target, outcome: 'ok' });
      logger.info('report delivered', { report: kind, targets: delivered });
    } catch (err) {
      const target = (err as { target?: string }).target ?? 'unknown';
      metrics.reports.inc({ report: kind, target, outcome: 'failed' });
      throw err;
    }
  }
}
