import type { Account } from './account.js';
import { bucketKey, parseBucketKey, type Bucket, type BucketKey } from './bucket-key.js';
import { UNGROUPED_GROUP_ID } from './group.js';
import { Platform } from './platform.js';
import { SCHEDULING_MODES, SchedulingMode } from './scheduling-mode.js';

/*
 * Bucket membership — the one rule that snapshot building and selection must agree on.
 *
 * An account of platform P belongs, for every group G it is in (group 0 when it has none), to
 *   - g<G>:P:single, g<G>:P:forced and g<G>:P:mixed (its own platform, every mode);
 *   - additionally, when P is antigravity and `mixedScheduling` is on, to
 *     g<G>:anthropic:mixed and g<G>:gemini:mixed: antigravity can speak both protocols, and
 *     the admin allowed it to stand in for native accounts — but never in `single` or `forced`
 *     buckets of another platform, where the client asked for that platform only.
 *
 * Membership is structural: status, the schedulable flag and rate limits are not looked at
 * here, because they change far more often than buckets are rebuilt; `isSchedulable(now)`
 * filters them at selection time.
 */

/** Platforms whose `mixed` buckets accept antigravity accounts with mixed scheduling. */
export const MIXED_SCHEDULING_PLATFORMS = [
  Platform.Anthropic,
  Platform.Gemini,
] as const satisfies readonly Platform[];

type MembershipView = Pick<Account, 'platform' | 'mixedScheduling' | 'groupIds'>;

/** The groups an account is scheduled in: its groups, or [0] when it has none (deduplicated). */
export function accountGroupIds(account: Pick<Account, 'groupIds'>): number[] {
  return account.groupIds.length === 0 ? [UNGROUPED_GROUP_ID] : [...new Set(account.groupIds)];
}

/** The platforms whose `mode` buckets include this account (its own platform first). */
export function accountBucketPlatforms(
  account: Pick<Account, 'platform' | 'mixedScheduling'>,
  mode: SchedulingMode,
): Platform[] {
  if (mode === SchedulingMode.Mixed && joinsMixedBuckets(account)) {
    return [account.platform, ...MIXED_SCHEDULING_PLATFORMS];
  }
  return [account.platform];
}

/** Every bucket the account belongs to; agrees with `accountInBucket`. */
export function bucketsForAccount(account: MembershipView): BucketKey[] {
  const keys: BucketKey[] = [];
  for (const groupId of accountGroupIds(account)) {
    for (const mode of SCHEDULING_MODES) {
      for (const platform of accountBucketPlatforms(account, mode)) {
        keys.push(bucketKey({ groupId, platform, mode }));
      }
    }
  }
  return keys;
}

/** Whether the account belongs to `bucket` (a Bucket or its key). */
export function accountInBucket(account: MembershipView, bucket: Bucket | BucketKey): boolean {
  const { groupId, platform, mode } = typeof bucket === 'string' ? parseBucketKey(bucket) : bucket;
  const inGroup =
    account.groupIds.length === 0
      ? groupId === UNGROUPED_GROUP_ID
      : account.groupIds.includes(groupId);
  if (!inGroup) return false;
  if (platform === account.platform) return true;
  return (
    mode === SchedulingMode.Mixed &&
    joinsMixedBuckets(account) &&
    (MIXED_SCHEDULING_PLATFORMS as readonly Platform[]).includes(platform)
  );
}

function joinsMixedBuckets(account: Pick<Account, 'platform' | 'mixedScheduling'>): boolean {
  return account.platform === Platform.Antigravity && account.mixedScheduling;
}
