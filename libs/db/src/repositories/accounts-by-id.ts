import type { Kysely } from 'kysely';
import type { Account } from '@switchyard/domain';
import type { Database } from '../schema/database.js';
import { selectSchedulingAccounts, toAccount } from './bucket-accounts.js';

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
  const rows = await selectSchedulingAccounts(db)
    .where('accounts.id', 'in', [...new Set(ids)])
    .execute();
  for (const row of rows) out.set(row.id, toAccount(row));
  return out;
}
