import type { ScoreBreakdown, SelectLayer, WaitPlan } from '@switchyard/contracts';
import type { Account } from '@switchyard/domain';
import type { PolicyInput } from './types.js';

/** Why a session-bound account was skipped for one request. */
export const EscapeReason = {
  Ttft: 'ttft',
  ErrorRate: 'error_rate',
} as const;

export type EscapeReason = (typeof EscapeReason)[keyof typeof EscapeReason];

/** Why an account in the bucket cannot serve this request (first failing rule). */
export const Ineligibility = {
  Excluded: 'excluded',
  Platform: 'platform',
  Transport: 'transport',
  Unschedulable: 'unschedulable',
  Model: 'model',
} as const;

export type Ineligibility = (typeof Ineligibility)[keyof typeof Ineligibility];

/** How many of the bucket's accounts each rule filtered out. */
export type RejectionCounts = Record<Ineligibility, number>;

/** Why no account could be planned (the service answers `no_available_accounts`). */
export const NoSelectionReason = {
  EmptyBucket: 'empty_bucket',
  NoEligibleAccount: 'no_eligible_account',
} as const;

export type NoSelectionReason = (typeof NoSelectionReason)[keyof typeof NoSelectionReason];

export type SelectionAttempt = {
  readonly accountId: number;
  readonly account: Account;
  readonly concurrency: number;
  /** The weighted score factors; null on sticky layers, which do not score. */
  readonly score: ScoreBreakdown | null;
};

/** What happened to the session binding, common to both outcomes. */
type SessionOutcome = {
  /**
   * The bound account can no longer serve the session (excluded, unschedulable, gone from the
   * bucket, model or transport unsupported): delete the binding.
   */
  readonly dropSessionBinding: boolean;
  /** Set when the bound account was skipped as unhealthy; the binding itself stays. */
  readonly escapeReason: EscapeReason | null;
  readonly escapedAccountId: number | null;
};

export type PlannedSelection = SessionOutcome & {
  readonly kind: 'plan';
  readonly layer: SelectLayer;
  /** Try to acquire a slot on these, in order; the first free one serves the request. */
  readonly attempts: readonly SelectionAttempt[];
  /** What to answer when every attempt is full. */
  readonly waitPlan: WaitPlan;
  /**
   * Write (or refresh) `sessionHash → the account that got the slot`. False without a session
   * hash and after an escape (the escape must not rewrite the binding).
   */
  readonly bindSession: boolean;
  /** Accounts the decision chose among: eligible ones when load balancing, the bucket's size on sticky layers (which do not filter the rest). */
  readonly candidateCount: number;
  /** Finalists ranked by the bounded heap (min(K, eligible)); 0 on sticky layers. */
  readonly topK: number;
  /** Standard deviation of load rate across eligible candidates; 0 on sticky layers. */
  readonly loadSkew: number;
};

export type NoSelection = SessionOutcome & {
  readonly kind: 'none';
  readonly reason: NoSelectionReason;
  /** The bucket's size. */
  readonly candidateCount: number;
  readonly rejected: RejectionCounts;
};

export type SelectionPlan = PlannedSelection | NoSelection;

/** A selection policy: pure, synchronous, same signature for every strategy. */
export type SelectionPolicy = (input: PolicyInput) => SelectionPlan;
