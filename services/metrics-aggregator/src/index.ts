export { createMetricsAggregator } from './create-metrics-aggregator.js';
export type {
  AggregatorConfig,
  AggregatorTuning,
  MetricsAggregator,
  MetricsAggregatorOptions,
} from './create-metrics-aggregator.js';
export type { AggregatorMetrics } from './aggregator-metrics.js';

export {
  IngestConsumers,
  USAGE_EVENTS_MAX_AGE_MS,
  ensureUsageEventsStream,
} from './ingest/ingest.js';
export { PARKED_EVENTS_STREAM, parkedSubject } from './ingest/parked-events.js';
export { usageRow, errorRow } from './ingest/event-rows.js';
export { PriceBook } from './ingest/price-book.js';

export { UNKNOWN_PLATFORM, errorPlatform, groupKey } from './aggregation/slice-key.js';
export type { SliceKey } from './aggregation/slice-key.js';
export {
  sortSamples,
  kthSmallest,
  percentileCont,
  interpolate,
} from './aggregation/sorted-samples.js';
export {
  LATENCY_BOUNDS_MS,
  HistogramGridError,
  bucketIndex,
  estimatePercentile,
  fromStored,
  toStored,
} from './aggregation/latency-histogram.js';
export type { DenseHistogram } from './aggregation/latency-histogram.js';
export { PERCENTILES } from './aggregation/latency-summary.js';
export { buildHourlyRows, buildHourlyRowsForRange } from './aggregation/hourly-rows.js';
export { buildDailyRows } from './aggregation/daily-rows.js';
export { HOUR_MS, DAY_MS, MINUTE_MS, floorHour, floorDay } from './aggregation/time-buckets.js';

export { hourlyRange, dailyRange, chunks } from './jobs/job-ranges.js';
export type { BucketRange, HourlyRangeInput, DailyRangeInput } from './jobs/job-ranges.js';
export { runHourlyAggregation } from './jobs/hourly-job.js';
export type { AggregationResult } from './jobs/hourly-job.js';
export { runDailyRollup } from './jobs/daily-job.js';
export { runRetention } from './jobs/retention-job.js';
export type { RetentionResult } from './jobs/retention-job.js';
export type { JobSettings } from './jobs/job-settings.js';
export { LeaderLock, LockVia, SkipReason } from './jobs/leader-lock.js';
export type { JobRunOutcome, JobWindow, LeaderLockOptions } from './jobs/leader-lock.js';
export { JobScheduler, windowOf } from './jobs/job-scheduler.js';
export type { PeriodicJob } from './jobs/job-scheduler.js';
export type { LockedJob } from './jobs/locked-job.js';

export { parseCron, cronMatches, CronSyntaxError } from './reports/cron.js';
export type { CronSchedule } from './reports/cron.js';
export { ReportsJob, ReportKind, renderReport } from './reports/reports-job.js';
export type { ReportsTick, ReportSchedules } from './reports/reports-job.js';
export {
  deliverReport,
  reportFileName,
  ReportDeliveryError,
  ReportTarget,
} from './reports/deliver-report.js';
export type { Report, ReportTargets } from './reports/deliver-report.js';
export {
  renderDailySummary,
  renderErrorDigest,
  renderAccountHealth,
} from './reports/render-reports.js';

export {
  AvailabilityState,
  availabilityState,
  summarizeAvailability,
} from './queries/account-availability.js';
export type { AccountAvailability, AvailabilityRow } from './queries/account-availability.js';
export type { ErrorDistribution } from './queries/error-distribution.js';
export type { Overview } from './queries/overview.js';
export type { SchedulerMetrics } from './queries/scheduler-metrics.js';
export type { TrendPoint } from './api/trend-points.js';

export { resolveUplotDir } from './dashboard/dashboard-router.js';
