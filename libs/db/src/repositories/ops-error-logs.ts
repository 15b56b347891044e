import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../schema/database.js';
import type { ErrorOwner } from '../schema/column-values.js';

/** One failed attempt as ingest writes it (snake_case, like the table). */
export type OpsErrorLogInsert = {
  readonly request_id: string;
  readonly attempt_id: string;
  readonly phase: string;
  readonly status_code: number;
  readonly upstream_status_code: number | null;
  readonly error_owner: ErrorOwner;
  readonly is_business_limited: boolean;
  readonly is_count_tokens: boolean;
  readonly platform: string | null;
  readonly group_id: number | null;
  readonly account_id: number | null;
  readonly api_key_id: number | null;
  readonly retry_count: number;
  readonly message: string;
  /** The event's own time (ISO string or Date), so a replay lands in the same bucket. */
  readonly created_at: Date | string;
};

/**
 * Inserts a batch of error records in one statement and returns how many were new; an
 * attempt id already stored is skipped. Same single-JSON-parameter shape as insertUsageLogs.
 */
export async function insertOpsErrorLogs(
  db: Kysely<Database>,
  rows: readonly OpsErrorLogInsert[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await sql<{ inserted: number }>`
    with ins as (
      insert into ops_error_logs (
        request_id, attempt_id, phase, status_code, upstream_status_code, error_owner,
        is_business_limited, is_count_tokens, platform, group_id, account_id, api_key_id,
        retry_count, message, created_at
      )
      select
        request_id, attempt_id, phase, status_code, upstream_status_code, error_owner,
        is_business_limited, is_count_tokens, platform, group_id, account_id, api_key_id,
        retry_count, message, created_at
      from json_populate_recordset(null::ops_error_logs, ${rows}::json)
      on conflict (attempt_id) do nothing
      returning 1
    )
    select count(*)::int as inserted from ins
  `.execute(db);
  return result.rows[0]?.inserted ?? 0;
}
