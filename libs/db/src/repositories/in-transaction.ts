import type { Kysely } from 'kysely';
import type { Database } from '../schema/database.js';

/**
 * Runs `work` in a transaction, or inside the caller's transaction when `db` already is one
 * (kysely refuses to nest `transaction()`), so repository functions compose under a caller's
 * transaction.
 */
export function inTransaction<T>(
  db: Kysely<Database>,
  work: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
