import type { EntityStatus } from '@switchyard/db';
import type { Platform } from '@switchyard/domain';

/**
 * Everything auth needs to know about a presented key, read in one query and cached: the key
 * row with its user's and group's status. Times are epoch ms.
 */
export type ApiKeyPrincipal = {
  readonly apiKeyId: number;
  readonly name: string;
  readonly keyPrefix: string;
  readonly status: EntityStatus;
  readonly expiresAt: number | null;
  readonly userId: number | null;
  /** Null when the key has no user. */
  readonly userStatus: EntityStatus | null;
  readonly groupId: number | null;
  /** Null when the key has no group. */
  readonly groupPlatform: Platform | null;
  readonly groupStatus: EntityStatus | null;
  readonly quotaLimitUsd: number | null;
  readonly quotaUsedUsd: number;
  readonly quotaTokensLimit: number | null;
  readonly quotaTokensUsed: number;
  readonly concurrencyLimit: number | null;
  readonly rpmLimit: number | null;
};
