import type { Redis } from 'ioredis';
import { isBucketKey, type Account, type BucketKey } from '@switchyard/domain';
import { decodeAccountList, encodeAccount, encodeAccountList } from './account-codec.js';
import { defineScripts, type ScriptFns } from './define-scripts.js';
import type { KeyBuilder } from './key-builder.js';
import { UnexpectedReplyError } from './redis-errors.js';
import { scanKeyParts, splitKeyTemplate } from './scan-key-parts.js';
import { snapshotSpecs, WriteStatus } from './snapshot-scripts.js';

/** A bucket's current snapshot. */
export interface BucketSnapshot {
  readonly version: number;
  readonly accounts: Account[];
}

/** What `SnapshotStore.write` did. */
export interface SnapshotWriteResult {
  /**
   * The version the bucket now holds: ours when `applied`, otherwise the newer one that
   * refused us.
   */
  readonly version: number;
  /** False when a version at or above ours was already current: our view was older. */
  readonly applied: boolean;
  /** True when a new payload was stored; false when it equalled the current one (or refused). */
  readonly changed: boolean;
}

export interface SnapshotWriteOptions {
  /**
   * A version from `reserveVersion`, taken BEFORE reading the data being written. Writers that
   * reserve first and read after are ordered by their reservations, so one that read older
   * data (it reserved earlier) can never replace what a later reader wrote. Omitted: reserved
   * now, which only orders writes, not the reads behind them.
   */
  readonly version?: number;
}

export interface SnapshotStoreOptions {
  /**
   * How long a replaced version's payload stays readable. Readers going through `read` never
   * need it (pointer and payload are read atomically); it covers readers that fetch the two
   * in separate steps. Default 60 s.
   */
  readonly retiredVersionTtlMs?: number;
}

// 60 s: far longer than any reader holds a pointer before fetching the payload, short enough
// that a bucket rewritten every few ms keeps only a bounded number of payloads alive.
const DEFAULT_RETIRED_VERSION_TTL_MS = 60_000;
// 10 min: a reservation is used within a rebuild (well under a second); one never followed by
// a write (the bucket stayed empty) is dropped after this.
const RESERVATION_TTL_MS = 600_000;
// A character no prefix contains, to find where the bucket goes in the key layout.
const PLACEHOLDER = '\u0000';

/**
 * Versioned bucket snapshots in Redis. Every write stores a new immutable version and then
 * moves the bucket's pointer to it in one script, so a reader sees either the old bucket or
 * the new one, never a mix; and a version at or below the current one is refused, so a writer
 * holding an older view cannot replace a newer snapshot. Accounts are stored as the domain
 * Account (see account-codec.ts), which holds no credentials.
 */
export class SnapshotStore {
  readonly #redis: Redis;
  readonly #keys: KeyBuilder;
  readonly #scripts: ScriptFns<typeof snapshotSpecs>;
  readonly #retiredTtlMs: number;

  constructor(redis: Redis, keys: KeyBuilder, options: SnapshotStoreOptions = {}) {
    this.#redis = redis;
    this.#keys = keys;
    this.#scripts = defineScripts(redis, snapshotSpecs);
    this.#retiredTtlMs = options.retiredVersionTtlMs ?? DEFAULT_RETIRED_VERSION_TTL_MS;
  }

  /** Hands out the next version of `bucket`; greater than every version handed out before. */
  reserveVersion(bucket: BucketKey): Promise<number> {
    return this.#scripts.reserve([this.#keys.snapshotPointer(bucket)], [RESERVATION_TTL_MS]);
  }

  /** Stores `accounts` as a new version of `bucket` and switches to it (see SnapshotWriteOptions). */
  write(
    bucket: BucketKey,
    accounts: readonly Account[],
    options: SnapshotWriteOptions = {},
  ): Promise<SnapshotWriteResult> {
    return this.writeEncoded(bucket, accounts.map(encodeAccount), options);
  }

  /**
   * `write` for accounts already encoded with `encodeAccount`: a full rebuild encodes each
   * account once although it sits in several buckets.
   */
  async writeEncoded(
    bucket: BucketKey,
    encodedAccounts: readonly string[],
    options: SnapshotWriteOptions = {},
  ): Promise<SnapshotWriteResult> {
    const version = options.version ?? (await this.reserveVersion(bucket));
    const reply = await this.#scripts.write(
      [this.#keys.snapshotPointer(bucket), this.#keys.snapshotVersion(bucket, version)],
      [version, encodeAccountList(encodedAccounts), encodedAccounts.length, this.#retiredTtlMs],
    );
    return {
      version: reply.version,
      applied: reply.status !== WriteStatus.Refused,
      changed: reply.status === WriteStatus.Written,
    };
  }

  /** The bucket's current version and accounts, in one round trip; null when it has none. */
  async read(bucket: BucketKey): Promise<BucketSnapshot | null> {
    const reply = await this.#scripts.read([this.#keys.snapshotPointer(bucket)]);
    if (reply === null) return null;
    return { version: reply.version, accounts: decodeAccountList(reply.payload) };
  }

  /** The bucket's current version, or null when it was never written. */
  async readVersion(bucket: BucketKey): Promise<number | null> {
    const raw = await this.#redis.hget(this.#keys.snapshotPointer(bucket), 'v');
    if (raw === null) return null;
    const version = Number(raw);
    if (!Number.isSafeInteger(version)) throw new UnexpectedReplyError('snapshot version', raw);
    return version;
  }

  /**
   * Every bucket that has a snapshot (including empty ones), sorted. Walks the keyspace with
   * SCAN, so it suits a full rebuild, not a request path.
   */
  async listBuckets(): Promise<BucketKey[]> {
    const [head, tail] = splitKeyTemplate(this.#keys.snapshotPointer(PLACEHOLDER), PLACEHOLDER);
    const parts = await scanKeyParts(this.#redis, head, tail);
    const buckets = parts.filter((part): part is BucketKey => isBucketKey(part)).sort();
    // A pointer that only holds a reservation (no `v` yet) is not a snapshot.
    const versions = await Promise.all(buckets.map((bucket) => this.readVersion(bucket)));
    return buckets.filter((_, i) => versions[i] !== null);
  }
}
