import type { Db } from '@switchyard/db';
import {
  earliestRequestLogAt,
  latestOpsMetricsBucket,
  loadErrorSlices,
  loadUsageSlices,
  upsertOpsMetrics,
} from '@switchyard/db';
import type { OpsMetricsRow, OpsMetricsTableName } from '@switchyard/db';
import { buildHourlyRowsForRange } from '../aggregation/hourly-rows.js';
import { DAY_MS, HOUR_MS } from '../aggregation/time-buckets.js';
import type { BucketRange } from './job-ranges.js';
import { chunks, hourlyRange } from './job-ranges.js';
import type { JobSettings } from './job-settings.js';

/** What one run of an aggregation job did. */
export type AggregationResult = { readonly range: BucketRange | null; readonly rows: number };

// Six hours per read: a catch-up after a long outage holds at most six hours of latency
// samples in memory at once (4 bytes each, ~25 MB at 1 M requests an hour).
const HOURS_PER_READ = 6;
// Rows per upsert statement: 31 columns each, well below Postgres' 65535 parameters.
const ROWS_PER_UPSERT = 1_000;

/**
 * One run of the hourly pre-aggregation at `now`: works out the hours to (re)compute, reads
 * their usage and error slices, builds the rows at the three granularities and upserts them.
 */
export async function runHourlyAggregation(
  db: Db,
  settings: JobSettings,
  now: number,
): Promise<AggregationResult> {
  const [latest, earliest] = await Promise.all([
    latestOpsMetricsBucket(db.db, 'ops_metrics_hourly'),
    earliestRequestLogAt(db.db),
  ]);
  const range = hourlyRange({
    now,
    safeDelayMs: settings.hourlySafeDelayMs,
    overlapHours: settings.hourlyOverlapHours,
    latestWritten: latest?.getTime() ?? null,
    earliestRaw: earliest?.getTime() ?? null,
    rawRetentionMs: Math.min(settings.retentionDays.usage, settings.retentionDays.error) * DAY_MS,
  });
  if (range === null) return { range, rows: 0 };
  let written = 0;
  for (const piece of chunks(range, HOURS_PER_READ * HOUR_MS)) {
    const window = { from: new Date(piece.from), to: new Date(piece.to) };
    const [usage, errors] = await Promise.all([
      loadUsageSlices(db.db, window),
      loadErrorSlices(db.db, window),
    ]);
    const rows = buildHourlyRowsForRange(piece.from, piece.to, usage, errors, new Date(now));
    await upsertInPieces(db, 'ops_metrics_hourly', rows);
    written += rows.length;
  }
  return { range, rows: written };
}

export async function upsertInPieces(
  db: Db,
  table: OpsMetricsTableName,
  rows: readonly OpsMetricsRow[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_UPSERT) {
    await upsertOpsMetrics(db.db, table, rows.slice(i, i + ROWS_PER_UPSERT));
  }
}
