import type { Kysely } from 'kysely';
import type { Database } from '@switchyard/db';
import { AdminValidationError } from './admin-validation-error.js';

/** Throws a 400 naming `field` unless every id is an existing group. */
export async function checkGroupsExist(
  db: Kysely<Database>,
  ids: readonly number[],
  field: string,
): Promise<void> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return;
  const found = await db.selectFrom('groups').select('id').where('id', 'in', wanted).execute();
  const known = new Set(found.map((row) => row.id));
  const missing = wanted.filter((id) => !known.has(id));
  if (missing.length > 0) {
    throw new AdminValidationError([
      { path: field, message: `no group with id ${missing.join(', ')}` },
    ]);
  }
}

/** Throws a 400 naming `field` unless the user exists. */
export async function checkUserExists(
  db: Kysely<Database>,
  id: number,
  field: string,
): Promise<void> {
  const found = await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst();
  if (found === undefined) {
    throw new AdminValidationError([{ path: field, message: `no user with id ${id}` }]);
  }
}
