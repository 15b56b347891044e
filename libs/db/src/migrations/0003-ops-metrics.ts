import { sql } from 'kysely';
import type { Kysely } from 'kysely';

const TABLES = ['ops_metrics_hourly', 'ops_metrics_daily'] as const;

async function createMetricsTable(db: Kysely<unknown>, table: string): Promise<void> {
  const counter = 'bigint';
  await db.schema
    .createTable(table)
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('bucket_start', 'timestamptz', (col) => col.notNull())
    .addColumn('platform', 'text')
    .addColumn('group_id', 'bigint')
    .addColumn('success_count', counter, (col) => col.notNull().defaultTo(0))
    .addColumn('error_count_total', counter, (col) => col.notNull().defaultTo(0))
    .addColumn('error_count_sla', counter, (col) => col.notNull().defaultTo(0))
    .addColumn('business_limited_count', counter, (col) => col.notNull().defaultTo(0))
    .addColumn('upstream_error_count_excl_429_529', counter, (col) => col.notNull().defaultTo(0))
    .addColumn('upstream_429_count', counter, (col) => col.notNull().defaultTo(0))
    .addColumn('upstream_529_count', counter, (col) => col.notNull().defaultTo(0))
    .addColumn('token_consumed', counter, (col) => col.notNull().defaultTo(0))
    .addColumn('duration_count', counter, (col) => col.notNull().defaultTo(0))
    .addColumn('duration_sum_ms', 'double precision', (col) => col.notNull().defaultTo(0))
    .addColumn('duration_p50_ms', 'double precision')
    .addColumn('duration_p90_ms', 'double precision')
    .addColumn('duration_p95_ms', 'double precision')
    .addColumn('duration_p99_ms', 'double precision')
    .addColumn('duration_avg_ms', 'double precision')
    .addColumn('duration_max_ms', 'double precision')
    .addColumn('duration_hist', 'jsonb')
    .addColumn('ttft_count', counter, (col) => col.notNull().defaultTo(0))
    .addColumn('ttft_sum_ms', 'double precision', (col) => col.notNull().defaultTo(0))
    .addColumn('ttft_p50_ms', 'double precision')
    .addColumn('ttft_p90_ms', 'double precision')
    .addColumn('ttft_p95_ms', 'double precision')
    .addColumn('ttft_p99_ms', 'double precision')
    .addColumn('ttft_avg_ms', 'double precision')
    .addColumn('ttft_max_ms', 'double precision')
    .addColumn('ttft_hist', 'jsonb')
    .addColumn('computed_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  // One row per (bucket, platform, group) slice, where NULL platform / group mean "all".
  // A plain unique index on (bucket_start, platform, group_id) would not stop duplicates of
  // exactly those rows, because Postgres treats NULLs as distinct in unique indexes; folding
  // NULL to a sentinel makes the overall rows collide as they should. Upserts must name the
  // same expressions (see OPS_METRICS_CONFLICT_TARGET):
  //   ON CONFLICT (bucket_start, COALESCE(platform, ''), COALESCE(group_id, -1))
  // The group sentinel is -1, not 0, because 0 is a real slice: the domain's UNGROUPED_GROUP_ID
  // (traffic of keys without a group), which must not collide with the all-groups row.
  // '' is never a platform. (UNIQUE NULLS NOT DISTINCT would do the same, but only from
  // Postgres 15; managed databases still run older versions.)
  await sql`create unique index ${sql.id(`${table}_slice_key`)} on ${sql.table(table)} (
    bucket_start, coalesce(platform, ''), coalesce(group_id, -1)
  )`.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of TABLES) await createMetricsTable(db, table);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of TABLES) await db.schema.dropTable(table).execute();
}
