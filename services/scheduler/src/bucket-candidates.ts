import type { BucketKey } from '@switchyard/domain';
import type { LiveCandidate } from './live-candidate.js';
import { BucketColumns } from './policy/index.js';

/** Where a bucket's accounts came from. */
export const BucketSource = {
  Snapshot: 'snapshot',
  Postgres: 'postgres',
} as const;
export type BucketSource = (typeof BucketSource)[keyof typeof BucketSource];

/** Postgres-loaded buckets have no snapshot version; any snapshot replaces them. */
export const FALLBACK_VERSION = 0;

/** One bucket's candidates in memory. */
export class BucketCandidates {
  readonly key: BucketKey;
  readonly version: number;
  readonly source: BucketSource;
  readonly loadedAt: number;
  readonly candidates: LiveCandidate[];
  /** The candidates as columns for the policy, kept current through the candidates' writes. */
  readonly columns: BucketColumns;
  /**
   * Whether every select reads this bucket's loads live from Redis. Larger buckets are served
   * from a load view refreshed in the background (see CandidateStore), since reading thousands
   * of zsets per request would cost Redis milliseconds for every select.
   */
  readonly liveLoads: boolean;
  /** Slot keys then waiting keys, in candidate order: the load part of the gather round trip. */
  readonly loadKeys: readonly string[];
  readonly #byId = new Map<number, LiveCandidate>();
  loadsReadAt = 0;
  loadRefresh: Promise<void> | null = null;

  constructor(options: {
    key: BucketKey;
    version: number;
    source: BucketSource;
    loadedAt: number;
    candidates: LiveCandidate[];
    liveLoadLimit: number;
  }) {
    this.key = options.key;
    this.version = options.version;
    this.source = options.source;
    this.loadedAt = options.loadedAt;
    this.candidates = options.candidates;
    this.columns = new BucketColumns(this.candidates);
    this.liveLoads = options.candidates.length <= options.liveLoadLimit;
    const n = this.candidates.length;
    const loadKeys = new Array<string>(this.liveLoads ? 2 * n : 0);
    for (let i = 0; i < n; i++) {
      const candidate = this.candidates[i]!;
      candidate.attach(this.columns, i);
      this.#byId.set(candidate.account.id, candidate);
      if (this.liveLoads) {
        loadKeys[i] = candidate.slotKey;
        loadKeys[n + i] = candidate.waitingKey;
      }
    }
    this.loadKeys = loadKeys;
  }

  get size(): number {
    return this.candidates.length;
  }

  get(accountId: number): LiveCandidate | undefined {
    return this.#byId.get(accountId);
  }

  /** Writes loads read as [inUse1..inUseN, waiting1..waitingN] starting at `offset`. */
  writeLoads(counts: readonly number[], offset: number): void {
    const n = this.candidates.length;
    for (let i = 0; i < n; i++) {
      const load = this.candidates[i]!.load;
      load.inUse = counts[offset + i]!;
      load.waiting = counts[offset + n + i]!;
    }
  }
}
