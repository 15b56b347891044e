import { sql } from 'kysely';
import type { Db, TimeRange } from '@switchyard/db';
import { UNKNOWN_PLATFORM } from '../aggregation/slice-key.js';

export type CountBy<K extends string, V> = { readonly [key in K]: V } & { readonly count: number };

export type ErrorDistribution = {
  readonly total: number;
  readonly businessLimited: number;
  readonly byStatus: readonly CountBy<'statusCode', number>[];
  readonly byOwner: readonly CountBy<'owner', string>[];
  readonly byPlatform: readonly CountBy<'platform', string>[];
  readonly byUpstreamStatus: readonly CountBy<'upstreamStatusCode', number>[];
  readonly topMessages: readonly CountBy<'message', string>[];
};

export type ErrorFilter = { readonly platform?: string; readonly groupId?: number };

/**
 * How the errors in `range` split by status, owner, platform and upstream status, with the most
 * frequent messages. Same rules as the metrics rows: count_tokens attempts are left out and an
 * error without platform is `unknown`.
 */
export async function loadErrorDistribution(
  db: Db,
  range: TimeRange,
  filter: ErrorFilter = {},
  topMessages = 10,
): Promise<ErrorDistribution> {
  const where = sql`created_at >= ${range.from} and created_at < ${range.to}
    and not is_count_tokens
    ${filter.platform === undefined ? sql`` : sql`and coalesce(platform, ${UNKNOWN_PLATFORM}) = ${filter.platform}`}
    ${filter.groupId === undefined ? sql`` : sql`and coalesce(group_id, 0) = ${filter.groupId}`}`;
  const grouped = <T>(column: ReturnType<typeof sql>, alias: string, limit?: number) =>
    sql<T>`select ${column} as ${sql.ref(alias)}, count(*)::int8 as count
      from ops_error_logs where ${where}
      group by 1 order by count desc, 1
      ${limit === undefined ? sql`` : sql`limit ${limit}`}`.execute(db.db);
  const [totals, byStatus, byOwner, byPlatform, byUpstream, messages] = await Promise.all([
    sql<{ total: number; business_limited: number }>`select count(*)::int8 as total,
        count(*) filter (where is_business_limited)::int8 as business_limited
      from ops_error_logs where ${where}`.execute(db.db),
    grouped<{ statusCode: number; count: number }>(sql`status_code`, 'statusCode'),
    grouped<{ owner: string; count: number }>(sql`error_owner`, 'owner'),
    grouped<{ platform: string; count: number }>(
      sql`coalesce(platform, ${UNKNOWN_PLATFORM})`,
      'platform',
    ),
    sql<{
      upstreamStatusCode: number;
      count: number;
    }>`select upstream_status_code as "upstreamStatusCode",
        count(*)::int8 as count from ops_error_logs
      where ${where} and upstream_status_code is not null
      group by 1 order by count desc, 1`.execute(db.db),
    grouped<{ message: string; count: number }>(sql`left(message, 200)`, 'message', topMessages),
  ]);
  return {
    total: totals.rows[0]?.total ?? 0,
    businessLimited: totals.rows[0]?.business_limited ?? 0,
    byStatus: byStatus.rows,
    byOwner: byOwner.rows,
    byPlatform: byPlatform.rows,
    byUpstreamStatus: byUpstream.rows,
    topMessages: messages.rows,
  };
}
