import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import type { Database, OpsMetricsTableName } from '../schema/database.js';
import type { OpsMetricsTable } from '../schema/ops-metrics-table.js';
import type { TimeRange } from './request-log-slices.js';

export type OpsMetricsRecord = Selectable<OpsMetricsTable>;

/**
 * Which (platform, group) rows to read. `undefined` leaves the column unfiltered; `null` asks
 * for the "all" row (platform NULL = across platforms, group NULL = across groups).
 */
export type OpsMetricsSlice = {
  readonly platform?: string | null;
  readonly groupId?: number | null;
};

/** Rows of `table` with bucket_start in `range`, oldest first, optionally one slice only. */
export async function selectOpsMetrics(
  db: Kysely<Database>,
  table: OpsMetricsTableName,
  range: TimeRange,
  slice: OpsMetricsSlice = {},
): Promise<OpsMetricsRecord[]> {
  let query = db
    .selectFrom(table)
    .selectAll()
    .where('bucket_start', '>=', range.from)
    .where('bucket_start', '<', range.to);
  if (slice.platform === null) query = query.where('platform', 'is', null);
  else if (slice.platform !== undefined) query = query.where('platform', '=', slice.platform);
  if (slice.groupId === null) query = query.where('group_id', 'is', null);
  else if (slice.groupId !== undefined) query = query.where('group_id', '=', slice.groupId);
  return query.orderBy('bucket_start').orderBy('platform').orderBy('group_id').execute();
}

/** Start of the newest bucket written to `table`, or null when it is empty. */
export async function latestOpsMetricsBucket(
  db: Kysely<Database>,
  table: OpsMetricsTableName,
): Promise<Date | null> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.max('bucket_start').as('latest'))
    .executeTakeFirst();
  return (row?.latest as Date | null | undefined) ?? null;
}

/** Start of the oldest bucket written to `table`, or null when it is empty. */
export async function earliestOpsMetricsBucket(
  db: Kysely<Database>,
  table: OpsMetricsTableName,
): Promise<Date | null> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.min('bucket_start').as('earliest'))
    .executeTakeFirst();
  return (row?.earliest as Date | null | undefined) ?? null;
}

/** Deletes the buckets of `table` that started before `before`; returns how many rows went. */
export async function deleteOpsMetricsBefore(
  db: Kysely<Database>,
  table: OpsMetricsTableName,
  before: Date,
): Promise<number> {
  const result = await db.deleteFrom(table).where('bucket_start', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Deletes usage or error records older than `before`, `chunk` rows per statement so that a
 * first clean-up of months of rows never holds one huge transaction (and its locks and WAL)
 * open. Returns how many rows went.
 */
export async function deleteRequestLogsBefore(
  db: Kysely<Database>,
  table: 'usage_logs' | 'ops_error_logs',
  before: Date,
  chunk = 10_000,
): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await sql`
      delete from ${sql.table(table)} where id in (
        select id from ${sql.table(table)} where created_at < ${before} limit ${chunk}
      )
    `.execute(db);
    const deleted = Number(result.numAffectedRows ?? 0);
    total += deleted;
    if (deleted < chunk) return total;
  }
}
