export type { EpochMs } from './epoch-ms.js';
export { Platform, PLATFORMS, isPlatform } from './platform.js';
export { AccountType, ACCOUNT_TYPES, isAccountType } from './account-type.js';
export { AccountStatus, ACCOUNT_STATUSES, isAccountStatus } from './account-status.js';
export { SchedulingMode, SCHEDULING_MODES, isSchedulingMode } from './scheduling-mode.js';
export { DEFAULT_ACCOUNT_CONCURRENCY, DEFAULT_ACCOUNT_PRIORITY } from './account.js';
export type { Account, AccountSchedulingState } from './account.js';
export { UNGROUPED_GROUP_ID } from './group.js';
export type { Group } from './group.js';
export { UnschedulableReason } from './unschedulable-reason.js';
export { isSchedulable, unschedulableReason } from './is-schedulable.js';
export type { ModelMapping } from './model-mapping-type.js';
export { CompiledModelMapping, PASSTHROUGH_MODEL, compileModelMapping } from './model-mapping.js';
export { compiledModelMappingOf, resolveUpstreamModel, supportsModel } from './supports-model.js';
export { InvalidBucketKeyError } from './invalid-bucket-key-error.js';
export { bucketKey, parseBucketKey, isBucketKey } from './bucket-key.js';
export type { Bucket, BucketKey } from './bucket-key.js';
export {
  MIXED_SCHEDULING_PLATFORMS,
  accountBucketPlatforms,
  accountGroupIds,
  accountInBucket,
  bucketsForAccount,
} from './bucket-membership.js';
export { bucketForRequest, schedulingModeFor } from './request-bucket.js';
export { ACCOUNT_STATE_FIELDS, applyAccountState, isNewerState } from './apply-account-state.js';
export type { AccountStateField, AccountStatePatch } from './apply-account-state.js';
export { seededRandom } from './seeded-random.js';
