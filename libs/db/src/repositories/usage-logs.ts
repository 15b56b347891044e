import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../schema/database.js';

/** One usage record as ingest writes it (snake_case, like the table). */
export type UsageLogInsert = {
  readonly request_id: string;
  readonly api_key_id: number;
  readonly user_id: number | null;
  readonly group_id: number | null;
  readonly account_id: number;
  readonly platform: string;
  readonly model: string;
  readonly requested_model: string;
  readonly upstream_model: string | null;
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cache_creation_tokens: number;
  readonly cache_read_tokens: number;
  readonly stream: boolean;
  readonly is_count_tokens: boolean;
  readonly duration_ms: number;
  readonly first_token_ms: number | null;
  /** The event's own time (ISO string or Date), so a replay lands in the same bucket. */
  readonly created_at: Date | string;
};

/**
 * Inserts a batch of usage records in one statement and returns how many were new; records
 * whose request id is already stored are skipped (ingest is at-least-once, so replays are
 * normal). The batch travels as one JSON parameter expanded by `json_populate_recordset`:
 * one parameter whatever the batch size (no 65535-parameter ceiling, one cached plan) and the
 * table's own column types do the conversions.
 */
export async function insertUsageLogs(
  db: Kysely<Database>,
  rows: readonly UsageLogInsert[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await sql<{ inserted: number }>`
    with ins as (
      insert into usage_logs (
        request_id, api_key_id, user_id, group_id, account_id, platform, model,
        requested_model, upstream_model, input_tokens, output_tokens, cache_creation_tokens,
        cache_read_tokens, stream, is_count_tokens, duration_ms, first_token_ms, created_at
      )
      select
        request_id, api_key_id, user_id, group_id, account_id, platform, model,
        requested_model, upstream_model, input_tokens, output_tokens, cache_creation_tokens,
        cache_read_tokens, stream, is_count_tokens, duration_ms, first_token_ms, created_at
      from json_populate_recordset(null::usage_logs, ${rows}::json)
      on conflict (request_id) do nothing
      returning 1
    )
    select count(*)::int as inserted from ins
  `.execute(db);
  return result.rows[0]?.inserted ?? 0;
}
