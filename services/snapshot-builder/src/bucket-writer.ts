import type { Bus } from '@switchyard/bus';
import { accountInBucket } from '@switchyard/domain';
import type { Account, BucketKey } from '@switchyard/domain';
import type { Redis, SnapshotStore } from '@switchyard/redis';
import type { BuilderKeys } from './builder-keys.js';
import { withLock } from './redis-lock.js';
import { publishSnapshotUpdated } from './snapshot-publisher.js';

export interface BucketWriterDeps {
  readonly redis: Redis;
  readonly store: SnapshotStore;
  readonly keys: BuilderKeys;
  readonly bus: Bus;
  /** TTL of a bucket lock. */
  readonly lockTtlMs: number;
  /** Longest wait for a bucket lock another replica holds before the batch is retried. */
  readonly lockWaitMs: number;
}

/** What one incremental update did, bucket by bucket. */
export interface BucketRebuildReport {
  /** New contents stored and announced. */
  written: number;
  /** Same contents as before: nothing announced. */
  unchanged: number;
  /** Empty and never written: nothing to do. */
  skipped: number;
  /** A writer holding a newer version got there first (its lock had expired on us). */
  refused: number;
}

/** The accounts a batch changed: their state now, or undefined when deleted. */
export type AccountChanges = ReadonlyMap<number, Account | undefined>;

// 8 buckets at a time: enough to overlap the round trips, few enough not to queue ahead of
// other replicas' writes on one Redis.
const CONCURRENCY = 8;

/**
 * Brings buckets up to date with a batch's changed accounts (read from Postgres by the
 * caller). Per bucket, under its lock: reserve a version, read the current snapshot, take the
 * changed accounts out and put back those that belong in the bucket now, write, announce.
 *
 * Only the changed accounts move; every other member stays as its own last update left it.
 * Rebuilding the bucket from its Postgres query instead would also pull in the fresh state of
 * accounts whose events are still queued — into buckets their records do not mention, so when
 * their event comes nobody would know to take them out again. Postgres stays the truth: every
 * account placed here was just read from it, and a full rebuild re-reads everything.
 */
export class BucketWriter {
  readonly #deps: BucketWriterDeps;

  constructor(deps: BucketWriterDeps) {
    this.#deps = deps;
  }

  async update(
    buckets: Iterable<BucketKey>,
    changes: AccountChanges,
  ): Promise<BucketRebuildReport> {
    const report: BucketRebuildReport = { written: 0, unchanged: 0, skipped: 0, refused: 0 };
    const queue = [...new Set(buckets)];
    const worker = async (): Promise<void> => {
      for (let bucket = queue.shift(); bucket !== undefined; bucket = queue.shift()) {
        report[await this.#updateOne(bucket, changes)]++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
    return report;
  }

  async #updateOne(bucket: BucketKey, changes: AccountChanges): Promise<keyof BucketRebuildReport> {
    const { redis, store, keys, bus, lockTtlMs, lockWaitMs } = this.#deps;
    const outcome = await withLock(
      redis,
      keys.bucketLock(bucket),
      { ttlMs: lockTtlMs, waitMs: lockWaitMs },
      async (): Promise<keyof BucketRebuildReport> => {
        const version = await store.reserveVersion(bucket);
        const current = await store.read(bucket);
        const accounts = patchMembers(current?.accounts ?? [], bucket, changes);
        // An empty bucket is only written when a snapshot exists that must be cleared.
        if (accounts.length === 0 && current === null) return 'skipped';
        const result = await store.write(bucket, accounts, { version });
        if (!result.applied) return 'refused';
        if (!result.changed) return 'unchanged';
        publishSnapshotUpdated(bus, { bucket, version, accountCount: accounts.length });
        return 'written';
      },
    );
    // withLock only returns null when told not to wait (waitMs 0).
    return outcome ?? 'skipped';
  }
}

/** `members` with the changed accounts replaced by their current state where they belong. */
export function patchMembers(
  members: readonly Account[],
  bucket: BucketKey,
  changes: AccountChanges,
): Account[] {
  const next = members.filter((account) => !changes.has(account.id));
  for (const account of changes.values()) {
    if (account !== undefined && accountInBucket(account, bucket)) next.push(account);
  }
  // Ordered by id, as the bucket's defining query is.
  return next.sort((a, b) => a.id - b.id);
}
