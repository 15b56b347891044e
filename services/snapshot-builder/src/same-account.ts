import type { Account } from '@switchyard/domain';

/**
 * Whether two scheduling views are equal field by field (both absent counts as equal). The
 * builder compares an account's Redis record with Postgres: equal means the last rebuild of
 * its buckets already saw this state, because records are written only after those rebuilds.
 */
export function sameAccount(a: Account | undefined, b: Account | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.id === b.id &&
    a.name === b.name &&
    a.platform === b.platform &&
    a.type === b.type &&
    a.status === b.status &&
    a.schedulable === b.schedulable &&
    a.concurrency === b.concurrency &&
    a.priority === b.priority &&
    a.rateLimitResetAt === b.rateLimitResetAt &&
    a.overloadUntil === b.overloadUntil &&
    a.tempUnschedulableUntil === b.tempUnschedulableUntil &&
    a.tempUnschedulableReason === b.tempUnschedulableReason &&
    a.mixedScheduling === b.mixedScheduling &&
    a.lastUsedAt === b.lastUsedAt &&
    a.expiresAt === b.expiresAt &&
    a.groupIds.length === b.groupIds.length &&
    a.groupIds.every((id, i) => id === b.groupIds[i]) &&
    // jsonb comes back with its keys in one canonical order, so equal mappings stringify alike.
    JSON.stringify(a.modelMapping) === JSON.stringify(b.modelMapping)
  );
}
