export { createSnapshotBuilder } from './create-snapshot-builder.js';
export type {
  CreateSnapshotBuilderOptions,
  SnapshotBuilder,
  SnapshotBuilderSettings,
  SnapshotBuilderStats,
} from './create-snapshot-builder.js';
export { assessLag, INITIAL_LAG_STATE, LagRebuildReason } from './lag-policy.js';
export type { LagSample, LagState, LagThresholds, LagVerdict } from './lag-policy.js';
export { bucketsAffected, groupBuckets } from './affected-buckets.js';
export { patchMembers } from './bucket-writer.js';
export type { AccountChanges } from './bucket-writer.js';
export { sameAccount } from './same-account.js';
export type { FullRebuildReport } from './full-rebuild.js';
export type { BatchReport } from './event-processor.js';
export type { BucketRebuildReport } from './bucket-writer.js';
export {
  BuilderStoppedError,
  LockWaitTimeoutError,
  SnapshotBuilderError,
} from './snapshot-builder-errors.js';
