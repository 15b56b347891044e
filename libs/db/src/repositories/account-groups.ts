import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../schema/database.js';
import { inTransaction } from './in-transaction.js';

/** A group id, or a group id with the account's priority inside that group (default 50). */
export type AccountGroupLink = number | { groupId: number; priority?: number };

function normalise(links: readonly AccountGroupLink[]): { groupId: number; priority?: number }[] {
  const byGroup = new Map<number, { groupId: number; priority?: number }>();
  for (const link of links) {
    const normalised = typeof link === 'number' ? { groupId: link } : link;
    byGroup.set(normalised.groupId, normalised);
  }
  return [...byGroup.values()];
}

/** Inserts links (or refreshes their priority); the caller holds the transaction. */
export async function insertAccountGroupLinks(
  db: Kysely<Database>,
  accountId: number,
  links: readonly AccountGroupLink[],
): Promise<void> {
  const rows = normalise(links).map((link) => ({
    account_id: accountId,
    group_id: link.groupId,
    priority: link.priority,
  }));
  if (rows.length === 0) return;
  await db
    .insertInto('account_groups')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['account_id', 'group_id']).doUpdateSet((eb) => ({
        priority: eb.ref('excluded.priority'),
      })),
    )
    .execute();
}

/**
 * Makes `links` the account's complete set of groups: removes the others, adds the missing,
 * keeps `created_at` of links that stay. Touches `accounts.updated_at`, since membership is
 * part of the account's scheduling view. Returns the account's group ids, ascending.
 */
export async function setAccountGroups(
  db: Kysely<Database>,
  accountId: number,
  links: readonly AccountGroupLink[],
): Promise<number[]> {
  const wanted = normalise(links);
  return inTransaction(db, async (trx) => {
    let removal = trx.deleteFrom('account_groups').where('account_id', '=', accountId);
    if (wanted.length > 0) {
      removal = removal.where(
        'group_id',
        'not in',
        wanted.map((link) => link.groupId),
      );
    }
    await removal.execute();
    await insertAccountGroupLinks(trx, accountId, wanted);
    await trx
      .updateTable('accounts')
      .set({ updated_at: sql`now()` })
      .where('id', '=', accountId)
      .execute();
    const rows = await trx
      .selectFrom('account_groups')
      .select('group_id')
      .where('account_id', '=', accountId)
      .orderBy('group_id')
      .execute();
    return rows.map((row) => row.group_id);
  });
}
