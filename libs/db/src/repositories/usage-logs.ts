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
  /** What the request cost in USD (0 when unpriced); added to the key's `quota_used_usd`. */
  readonly cost_usd: number;
  /** The event's own time (ISO string or Date), so a replay lands in the same bucket. */
  readonly created_at: Date | string;
};

/**
 * Inserts a batch of usage records in one statement and returns how many were new; records
 * whose request id is already stored are skipped (ingest is at-least-once, so replays are
 * normal). The batch travels as one JSON parameter expanded by `json_populate_recordset`:
 * one parameter whatever the batch size (no 65535-parameter ceiling, one cached plan) and the
 * table's own column types do the conversions.
 *
 * The same statement meters the rows it inserted on their API keys: `quota_tokens_used` grows
 * by their input, output, cache-creation and cache-read tokens (a count_tokens call consumes
 * none), `quota_used_usd` by their cost, and `last_used_at` moves forward to the newest of them, never back (events arrive out
 * of order). Only rows the insert returned count, so a replayed batch meters nothing twice,
 * and the log and the counters commit or fail together.
 */
export async function insertUsageLogs(
  db: Kysely<Database>,
  rows: readonly UsageLogInsert[],
): Promise<number> {
  if (rows.length === 0) return 0;
  // `locked` takes the keys' row locks in id order before any of them is updated: ingest
  // writes several batches at once, and two batches updating shared keys in different orders
  // would deadlock. Every key `upd` touches comes out of `locked`, so no lock is taken out of
  // order whatever join the planner picks. `updated_at` is left alone: it tracks edits of the
  // key's settings, and metering is not one (accounts.last_used_at does the same).
  const result = await sql<{ inserted: number }>`
    with ins as (
      insert into usage_logs (
        request_id, api_key_id, user_id, group_id, account_id, platform, model,
        requested_model, upstream_model, input_tokens, output_tokens, cache_creation_tokens,
        cache_read_tokens, stream, is_count_tokens, duration_ms, first_token_ms, cost_usd,
        created_at
      )
      select
        request_id, api_key_id, user_id, group_id, account_id, platform, model,
        requested_model, upstream_model, input_tokens, output_tokens, cache_creation_tokens,
        cache_read_tokens, stream, is_count_tokens, duration_ms, first_token_ms, cost_usd,
        created_at
      from json_populate_recordset(null::usage_logs, ${rows}::json)
      on conflict (request_id) do nothing
      returning api_key_id, input_tokens, output_tokens, cache_creation_tokens,
        cache_read_tokens, is_count_tokens, cost_usd, created_at
    ),
    used as (
      select
        api_key_id,
        coalesce(
          sum(input_tokens + output_tokens + cache_creation_tokens + cache_read_tokens)
            filter (where not is_count_tokens),
          0
        )::bigint as tokens,
        coalesce(sum(cost_usd) filter (where not is_count_tokens), 0) as cost_usd,
        max(created_at) as last_used_at
      from ins
      group by api_key_id
    ),
    locked as materialized (
      select k.id, used.tokens, used.cost_usd, used.last_used_at
      from api_keys k
      join used on used.api_key_id = k.id
      order by k.id
      for update of k
    ),
    upd as (
      update api_keys k set
        quota_tokens_used = k.quota_tokens_used + locked.tokens,
        quota_used_usd = k.quota_used_usd + locked.cost_usd,
        last_used_at = greatest(k.last_used_at, locked.last_used_at)
      from locked
      where k.id = locked.id
    )
    select count(*)::int as inserted from ins
  `.execute(db);
  return result.rows[0]?.inserted ?? 0;
}
