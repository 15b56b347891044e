import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../schema/database.js';

/**
 * The raw material of one hourly bucket for one (platform, group) of usage: counters plus every
 * latency sample, so that the caller can compute exact percentiles at any coarser level by
 * merging slices (a percentile of a union is not a function of the parts' percentiles).
 */
export type UsageSlice = {
  readonly bucketStart: Date;
  readonly platform: string;
  /** null: the API key had no group. */
  readonly groupId: number | null;
  /** Every usage row, count_tokens probes included. */
  readonly requests: number;
  /** input + output + cache creation + cache read tokens of every row. */
  readonly tokens: number;
  /** duration_ms of the rows that are not count_tokens probes, unordered. */
  readonly durationsMs: readonly number[];
  /** first_token_ms of the rows that are not count_tokens probes and have one, unordered. */
  readonly ttftsMs: readonly number[];
};

/**
 * Error counters of one hourly bucket for one raw (platform, group) of ops_error_logs.
 * count_tokens attempts are left out altogether: an upstream that cannot count tokens is not
 * an outage. `platform` / `groupId` are the stored values, null included; mapping null to the
 * `unknown` platform and the ungrouped group is the aggregator's rule, not the query's.
 */
export type ErrorSlice = {
  readonly bucketStart: Date;
  readonly platform: string | null;
  readonly groupId: number | null;
  readonly total: number;
  /** Client saw status >= 400 and the refusal was not business-limited. */
  readonly sla: number;
  readonly businessLimited: number;
  /** The upstream failed (an upstream status, or a failure in the upstream phase), not 429/529. */
  readonly upstreamOther: number;
  readonly upstream429: number;
  readonly upstream529: number;
};

export type TimeRange = {
  /** Inclusive. */
  readonly from: Date;
  /** Exclusive. */
  readonly to: Date;
};

// Buckets are UTC hours whatever the session time zone (the 3-argument date_trunc, PG 12+):
// a server in a half-hour zone would otherwise cut "hours" at :30.
const HOUR_OF = (column: string) => sql`date_trunc('hour', ${sql.ref(column)}, 'UTC')`;

/**
 * Usage slices of every hour in `range`, one per (hour, platform, group). The latency samples
 * come back as int4 arrays: one scan and a hash aggregate, no sort in the database — the
 * caller sorts per slice, which is the cheap part (see docs/metrics.md for the figures).
 */
export async function loadUsageSlices(
  db: Kysely<Database>,
  range: TimeRange,
): Promise<UsageSlice[]> {
  const result = await sql<{
    bucket_start: Date;
    platform: string;
    group_id: number | null;
    requests: number;
    tokens: number;
    durations: number[];
    ttfts: number[];
  }>`
    select
      ${HOUR_OF('created_at')} as bucket_start,
      platform,
      group_id,
      count(*)::int8 as requests,
      coalesce(sum(input_tokens + output_tokens + cache_creation_tokens + cache_read_tokens), 0)::int8
        as tokens,
      coalesce(array_agg(duration_ms) filter (where not is_count_tokens), '{}') as durations,
      coalesce(
        array_agg(first_token_ms) filter (where not is_count_tokens and first_token_ms is not null),
        '{}'
      ) as ttfts
    from usage_logs
    where created_at >= ${range.from} and created_at < ${range.to}
    group by 1, 2, 3
  `.execute(db);
  return result.rows.map((row) => ({
    bucketStart: row.bucket_start,
    platform: row.platform,
    groupId: row.group_id,
    requests: row.requests,
    tokens: row.tokens,
    durationsMs: row.durations,
    ttftsMs: row.ttfts,
  }));
}

/** Error slices of every hour in `range`, one per (hour, stored platform, stored group). */
export async function loadErrorSlices(
  db: Kysely<Database>,
  range: TimeRange,
): Promise<ErrorSlice[]> {
  const result = await sql<{
    bucket_start: Date;
    platform: string | null;
    group_id: number | null;
    total: number;
    sla: number;
    business_limited: number;
    upstream_other: number;
    upstream_429: number;
    upstream_529: number;
  }>`
    select
      ${HOUR_OF('created_at')} as bucket_start,
      platform,
      group_id,
      count(*)::int8 as total,
      count(*) filter (where status_code >= 400 and not is_business_limited)::int8 as sla,
      count(*) filter (where is_business_limited)::int8 as business_limited,
      count(*) filter (
        where (upstream_status_code is not null or phase = 'upstream')
          and coalesce(upstream_status_code, 0) not in (429, 529)
      )::int8 as upstream_other,
      count(*) filter (where upstream_status_code = 429)::int8 as upstream_429,
      count(*) filter (where upstream_status_code = 529)::int8 as upstream_529
    from ops_error_logs
    where created_at >= ${range.from} and created_at < ${range.to} and not is_count_tokens
    group by 1, 2, 3
  `.execute(db);
  return result.rows.map((row) => ({
    bucketStart: row.bucket_start,
    platform: row.platform,
    groupId: row.group_id,
    total: row.total,
    sla: row.sla,
    businessLimited: row.business_limited,
    upstreamOther: row.upstream_other,
    upstream429: row.upstream_429,
    upstream529: row.upstream_529,
  }));
}

/** Time of the oldest usage or error record, or null when both tables are empty. */
export async function earliestRequestLogAt(db: Kysely<Database>): Promise<Date | null> {
  const result = await sql<{ earliest: Date | null }>`
    select least(
      (select min(created_at) from usage_logs),
      (select min(created_at) from ops_error_logs)
    ) as earliest
  `.execute(db);
  return result.rows[0]?.earliest ?? null;
}
