import type { Kysely } from 'kysely';
import type { Database } from '@switchyard/db';
import type { ApiKeyPrincipal } from './api-key-principal.js';

/** Reads the key with the given SHA-256 hash and its user's and group's status; null if none. */
export async function loadApiKeyPrincipal(
  db: Kysely<Database>,
  keyHash: string,
): Promise<ApiKeyPrincipal | null> {
  const row = await db
    .selectFrom('api_keys as k')
    .leftJoin('users as u', 'u.id', 'k.user_id')
    .leftJoin('groups as g', 'g.id', 'k.group_id')
    .select([
      'k.id',
      'k.name',
      'k.key_prefix',
      'k.status',
      'k.expires_at',
      'k.user_id',
      'u.status as user_status',
      'k.group_id',
      'g.platform as group_platform',
      'g.status as group_status',
      'k.quota_limit_usd',
      'k.quota_used_usd',
      'k.quota_tokens_limit',
      'k.quota_tokens_used',
      'k.concurrency_limit',
      'k.rpm_limit',
    ])
    .where('k.key_hash', '=', keyHash)
    .executeTakeFirst();
  if (row === undefined) return null;
  return {
    apiKeyId: row.id,
    name: row.name,
    keyPrefix: row.key_prefix,
    status: row.status,
    expiresAt: row.expires_at === null ? null : row.expires_at.getTime(),
    userId: row.user_id,
    userStatus: row.user_status,
    groupId: row.group_id,
    groupPlatform: row.group_platform,
    groupStatus: row.group_status,
    quotaLimitUsd: row.quota_limit_usd === null ? null : Number(row.quota_limit_usd),
    quotaUsedUsd: Number(row.quota_used_usd),
    quotaTokensLimit: row.quota_tokens_limit,
    quotaTokensUsed: row.quota_tokens_used,
    concurrencyLimit: row.concurrency_limit,
    rpmLimit: row.rpm_limit,
  };
}
