import { applyAccountState, isSchedulable } from '@switchyard/domain';
import type { Account, AccountStatePatch, BucketKey } from '@switchyard/domain';
import type { KeyBuilder } from '@switchyard/redis';
import type { Report } from '@switchyard/contracts';
import type { Logger } from '@switchyard/telemetry';
import type { AccountStateLog } from './account-state-log.js';
import { BucketCandidates, BucketSource } from './bucket-candidates.js';
import { liveCandidate, type LiveCandidate } from './live-candidate.js';
import type { BucketLoader } from './bucket-loader.js';
import type { AccountStatsTable } from './stats/index.js';

export type CandidateStoreOptions = {
  readonly keys: KeyBuilder;
  /** Reads the loads of a slice of candidates into them (SelectRedis.readLoads). */
  readonly readLoads: (candidates: readonly LiveCandidate[], now: number) => Promise<void>;
  readonly loader: BucketLoader;
  readonly stats: AccountStatsTable;
  readonly stateLog: AccountStateLog;
  readonly clock: () => number;
  readonly logger: Logger;
  /** Buckets up to this size read every candidate's load on every select. */
  readonly liveLoadLimit: number;
  /** Larger buckets re-read their loads in the background at most this often. */
  readonly loadRefreshMs: number;
  /** A bucket read from Postgres (no snapshot) is re-read after this long. */
  readonly fallbackMaxAgeMs: number;
};

// Accounts per script when refreshing a large bucket: Redis runs nothing else while a script
// runs, so a 10,000-account bucket is read in slices of ~0.1 ms that selects slip between.
const LOAD_REFRESH_CHUNK = 256;

/**
 * The replica's candidates: every bucket it has been asked about, in memory, kept current by
 * snapshot reloads, account state events and reports. Each account's candidates (one per
 * bucket it is in) are indexed so an event or a report touches only those objects.
 */
export class CandidateStore {
  readonly #options: CandidateStoreOptions;
  readonly #buckets = new Map<BucketKey, BucketCandidates>();
  readonly #loading = new Map<BucketKey, Promise<BucketCandidates>>();
  readonly #byAccount = new Map<number, LiveCandidate[]>();

  constructor(options: CandidateStoreOptions) {
    this.#options = options;
  }

  /**
   * The bucket if it is in memory (the hot path: no promise). A Postgres-loaded bucket past its
   * age is still returned, and re-read in the background.
   */
  bucketNow(key: BucketKey): BucketCandidates | undefined {
    const bucket = this.#buckets.get(key);
    if (
      bucket !== undefined &&
      bucket.source === BucketSource.Postgres &&
      this.#options.clock() - bucket.loadedAt > this.#options.fallbackMaxAgeMs
    ) {
      this.#background(key);
    }
    return bucket;
  }

  /** The bucket, loading it first when this replica has not seen it yet. */
  bucket(key: BucketKey): Promise<BucketCandidates> {
    const bucket = this.bucketNow(key);
    return bucket === undefined ? this.#load(key) : Promise.resolve(bucket);
  }

  /** Re-reads the bucket if it is loaded and older than `version` (a `snap.v1.updated`). */
  async reload(key: BucketKey, version: number): Promise<void> {
    const pending = this.#loading.get(key);
    if (pending !== undefined) await pending.catch(() => undefined);
    const current = this.#buckets.get(key);
    if (current === undefined || current.version >= version) return;
    await this.#load(key);
  }

  /**
   * Checks every loaded bucket against its snapshot version and reloads the ones that moved:
   * repairs a missed `snap.v1.updated` (core NATS is at-most-once).
   */
  async resync(): Promise<void> {
    for (const [key, bucket] of this.#buckets) {
      try {
        const version = await this.#options.loader.snapshotVersion(key);
        if (version !== null && version !== bucket.version) await this.#load(key);
      } catch (error) {
        this.#options.logger.warn('bucket resync failed', { bucket: key, error });
      }
    }
  }

