import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import type { Platform } from '@switchyard/domain';
import type { Database } from '../schema/database.js';
import type { EntityStatus } from '../schema/column-values.js';
import type { GroupsTable } from '../schema/groups-table.js';
import { patchColumns } from './patch-columns.js';

export type GroupRecord = {
  id: number;
  name: string;
  platform: Platform;
  description: string;
  status: EntityStatus;
  createdAt: Date;
  updatedAt: Date;
};

export type NewGroup = {
  name: string;
  platform: Platform;
  description?: string;
  status?: EntityStatus;
};

export type GroupPatch = {
  name?: string;
  platform?: Platform;
  description?: string;
  status?: EntityStatus;
};

const GROUP_COLUMNS = {
  name: 'name',
  platform: 'platform',
  description: 'description',
  status: 'status',
} as const;

function toGroupRecord(row: Selectable<GroupsTable>): GroupRecord {
  return {
    id: row.id,
    name: row.name,
    platform: row.platform,
    description: row.description,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function createGroup(db: Kysely<Database>, input: NewGroup): Promise<GroupRecord> {
  const row = await db
    .insertInto('groups')
    .values({
      name: input.name,
      platform: input.platform,
      description: input.description,
      status: input.status,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toGroupRecord(row);
}

export async function getGroup(db: Kysely<Database>, id: number): Promise<GroupRecord | null> {
  const row = await db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? null : toGroupRecord(row);
}

export async function listGroups(
  db: Kysely<Database>,
  filter: { platform?: Platform } = {},
): Promise<GroupRecord[]> {
  let query = db.selectFrom('groups').selectAll().orderBy('id');
  if (filter.platform !== undefined) query = query.where('platform', '=', filter.platform);
  return (await query.execute()).map(toGroupRecord);
}

/** Applies the fields present in `patch`; returns null when the group does not exist. */
export async function updateGroup(
  db: Kysely<Database>,
  id: number,
  patch: GroupPatch,
): Promise<GroupRecord | null> {
  const row = await db
    .updateTable('groups')
    .set({ ...patchColumns<GroupPatch, GroupsTable>(patch, GROUP_COLUMNS), updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? null : toGroupRecord(row);
}

/**
 * Deletes the group; its account links go with it (cascade) and its API keys are detached.
 * Returns whether a group was deleted.
 */
export async function deleteGroup(db: Kysely<Database>, id: number): Promise<boolean> {
  const result = await db.deleteFrom('groups').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
