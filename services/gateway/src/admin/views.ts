import type { AccountRecord, ApiKeyRecord, GroupRecord } from '@switchyard/db';

/**
 * What the admin API shows of each record. Built field by field rather than by deleting from
 * the record, so a column added later (say, a new secret) stays hidden until someone decides
 * to show it. Accounts never show credentials, encrypted or not; API keys never show their
 * hash, only the visible prefix.
 */
export function accountView(a: AccountRecord) {
  return {
    id: a.id,
    name: a.name,
    platform: a.platform,
    type: a.type,
    baseUrl: a.baseUrl,
    concurrency: a.concurrency,
    priority: a.priority,
    status: a.status,
    errorMessage: a.errorMessage,
    schedulable: a.schedulable,
    rateLimitResetAt: a.rateLimitResetAt,
    overloadUntil: a.overloadUntil,
    tempUnschedulableUntil: a.tempUnschedulableUntil,
    tempUnschedulableReason: a.tempUnschedulableReason,
    modelMapping: a.modelMapping,
    mixedScheduling: a.mixedScheduling,
    groupIds: a.groupIds,
    lastUsedAt: a.lastUsedAt,
    expiresAt: a.expiresAt,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}

export type AccountView = ReturnType<typeof accountView>;

export function groupView(g: GroupRecord) {
  return {
    id: g.id,
    name: g.name,
    platform: g.platform,
    description: g.description,
    status: g.status,
    createdAt: g.createdAt,
    updatedAt: g.updatedAt,
  };
}

export type GroupView = ReturnType<typeof groupView>;

export function apiKeyView(k: ApiKeyRecord) {
  return {
    id: k.id,
    name: k.name,
    keyPrefix: k.keyPrefix,
    userId: k.userId,
    groupId: k.groupId,
    status: k.status,
    expiresAt: k.expiresAt,
    quotaLimitUsd: k.quotaLimitUsd,
    quotaUsedUsd: k.quotaUsedUsd,
    quotaTokensLimit: k.quotaTokensLimit,
    quotaTokensUsed: k.quotaTokensUsed,
    concurrencyLimit: k.concurrencyLimit,
    rpmLimit: k.rpmLimit,
    lastUsedAt: k.lastUsedAt,
    createdAt: k.createdAt,
    updatedAt: k.updatedAt,
  };
}

export type ApiKeyView = ReturnType<typeof apiKeyView>;