  /** Applies an upstream state to every copy of the account, unless it is older than the last. */
  applyState(accountId: number, patch: AccountStatePatch): boolean {
    if (!this.#options.stateLog.accept(accountId, patch, this.#options.clock())) return false;
    for (const candidate of this.#byAccount.get(accountId) ?? []) {
      candidate.account = applyAccountState(candidate.account, patch);
    }
    return true;
  }

  /** Folds a report into the account's statistics and points its candidates at them. */
  recordReport(report: Report): void {
    const stats = this.#options.stats.record(report, this.#options.clock());
    for (const candidate of this.#byAccount.get(report.accountId) ?? []) candidate.stats = stats;
  }

  /** Whether the account is in memory (in `bucket`, or any bucket) and schedulable now. */
  isSelectable(accountId: number, bucket?: BucketKey): boolean {
    const now = this.#options.clock();
    if (bucket !== undefined) {
      const candidate = this.#buckets.get(bucket)?.get(accountId);
      return candidate !== undefined && isSchedulable(candidate.account, now);
    }
    return (this.#byAccount.get(accountId) ?? []).some((c) => isSchedulable(c.account, now));
  }

  /** Any in-memory candidate of the account (the first bucket's), e.g. to describe a held slot. */
  anyCandidate(accountId: number): LiveCandidate | undefined {
    return this.#byAccount.get(accountId)?.[0];
  }

  loadedBuckets(): BucketKey[] {
    return [...this.#buckets.keys()].sort();
  }

  bucketVersion(key: BucketKey): number | null {
    return this.#buckets.get(key)?.version ?? null;
  }

  /** Distinct accounts held in memory. */
  get accountCount(): number {
    return this.#byAccount.size;
  }

  /**
   * For buckets too large to read live: starts a background re-read of their loads when the
   * last one is older than `loadRefreshMs`. The select goes ahead with the loads it has;
   * acquiring a slot is atomic in Redis, so a stale load can cost a wasted attempt, never an
   * extra slot.
   */
  refreshLoadsIfStale(bucket: BucketCandidates): void {
    if (bucket.liveLoads) return;
    this.#refreshInBackground(bucket, this.#options.loadRefreshMs);
  }

  /**
   * For buckets read live whose selects are answered without a Redis round trip (slot stock):
   * re-reads their loads in the background once they are `maxAgeMs` old, so the next decisions
   * rank on fresh loads and no select has to read them first.
   */
  refreshLiveLoads(bucket: BucketCandidates, maxAgeMs: number): void {
    if (!bucket.liveLoads) return;
    this.#refreshInBackground(bucket, maxAgeMs);
  }

  #refreshInBackground(bucket: BucketCandidates, maxAgeMs: number): void {
    const now = this.#options.clock();
    if (bucket.loadRefresh !== null) return;
    if (now - bucket.loadsReadAt < maxAgeMs) return;
    bucket.loadRefresh = this.#refreshLoads(bucket, now).finally(() => {
      bucket.loadRefresh = null;
    });
  }

  async #refreshLoads(bucket: BucketCandidates, now: number): Promise<void> {
    try {
      for (let start = 0; start < bucket.size; start += LOAD_REFRESH_CHUNK) {
        await this.#options.readLoads(
          bucket.candidates.slice(start, start + LOAD_REFRESH_CHUNK),
          now,
        );
      }
      bucket.loadsReadAt = now;
    } catch (error) {
      this.#options.logger.warn('refreshing bucket loads failed', { bucket: bucket.key, error });
    }
  }

  #background(key: BucketKey): void {
    if (this.#loading.has(key)) return;
    this.#load(key).catch((error: unknown) => {
      this.#options.logger.warn('background bucket reload failed', { bucket: key, error });
    });
  }

  #load(key: BucketKey): Promise<BucketCandidates> {
    let pending = this.#loading.get(key);
    if (pending === undefined) {
      pending = this.#options.loader
        .load(key)
        .then((loaded) => this.#install(key, loaded.version, loaded.source, loaded.accounts))
        .finally(() => this.#loading.delete(key));
      this.#loading.set(key, pending);
    }
    return pending;
  }

  #install(
    key: BucketKey,
    version: number,
    source: BucketSource,
    accounts: readonly Account[],
  ): BucketCandidates {
    const { keys, stats, stateLog, clock, liveLoadLimit } = this.#options;
    const now = clock();
    const previous = this.#buckets.get(key);
    // A snapshot never replaces a newer one already installed (reloads can race).
    if (previous !== undefined && source === BucketSource.Snapshot && previous.version > version) {
      return previous;
    }
    const candidates = accounts.map((account) => {
      const candidate = liveCandidate(stateLog.replay(account, now), stats.get(account.id), keys);
      const before = previous?.get(account.id);
      if (before !== undefined) {
        candidate.load.inUse = before.load.inUse;
        candidate.load.waiting = before.load.waiting;
      }
      return candidate;
    });
    const bucket = new BucketCandidates({
      key,
      version,
      source,
      loadedAt: now,
      candidates,
      liveLoadLimit,
    });
    if (previous !== undefined) {
      bucket.loadsReadAt = previous.loadsReadAt;
      for (const old of previous.candidates) this.#unindex(old);
    }
    for (const candidate of candidates) {
      const list = this.#byAccount.get(candidate.account.id);
      if (list === undefined) this.#byAccount.set(candidate.account.id, [candidate]);
      else list.push(candidate);
    }
    this.#buckets.set(key, bucket);
    return bucket;
  }

  #unindex(candidate: LiveCandidate): void {
    const id = candidate.account.id;
    const list = this.#byAccount.get(id);
    if (list === undefined) return;
    const rest = list.filter((c) => c !== candidate);
    if (rest.length === 0) this.#byAccount.delete(id);
    else this.#byAccount.set(id, rest);
  }
}
