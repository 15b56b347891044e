import { sql } from 'kysely';
import type { Kysely, Updateable } from 'kysely';
import type { AccountStatePatch } from '@switchyard/domain';
import type { AccountsTable } from '../schema/accounts-table.js';
import type { Database } from '../schema/database.js';

/** What `persistAccountState` did. */
export const PersistStateOutcome = {
  /** The state columns now hold the patch. */
  Applied: 'applied',
  /** Postgres already holds an observation at or after this one; nothing was written. */
  Stale: 'stale',
  /** No such account (deleted meanwhile). */
  Missing: 'missing',
} as const;
export type PersistStateOutcome = (typeof PersistStateOutcome)[keyof typeof PersistStateOutcome];

function date(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}

/**
 * Writes runtime state a gateway observed upstream (an `account_state` event) to the account,
 * unless a newer observation is already stored: `state_observed_at` must be strictly older
 * (or unset). One conditional UPDATE, so concurrent writers (builder replicas, a gateway's
 * fallback) cannot interleave a read and a write. Fields absent from the patch are untouched;
 * `null` clears. An observation at the same instant as the stored one is a repeat and is not
 * written again (see isNewerState in @switchyard/domain), which keeps replays idempotent.
 */
export async function persistAccountState(
  db: Kysely<Database>,
  accountId: number,
  patch: AccountStatePatch,
): Promise<PersistStateOutcome> {
  const observedAt = new Date(patch.observedAt);
  const set: Updateable<AccountsTable> = { state_observed_at: observedAt };
  if (patch.rateLimitResetAt !== undefined) set.rate_limit_reset_at = date(patch.rateLimitResetAt);
  if (patch.overloadUntil !== undefined) set.overload_until = date(patch.overloadUntil);
  if (patch.tempUnschedulableUntil !== undefined) {
    set.temp_unschedulable_until = date(patch.tempUnschedulableUntil);
  }
  if (patch.tempUnschedulableReason !== undefined) {
    set.temp_unschedulable_reason = patch.tempUnschedulableReason;
  }
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.schedulable !== undefined) set.schedulable = patch.schedulable;
  const updated = await db
    .updateTable('accounts')
    .set({ ...set, updated_at: sql`now()` })
    .where('id', '=', accountId)
    .where((eb) =>
      eb.or([eb('state_observed_at', 'is', null), eb('state_observed_at', '<', observedAt)]),
    )
    .returning('id')
    .executeTakeFirst();
  if (updated !== undefined) return PersistStateOutcome.Applied;
  const exists = await db
    .selectFrom('accounts')
    .select('id')
    .where('id', '=', accountId)
    .executeTakeFirst();
  return exists === undefined ? PersistStateOutcome.Missing : PersistStateOutcome.Stale;
}

/**
 * Moves `last_used_at` forward for each entry (never backwards: batches from several gateways
 * arrive in any order). One statement for the whole batch. Returns the ids whose time moved.
 */
export async function recordAccountsLastUsed(
  db: Kysely<Database>,
  entries: readonly { readonly accountId: number; readonly at: number }[],
): Promise<number[]> {
  // Latest time per account, so the VALUES list never names an account twice.
  const latest = new Map<number, number>();
  for (const { accountId, at } of entries) {
    const seen = latest.get(accountId);
    if (seen === undefined || at > seen) latest.set(accountId, at);
  }
  if (latest.size === 0) return [];
  const ids = [...latest.keys()];
  const times = ids.map((id) => new Date(latest.get(id) ?? 0).toISOString());
  const result = await sql<{ id: number }>`
    update accounts a set last_used_at = u.at
    from unnest(${ids}::int8[], ${times}::timestamptz[]) as u(id, at)
    where a.id = u.id and (a.last_used_at is null or a.last_used_at < u.at)
    returning a.id`.execute(db);
  return result.rows.map((row) => row.id).sort((a, b) => a - b);
}
