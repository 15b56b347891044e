import type { Account } from '@switchyard/domain';
import type { AccountRecord } from './accounts.js';

function epochMs(time: Date | null): number | null {
  return time === null ? null : time.getTime();
}

/**
 * The scheduling view of an account (`@switchyard/domain` Account): epoch-ms times, no
 * credentials, no bookkeeping columns. Copies `groupIds` so the view never aliases the record.
 */
export function toDomainAccount(record: AccountRecord): Account {
  return {
    id: record.id,
    name: record.name,
    platform: record.platform,
    type: record.type,
    status: record.status,
    schedulable: record.schedulable,
    concurrency: record.concurrency,
    priority: record.priority,
    rateLimitResetAt: epochMs(record.rateLimitResetAt),
    overloadUntil: epochMs(record.overloadUntil),
    tempUnschedulableUntil: epochMs(record.tempUnschedulableUntil),
    tempUnschedulableReason: record.tempUnschedulableReason,
    modelMapping: record.modelMapping,
    mixedScheduling: record.mixedScheduling,
    lastUsedAt: epochMs(record.lastUsedAt),
    expiresAt: epochMs(record.expiresAt),
    groupIds: [...record.groupIds],
  };
}
