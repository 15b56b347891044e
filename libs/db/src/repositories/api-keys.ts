import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema/database.js';
import type { EntityStatus } from '../schema/column-values.js';
import type { ApiKeysTable } from '../schema/api-keys-table.js';

/** An API key as stored: the hash and visible prefix, never the key itself. */
export type ApiKeyRecord = {
  id: number;
  userId: number | null;
  name: string;
  keyHash: string;
  keyPrefix: string;
  groupId: number | null;
  status: EntityStatus;
  expiresAt: Date | null;
  /** USD; numeric in Postgres, a double here (amounts are far below double precision limits). */
  quotaLimitUsd: number | null;
  quotaUsedUsd: number;
  quotaTokensLimit: number | null;
  quotaTokensUsed: number;
  concurrencyLimit: number | null;
  rpmLimit: number | null;
  lastUsedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

/** A new key, from `generateApiKey()`'s `keyHash` and `keyPrefix`. */
export type NewApiKey = {
  name: string;
  keyHash: string;
  keyPrefix: string;
  userId?: number | null;
  groupId?: number | null;
  status?: EntityStatus;
  expiresAt?: Date | null;
  quotaLimitUsd?: number | null;
  quotaTokensLimit?: number | null;
  concurrencyLimit?: number | null;
  rpmLimit?: number | null;
};

function toApiKeyRecord(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    keyHash: row.key_hash,
    keyPrefix: row.key_prefix,
    groupId: row.group_id,
    status: row.status,
    expiresAt: row.expires_at,
    quotaLimitUsd: row.quota_limit_usd === null ? null : Number(row.quota_limit_usd),
    quotaUsedUsd: Number(row.quota_used_usd),
    quotaTokensLimit: row.quota_tokens_limit,
    quotaTokensUsed: row.quota_tokens_used,
    concurrencyLimit: row.concurrency_limit,
    rpmLimit: row.rpm_limit,
    lastUsedAt: row.last_used_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function createApiKey(db: Kysely<Database>, input: NewApiKey): Promise<ApiKeyRecord> {
  const row = await db
    .insertInto('api_keys')
    .values({
      name: input.name,
      key_hash: input.keyHash,
      key_prefix: input.keyPrefix,
      user_id: input.userId,
      group_id: input.groupId,
      status: input.status,
      expires_at: input.expiresAt,
      quota_limit_usd: input.quotaLimitUsd,
      quota_tokens_limit: input.quotaTokensLimit,
      concurrency_limit: input.concurrencyLimit,
      rpm_limit: input.rpmLimit,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toApiKeyRecord(row);
}

/** Looks a key up by `hashApiKey(presentedKey)`; the caller checks status and expiry. */
export async function findApiKeyByHash(
  db: Kysely<Database>,
  keyHash: string,
): Promise<ApiKeyRecord | null> {
  const row = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('key_hash', '=', keyHash)
    .executeTakeFirst();
  return row === undefined ? null : toApiKeyRecord(row);
}

export async function getApiKey(db: Kysely<Database>, id: number): Promise<ApiKeyRecord | null> {
  const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? null : toApiKeyRecord(row);
}

export async function listApiKeys(
  db: Kysely<Database>,
  filter: { userId?: number; groupId?: number } = {},
): Promise<ApiKeyRecord[]> {
  let query = db.selectFrom('api_keys').selectAll().orderBy('id');
  if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
  if (filter.groupId !== undefined) query = query.where('group_id', '=', filter.groupId);
  return (await query.execute()).map(toApiKeyRecord);
}

/** Returns null when the key does not exist. */
export async function updateApiKeyStatus(
  db: Kysely<Database>,
  id: number,
  status: EntityStatus,
): Promise<ApiKeyRecord | null> {
  const row = await db
    .updateTable('api_keys')
    .set({ status, updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? null : toApiKeyRecord(row);
}

export async function deleteApiKey(db: Kysely<Database>, id: number): Promise<boolean> {
  const result = await db.deleteFrom('api_keys').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
