import type { Db } from '@switchyard/db';
import { earliestOpsMetricsBucket, latestOpsMetricsBucket, selectOpsMetrics } from '@switchyard/db';
import { buildDailyRows } from '../aggregation/daily-rows.js';
import { DAY_MS, floorHour } from '../aggregation/time-buckets.js';
import type { AggregationResult } from './hourly-job.js';
import { upsertInPieces } from './hourly-job.js';
import { chunks, dailyRange } from './job-ranges.js';
import type { JobSettings } from './job-settings.js';

/**
 * One run of the daily roll-up at `now`: every day from the last one written (and at least
 * yesterday) through today, each rebuilt from its hourly rows.
 */
export async function runDailyRollup(
  db: Db,
  settings: JobSettings,
  now: number,
): Promise<AggregationResult> {
  const [latest, earliestHourly] = await Promise.all([
    latestOpsMetricsBucket(db.db, 'ops_metrics_daily'),
    earliestOpsMetricsBucket(db.db, 'ops_metrics_hourly'),
  ]);
  const range = dailyRange({
    now,
    hourlyTo: floorHour(now - settings.hourlySafeDelayMs),
    latestWritten: latest?.getTime() ?? null,
    earliestHourly: earliestHourly?.getTime() ?? null,
    hourlyRetentionMs: settings.retentionDays.hourly * DAY_MS,
  });
  if (range === null) return { range, rows: 0 };
  let written = 0;
  for (const day of chunks(range, DAY_MS)) {
    const hourly = await selectOpsMetrics(db.db, 'ops_metrics_hourly', {
      from: new Date(day.from),
      to: new Date(day.to),
    });
    const rows = buildDailyRows(new Date(day.from), hourly, new Date(now));
    await upsertInPieces(db, 'ops_metrics_daily', rows);
    written += rows.length;
  }
  return { range, rows: written };
}
