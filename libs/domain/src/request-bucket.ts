import { bucketKey, type BucketKey } from './bucket-key.js';
import { MIXED_SCHEDULING_PLATFORMS } from './bucket-membership.js';
import type { Platform } from './platform.js';
import { SchedulingMode } from './scheduling-mode.js';

/**
 * The scheduling mode a request uses: `forced` when the client pinned the platform, `mixed`
 * for the platforms antigravity accounts can stand in for, `single` otherwise.
 */
export function schedulingModeFor(request: {
  platform: Platform;
  forcePlatform?: boolean | undefined;
}): SchedulingMode {
  if (request.forcePlatform === true) return SchedulingMode.Forced;
  if ((MIXED_SCHEDULING_PLATFORMS as readonly Platform[]).includes(request.platform)) {
    return SchedulingMode.Mixed;
  }
  return SchedulingMode.Single;
}

/** The bucket a request draws its candidates from. */
export function bucketForRequest(request: {
  groupId: number;
  platform: Platform;
  forcePlatform?: boolean | undefined;
}): BucketKey {
  return bucketKey({
    groupId: request.groupId,
    platform: request.platform,
    mode: schedulingModeFor(request),
  });
}
