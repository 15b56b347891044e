import { sql } from 'kysely';
import type { Db } from '@switchyard/db';
import { UNKNOWN_PLATFORM } from '../aggregation/slice-key.js';
import type { ErrorFilter } from './error-distribution.js';

/** The last few minutes at a glance, straight from the raw records. */
export type Overview = {
  readonly from: string;
  readonly to: string;
  readonly windowSeconds: number;
  /** Served requests plus failed attempts (count_tokens failures left out), per second. */
  readonly qps: number;
  readonly tokensPerSecond: number;
  readonly successCount: number;
  readonly errorCount: number;
  readonly slaErrorCount: number;
  readonly businessLimitedCount: number;
  /** successCount / (successCount + errorCount); null without traffic. */
  readonly successRate: number | null;
  readonly errorRate: number | null;
  readonly slaErrorRate: number | null;
  readonly durationP50Ms: number | null;
  readonly durationP99Ms: number | null;
  readonly ttftP50Ms: number | null;
  readonly ttftP99Ms: number | null;
};

/**
 * Current rates over the window ending at `now`. Exact percentiles (percentile_cont) are fine
 * here: the window is minutes of rows, read through the created_at index.
 */
export async function loadOverview(
  db: Db,
  now: number,
  windowMs: number,
  filter: ErrorFilter = {},
): Promise<Overview> {
  const from = new Date(now - windowMs);
  const to = new Date(now);
  const usageFilter = sql`created_at >= ${from} and created_at < ${to}
    ${filter.platform === undefined ? sql`` : sql`and platform = ${filter.platform}`}
    ${filter.groupId === undefined ? sql`` : sql`and coalesce(group_id, 0) = ${filter.groupId}`}`;
  const errorFilter = sql`created_at >= ${from} and created_at < ${to} and not is_count_tokens
    ${filter.platform === undefined ? sql`` : sql`and coalesce(platform, ${UNKNOWN_PLATFORM}) = ${filter.platform}`}
    ${filter.groupId === undefined ? sql`` : sql`and coalesce(group_id, 0) = ${filter.groupId}`}`;
  const result = await sql<{
    success: number;
    tokens: number;
    errors: number;
    sla: number;
    business_limited: number;
    duration: (number | null)[] | null;
    ttft: (number | null)[] | null;
  }>`
    with u as (select * from usage_logs where ${usageFilter}),
    e as (select * from ops_error_logs where ${errorFilter})
    select
      (select count(*) from u)::int8 as success,
      (select coalesce(sum(input_tokens + output_tokens + cache_creation_tokens + cache_read_tokens), 0) from u)::int8
        as tokens,
      (select count(*) from e)::int8 as errors,
      (select count(*) from e where status_code >= 400 and not is_business_limited)::int8 as sla,
      (select count(*) from e where is_business_limited)::int8 as business_limited,
      (select percentile_cont(array[0.5, 0.99]) within group (order by duration_ms)
        from u where not is_count_tokens) as duration,
      (select percentile_cont(array[0.5, 0.99]) within group (order by first_token_ms)
        from u where not is_count_tokens and first_token_ms is not null) as ttft
  `.execute(db.db);
  const row = result.rows[0]!;
  const seconds = windowMs / 1000;
  const attempts = row.success + row.errors;
  const ratio = (n: number) => (attempts === 0 ? null : n / attempts);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    windowSeconds: seconds,
    qps: attempts / seconds,
    tokensPerSecond: row.tokens / seconds,
    successCount: row.success,
    errorCount: row.errors,
    slaErrorCount: row.sla,
    businessLimitedCount: row.business_limited,
    successRate: ratio(row.success),
    errorRate: ratio(row.errors),
    slaErrorRate: ratio(row.sla),
    durationP50Ms: row.duration?.[0] ?? null,
    durationP99Ms: row.duration?.[1] ?? null,
    ttftP50Ms: row.ttft?.[0] ?? null,
    ttftP99Ms: row.ttft?.[1] ?? null,
  };
}
