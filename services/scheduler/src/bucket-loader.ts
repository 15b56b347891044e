import { loadBucketAccounts } from '@switchyard/db';
import type { Database } from '@switchyard/db';
import type { Account, BucketKey } from '@switchyard/domain';
import type { SnapshotStore } from '@switchyard/redis';
import type { Kysely } from 'kysely';
import { BucketSource, FALLBACK_VERSION } from './bucket-candidates.js';
import { SchedulerTimeoutError, SchedulerUnavailableError } from './scheduler-errors.js';
import type { TokenBucket } from './token-bucket.js';

export type LoadedBucket = {
  readonly version: number;
  readonly source: BucketSource;
  readonly accounts: readonly Account[];
};

export type BucketLoaderOptions = {
  readonly snapshots: SnapshotStore;
  readonly db: Kysely<Database>;
  /** Limits Postgres reads (SCHED_DB_FALLBACK_MAX_QPS), shared by every bucket of the replica. */
  readonly fallbackLimiter: TokenBucket;
  /** Time allowed for one Postgres read (SCHED_DB_FALLBACK_TIMEOUT_MS). */
  readonly fallbackTimeoutMs: number;
  readonly clock: () => number;
};

/**
 * Reads a bucket's accounts: the snapshot in Redis (written by snapshot-builder) when there is
 * one, else Postgres through the same membership query the snapshot builder uses. The Postgres
 * path is what a cold cluster or a dead snapshot builder falls back to, so it is rate-limited
 * and time-boxed: a storm of selects for a missing bucket must not become a storm of queries.
 */
export class BucketLoader {
  readonly #options: BucketLoaderOptions;

  constructor(options: BucketLoaderOptions) {
    this.#options = options;
  }

  async load(key: BucketKey): Promise<LoadedBucket> {
    let snapshot: Awaited<ReturnType<SnapshotStore['read']>>;
    try {
      snapshot = await this.#options.snapshots.read(key);
    } catch (cause) {
      throw new SchedulerUnavailableError(`reading the snapshot of ${key} failed`, { cause });
    }
    if (snapshot !== null) {
      return {
        version: snapshot.version,
        source: BucketSource.Snapshot,
        accounts: snapshot.accounts,
      };
    }
    return {
      version: FALLBACK_VERSION,
      source: BucketSource.Postgres,
      accounts: await this.#fromPostgres(key),
    };
  }

  /** The snapshot's current version, or null when there is none. */
  async snapshotVersion(key: BucketKey): Promise<number | null> {
    return this.#options.snapshots.readVersion(key);
  }

  async #fromPostgres(key: BucketKey): Promise<Account[]> {
    const { fallbackLimiter, fallbackTimeoutMs, clock, db } = this.#options;
    if (!fallbackLimiter.tryTake(clock())) {
      throw new SchedulerUnavailableError(
        `no snapshot of ${key} and the Postgres fallback is at its rate limit`,
      );
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new SchedulerTimeoutError(
              `reading ${key} from Postgres took longer than ${fallbackTimeoutMs} ms`,
            ),
          ),
        fallbackTimeoutMs,
      );
    });
    const query = loadBucketAccounts(db, key);
    // The query cannot be cancelled through kysely; a late result is simply dropped.
    query.catch(() => undefined);
    try {
      return await Promise.race([query, timeout]);
    } catch (cause) {
      if (cause instanceof SchedulerTimeoutError) throw cause;
      throw new SchedulerUnavailableError(`reading ${key} from Postgres failed`, { cause });
    } finally {
      clearTimeout(timer);
    }
  }
}
