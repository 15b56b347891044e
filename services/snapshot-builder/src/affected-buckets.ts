import { bucketKey, bucketsForAccount, PLATFORMS, SCHEDULING_MODES } from '@switchyard/domain';
import type { Account, BucketKey } from '@switchyard/domain';

/**
 * Buckets whose contents may change when an account goes from `before` to `after` (either
 * absent: created or deleted). Both sides count: an account that left a group or platform
 * must disappear from its old buckets, not only appear in its new ones. A change that keeps
 * membership still rewrites the same buckets, since they carry the account's fields.
 */
export function bucketsAffected(
  before: Account | undefined,
  after: Account | undefined,
): BucketKey[] {
  const keys = new Set<BucketKey>();
  if (before !== undefined) for (const key of bucketsForAccount(before)) keys.add(key);
  if (after !== undefined) for (const key of bucketsForAccount(after)) keys.add(key);
  return [...keys];
}

/** Every bucket a group can have: each platform in each scheduling mode. */
export function groupBuckets(groupId: number): BucketKey[] {
  return PLATFORMS.flatMap((platform) =>
    SCHEDULING_MODES.map((mode) => bucketKey({ groupId, platform, mode })),
  );
}
