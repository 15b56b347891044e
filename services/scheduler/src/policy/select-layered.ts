import { SelectLayer, type WaitPlan } from '@switchyard/contracts';
import type { Account } from '@switchyard/domain';
import type { BucketColumns } from './bucket-columns.js';
import { eligibilityContext, emptyRejectionCounts, ineligibility } from './eligibility.js';
import { rankForLoadBalance } from './load-balance.js';
import {
  NoSelectionReason,
  type EscapeReason,
  type PlannedSelection,
  type SelectionPlan,
} from './selection-plan.js';
import { stickyEscapeReason } from './sticky-escape.js';
import type { Candidate, PolicyConfig, PolicyInput } from './types.js';

/**
 * The layered policy of ARCHITECTURE.md ("Selecting an account"):
 * 1. previous response → its account, hard sticky (no health escape), if it can serve;
 * 2. session binding → its account if it can serve and looks healthy. One that cannot serve
 *    (excluded, unschedulable, gone from the bucket, model or transport unsupported) loses its
 *    binding; an unhealthy one is skipped for this request only and keeps it;
 * 3. load balance over the rest (load-balance.ts).
 * Pure: the clock and the randomness come in through `input`. Without `input.columns` this is
 * the reference implementation over plain objects; with them (the service's hot path) the
 * load-balance filter and sticky lookups read the columns, with identical plans.
 */
export function selectLayered(input: PolicyInput): SelectionPlan {
  const { request, candidates, config } = input;
  // A columnar view that does not line up with the candidates is ignored, never trusted.
  const columns =
    input.columns !== undefined && input.columns.size === candidates.length
      ? input.columns
      : undefined;
  const context = eligibilityContext(request, input.now);
  const hasSession = request.sessionHash !== undefined;

  if (input.previousResponseAccountId !== null) {
    const bound = findCandidate(candidates, input.previousResponseAccountId, columns);
    if (bound !== null && ineligibility(bound.account, context) === null) {
      // The session follows the conversation's account, so later turns without the id stay put.
      return stickyPlan(
        SelectLayer.PreviousResponse,
        bound.account,
        candidates,
        config,
        hasSession,
      );
    }
  }

  let dropSessionBinding = false;
  let escapeReason: EscapeReason | null = null;
  let escapedAccountId: number | null = null;
  if (input.sessionAccountId !== null) {
    const bound = findCandidate(candidates, input.sessionAccountId, columns);
    if (bound === null || ineligibility(bound.account, context) !== null) {
      dropSessionBinding = true;
    } else {
      escapeReason = stickyEscapeReason(bound.stats, config);
      if (escapeReason === null) {
        return stickyPlan(SelectLayer.Session, bound.account, candidates, config, hasSession);
      }
      escapedAccountId = bound.account.id;
    }
  }

  const session = { dropSessionBinding, escapeReason, escapedAccountId };
  if (candidates.length === 0) {
    return {
      kind: 'none',
      reason: NoSelectionReason.EmptyBucket,
      candidateCount: 0,
      rejected: emptyRejectionCounts(),
      ...session,
    };
  }
  // The escaped account stays a load-balance candidate: its error rate and TTFT already pull its
  // score down, and dropping it outright would turn a lone slow account into "no account".
  const ranked = rankForLoadBalance(candidates, context, config, input.rng, columns);
  if (ranked.kind === 'empty') {
    return {
      kind: 'none',
      reason: NoSelectionReason.NoEligibleAccount,
      candidateCount: candidates.length,
      rejected: ranked.rejected,
      ...session,
    };
  }
  return {
    kind: 'plan',
    layer: SelectLayer.LoadBalance,
    attempts: ranked.attempts,
    waitPlan: ranked.waitPlan,
    // An escape skips the binding for this request only: it must not be rewritten.
    bindSession: hasSession && escapeReason === null,
    ...session,
    candidateCount: ranked.eligibleCount,
    topK: ranked.attempts.length,
    loadSkew: ranked.loadSkew,
  };
}

function stickyPlan(
  layer: SelectLayer,
  account: Account,
  candidates: readonly Candidate[],
  config: PolicyConfig,
  hasSession: boolean,
): PlannedSelection {
  const waitPlan: WaitPlan = {
    accountId: account.id,
    maxConcurrency: account.concurrency,
    timeoutMs: config.stickyWaitTimeoutMs,
    maxWaiting: config.stickyMaxWaiting,
  };
  return {
    kind: 'plan',
    layer,
    attempts: [{ accountId: account.id, account, concurrency: account.concurrency, score: null }],
    waitPlan,
    bindSession: hasSession,
    dropSessionBinding: false,
    escapeReason: null,
    escapedAccountId: null,
    candidateCount: candidates.length,
    topK: 0,
    loadSkew: 0,
  };
}

// The first candidate with the id. Linear without columns: a sticky lookup happens once per
// request, and the bucket is an array in memory; the columns index rows by id.
function findCandidate(
  candidates: readonly Candidate[],
  accountId: number,
  columns: BucketColumns | undefined,
): Candidate | null {
  if (columns !== undefined) {
    const row = columns.rowOf(accountId);
    return row < 0 ? null : (candidates[row] ?? null);
  }
  for (let i = 0; i < candidates.length; i++) {
    const candidate = candidates[i];
    if (candidate !== undefined && candidate.account.id === accountId) return candidate;
  }
  return null;
}
