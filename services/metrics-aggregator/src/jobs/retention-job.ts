import type { Db } from '@switchyard/db';
import { deleteOpsMetricsBefore, deleteRequestLogsBefore } from '@switchyard/db';
import { DAY_MS } from '../aggregation/time-buckets.js';
import type { JobSettings } from './job-settings.js';

export type RetentionResult = {
  readonly usage: number;
  readonly errors: number;
  readonly hourly: number;
  readonly daily: number;
};

/** Deletes what is older than each table's retention at `now`; returns the rows deleted. */
export async function runRetention(
  db: Db,
  settings: JobSettings,
  now: number,
): Promise<RetentionResult> {
  const days = settings.retentionDays;
  const before = (keepDays: number) => new Date(now - keepDays * DAY_MS);
  return {
    usage: await deleteRequestLogsBefore(db.db, 'usage_logs', before(days.usage)),
    errors: await deleteRequestLogsBefore(db.db, 'ops_error_logs', before(days.error)),
    hourly: await deleteOpsMetricsBefore(db.db, 'ops_metrics_hourly', before(days.hourly)),
    daily: await deleteOpsMetricsBefore(db.db, 'ops_metrics_daily', before(days.daily)),
  };
}
