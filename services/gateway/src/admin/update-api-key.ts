import { sql } from 'kysely';
import type { Kysely, Updateable } from 'kysely';
import { getApiKey } from '@switchyard/db';
import type { ApiKeyRecord, ApiKeysTable, Database } from '@switchyard/db';
import type { UpdateApiKeyInput } from './schemas/api-key-input.js';

/**
 * Applies an admin PATCH to an API key; absent fields stay, `null` clears. Returns null when
 * the key does not exist. (The db package only offers a status update; the admin API is the
 * one place that edits the rest, so the statement lives here.)
 */
export async function updateApiKey(
  db: Kysely<Database>,
  id: number,
  patch: UpdateApiKeyInput,
): Promise<ApiKeyRecord | null> {
  const set: Updateable<ApiKeysTable> = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.groupId !== undefined) set.group_id = patch.groupId;
  if (patch.userId !== undefined) set.user_id = patch.userId;
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.expiresAt !== undefined) set.expires_at = patch.expiresAt;
  if (patch.quotaLimitUsd !== undefined) set.quota_limit_usd = patch.quotaLimitUsd;
  if (patch.quotaTokensLimit !== undefined) set.quota_tokens_limit = patch.quotaTokensLimit;
  if (patch.concurrencyLimit !== undefined) set.concurrency_limit = patch.concurrencyLimit;
  if (patch.rpmLimit !== undefined) set.rpm_limit = patch.rpmLimit;
  const updated = await db
    .updateTable('api_keys')
    .set({ ...set, updated_at: sql`now()` })
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  return updated === undefined ? null : getApiKey(db, id);
}
