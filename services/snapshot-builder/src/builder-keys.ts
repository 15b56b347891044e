import type { BucketKey } from '@switchyard/domain';
import type { KeyBuilder } from '@switchyard/redis';

/** The Redis keys the snapshot-builder owns besides snapshots and account records. */
export interface BuilderKeys {
  /** Held while a replica rebuilds the bucket (one bucket, or all of them in a full rebuild). */
  bucketLock(bucket: BucketKey): string;
  /**
   * Held while a replica applies events of the account: reading its record, rebuilding the
   * buckets it was and is in, writing its record — so two replicas never interleave those steps
   * for one account (the later one would otherwise rebuild from a record the earlier one is
   * about to replace, and miss a bucket the account just left).
   */
  accountLock(accountId: number): string;
  /** Held by the replica running a full rebuild; while present no event batch starts. */
  readonly fullRebuildLock: string;
  /** Sorted set of event batches running on any replica (see RebuildGate). */
  readonly runningBatches: string;
  /**
   * Hash: account id → JSON list of buckets a batch was about to update for the account.
   * Written before the buckets and removed with the record write, so a batch that dies in
   * between leaves behind which buckets may hold the account in a state its record lacks.
   */
  readonly pendingBuckets: string;
  /**
   * Start time (epoch ms) of the last completed full rebuild. Its absence means Redis lost its
   * data since (or never had any): account records may be missing, so "no record" no longer
   * means "new account".
   */
  readonly fullRebuildMarker: string;
}

export function builderKeys(keys: KeyBuilder): BuilderKeys {
  return {
    bucketLock: (bucket) => keys.lock(`snapshot:${bucket}`),
    accountLock: (accountId) => keys.lock(`snapshot-account:${accountId}`),
    fullRebuildLock: keys.lock('snapshot-full-rebuild'),
    runningBatches: keys.key('snapshot', 'batches'),
    pendingBuckets: keys.key('snapshot', 'pending'),
    fullRebuildMarker: keys.key('snapshot', 'last-full-rebuild'),
  };
}
