import { sql } from 'kysely';
import type { Insertable, Kysely } from 'kysely';
import type { Database, OpsMetricsTableName } from '../schema/database.js';
import type { OpsMetricsTable } from '../schema/ops-metrics-table.js';

/** One metrics bucket row as the aggregator writes it (snake_case, like the table). */
export type OpsMetricsRow = Omit<Insertable<OpsMetricsTable>, 'id'>;

/**
 * The conflict target matching the `<table>_slice_key` unique index of migration 0003. It
 * must name exactly the index expressions, or Postgres finds no index to infer.
 */
export const OPS_METRICS_CONFLICT_TARGET = sql`bucket_start, coalesce(platform, ''), coalesce(group_id, -1)`;

const MUTABLE_COLUMNS = [
  'success_count',
  'error_count_total',
  'error_count_sla',
  'business_limited_count',
  'upstream_error_count_excl_429_529',
  'upstream_429_count',
  'upstream_529_count',
  'token_consumed',
  'duration_count',
  'duration_sum_ms',
  'duration_p50_ms',
  'duration_p90_ms',
  'duration_p95_ms',
  'duration_p99_ms',
  'duration_avg_ms',
  'duration_max_ms',
  'duration_hist',
  'ttft_count',
  'ttft_sum_ms',
  'ttft_p50_ms',
  'ttft_p90_ms',
  'ttft_p95_ms',
  'ttft_p99_ms',
  'ttft_avg_ms',
  'ttft_max_ms',
  'ttft_hist',
  'computed_at',
] as const satisfies readonly (keyof OpsMetricsTable)[];

/**
 * Writes bucket rows, replacing any row of the same (bucket, platform, group) slice: the
 * aggregator recomputes a whole bucket, so the newest computation wins. Every column of a
 * replaced row is overwritten (a column the new row omits returns to its default, and
 * `computed_at` to now()). One call must not carry two rows of the same slice: Postgres refuses
 * to update a row twice in one statement.
 */
export async function upsertOpsMetrics(
  db: Kysely<Database>,
  table: OpsMetricsTableName,
  rows: readonly OpsMetricsRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto(table)
    .values([...rows])
    .onConflict((oc) =>
      oc
        .expression(OPS_METRICS_CONFLICT_TARGET)
        .doUpdateSet((eb) =>
          Object.fromEntries(
            MUTABLE_COLUMNS.map((column) => [column, eb.ref(`excluded.${column}`)]),
          ),
        ),
    )
    .execute();
}
