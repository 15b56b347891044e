import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Account } from '@switchyard/domain';
import type { Database } from '../schema/database.js';

function epochMs(time: Date | null): number | null {
  return time === null ? null : time.getTime();
}

/**
 * The scheduling view (domain Account) of the given accounts, keyed by id; ids that do not
 * exist are absent (deleted accounts). One query however many ids, for the snapshot-builder's
 * batches. Reads the scheduling columns only: the credential blob is never selected.
 */
export async function loadAccountsById(
  db: Kysely<Database>,
  ids: readonly number[],
): Promise<Map<number, Account>> {
  const out = new Map<number, Account>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('accounts')
    .select([
      'id',
      'name',
      'platform',
      'type',
      'status',
      'schedulable',
      'concurrency',
      'priority',
      'rate_limit_reset_at',
      'overload_until',
      'temp_unschedulable_until',
      'temp_unschedulable_reason',
      'model_mapping',
      'mixed_scheduling',
      'last_used_at',
      'expires_at',
    ])
    .select(
      sql<number[]>`array(
        select ag.group_id from account_groups ag
        where ag.account_id = accounts.id order by ag.group_id
      )`.as('group_ids'),
    )
    .where('id', 'in', [...new Set(ids)])
    .execute();
  for (const row of rows) {
    out.set(row.id, {
      id: row.id,
      name: row.name,
      platform: row.platform,
      type: row.type,
      status: row.status,
      schedulable: row.schedulable,
      concurrency: row.concurrency,
      priority: row.priority,
      rateLimitResetAt: epochMs(row.rate_limit_reset_at),
      overloadUntil: epochMs(row.overload_until),
      tempUnschedulableUntil: epochMs(row.temp_unschedulable_until),
      tempUnschedulableReason: row.temp_unschedulable_reason,
      modelMapping: row.model_mapping,
      mixedScheduling: row.mixed_scheduling,
      lastUsedAt: epochMs(row.last_used_at),
      expiresAt: epochMs(row.expires_at),
      groupIds: row.group_ids,
    });
  }
  return out;
}
