import type { SelectRequest } from '@switchyard/contracts';
import type { Account, EpochMs } from '@switchyard/domain';
import type { BucketColumns } from './bucket-columns.js';

/** Weights of the load-balance score terms (see score.ts); each factor lies in [0, 1]. */
export type ScoreWeights = {
  readonly priority: number;
  readonly load: number;
  readonly queue: number;
  readonly errorRate: number;
  readonly ttft: number;
};

/** Tunables of the layered policy; the service builds this from its validated config. */
export type PolicyConfig = {
  /** Skip an unhealthy session-bound account for one request (ARCHITECTURE.md, layer 2). */
  readonly stickyEscapeEnabled: boolean;
  /** EWMA TTFT above which a session-bound account is skipped. */
  readonly stickyEscapeTtftMs: number;
  /** EWMA error rate above which a session-bound account is skipped. */
  readonly stickyEscapeErrorRate: number;
  readonly weights: ScoreWeights;
  /** Finalists kept by the bounded heap and offered to the weighted draw. */
  readonly topK: number;
  /** Wait plan on a sticky account whose slots are all taken. */
  readonly stickyMaxWaiting: number;
  readonly stickyWaitTimeoutMs: number;
  /**
   * Wait plan on the best load-balance candidate when every finalist is full. `fallbackMaxWaiting`
   * is also the queue length that scores 0 on the queue term: it is the queue a load-balanced
   * request would join.
   */
  readonly fallbackMaxWaiting: number;
  readonly fallbackWaitTimeoutMs: number;
};

/** The documented defaults (issue 3, ARCHITECTURE.md). */
export const DEFAULT_POLICY_CONFIG: PolicyConfig = Object.freeze({
  stickyEscapeEnabled: true,
  // 15 s: long enough to ride out jitter, short enough to free a session stuck on a degraded account.
  stickyEscapeTtftMs: 15_000,
  // More failures than successes in the recent window: retrying there costs more than moving.
  stickyEscapeErrorRate: 0.5,
  weights: Object.freeze({ priority: 1.0, load: 1.0, queue: 0.7, errorRate: 0.8, ttft: 0.5 }),
  topK: 7,
  stickyMaxWaiting: 3,
  stickyWaitTimeoutMs: 120_000,
  fallbackMaxWaiting: 100,
  fallbackWaitTimeoutMs: 30_000,
});

/**
 * The statistics the policy reads. `AccountStats` from the stats table fits as is; null when this
 * replica has no report about the account yet.
 */
export type CandidateStats = {
  readonly errorRate: number;
  readonly ttftMs: number | null;
  readonly samples: number;
};

/** Slots currently held on the account and requests waiting for one (read from Redis). */
export type CandidateLoad = {
  readonly inUse: number;
  readonly waiting: number;
};

export type Candidate = {
  readonly account: Account;
  readonly stats: CandidateStats | null;
  readonly load: CandidateLoad;
};

/** Everything one decision depends on; the policy has no clock, randomness or I/O of its own. */
export type PolicyInput = {
  readonly request: SelectRequest;
  /**
   * The bucket's accounts as the service holds them — possibly stale, so they may include
   * rate-limited, disabled or otherwise unschedulable accounts: the policy filters.
   */
  readonly candidates: readonly Candidate[];
  /**
   * Optional: `candidates` as columns (row r is `candidates[r]`), kept current by the caller as
   * the candidates change. Makes load balancing read typed arrays instead of objects; the plan
   * is the same either way.
   */
  readonly columns?: BucketColumns;
  /** The account bound to `request.previousResponseId`, looked up by the service. */
  readonly previousResponseAccountId: number | null;
  /** The account bound to `request.sessionHash`, looked up by the service. */
  readonly sessionAccountId: number | null;
  readonly config: PolicyConfig;
  readonly now: EpochMs;
  /** Uniform in [0, 1); see seededRng / requestSeed. */
  readonly rng: () => number;
};
