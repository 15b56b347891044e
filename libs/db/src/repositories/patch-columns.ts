import type { Updateable } from 'kysely';

/**
 * Turns a camelCase patch into a snake_case kysely update, skipping fields that are
 * `undefined` (absent) and keeping `null` (clear the column). `columns` names the column of
 * every patch field, so adding a field without a column is a type error.
 */
export function patchColumns<Patch extends object, Table>(
  patch: Patch,
  columns: { readonly [K in keyof Required<Patch>]: keyof Table & string },
): Updateable<Table> {
  const update: Record<string, unknown> = {};
  for (const field of Object.keys(columns) as (keyof Patch & keyof typeof columns)[]) {
    const value = patch[field];
    if (value !== undefined) update[columns[field]] = value;
  }
  // Each patch field has the same type as its column's update type (checked by the callers'
  // patch types); the record only loses that pairing to the loop.
  return update as Updateable<Table>;
}
