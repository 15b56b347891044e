import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema/database.js';
import type { EntityStatus } from '../schema/column-values.js';
import type { UsersTable } from '../schema/users-table.js';

export type UserRecord = {
  id: number;
  email: string;
  name: string;
  status: EntityStatus;
  createdAt: Date;
  updatedAt: Date;
};

export type NewUser = {
  email: string;
  name: string;
  status?: EntityStatus;
};

function toUserRecord(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function createUser(db: Kysely<Database>, input: NewUser): Promise<UserRecord> {
  const row = await db
    .insertInto('users')
    .values({ email: input.email, name: input.name, status: input.status })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toUserRecord(row);
}

export async function getUser(db: Kysely<Database>, id: number): Promise<UserRecord | null> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? null : toUserRecord(row);
}

export async function getUserByEmail(
  db: Kysely<Database>,
  email: string,
): Promise<UserRecord | null> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email)
    .executeTakeFirst();
  return row === undefined ? null : toUserRecord(row);
}
