import type { WaitPlan } from '@switchyard/contracts';
import { isSchedulable, supportsModel } from '@switchyard/domain';
import { TopKHeap } from './bounded-heap.js';
import type { BucketColumns } from './bucket-columns.js';
import { candidateColumns, type CandidateColumns } from './candidate-columns.js';
import type { EligibilityContext } from './eligibility.js';
import { EligibleSummary } from './eligible-summary.js';
import { filterColumns } from './filter-columns.js';
import { rankRows, type RankedRows } from './rank-columns.js';
import { flooredTtft, loadRate, scoreBreakdown, UNKNOWN, type ScoreNorms } from './score.js';
import { scoreRows } from './score-rows.js';
import type { RejectionCounts, SelectionAttempt } from './selection-plan.js';
import { servesRequestPlatform } from './serves-request-platform.js';
import { supportsTransport } from './supports-transport.js';
import type { Candidate, PolicyConfig } from './types.js';
import { weightedOrder } from './weighted-order.js';

export type LoadBalanceOutcome =
  | {
      readonly kind: 'ranked';
      /** Finalists in the order drawn. */
      readonly attempts: SelectionAttempt[];
      /** Fallback wait plan on the best-scored finalist (not necessarily the first drawn). */
      readonly waitPlan: WaitPlan;
      readonly eligibleCount: number;
      readonly loadSkew: number;
    }
  | { readonly kind: 'empty'; readonly rejected: RejectionCounts };

/**
 * Layer 3: filter the bucket, score the eligible accounts, keep the top K in a bounded heap and
 * order them by weighted random draw.
 *
 * Over the candidate objects (the reference) it takes two passes, because priority and TTFT are
 * scored relative to the eligible set (score.ts). The first filters, copies each eligible
 * candidate's scoring inputs into scratch columns and gathers the normalisers and load
 * statistics; the second scores the columns into the heap. Neither allocates per candidate; only
 * the K finalists get a score breakdown object.
 *
 * With `bucket` (the same candidates as columns, kept by the caller) the ranking reads the
 * bucket's cached eligible rows and scores instead (rank-columns.ts); the rows, scores and heap
 * are the same, and everything after the heap is shared, so the plans are identical.
 */
export function rankForLoadBalance(
  candidates: readonly Candidate[],
  context: EligibilityContext,
  config: PolicyConfig,
  rng: () => number,
  bucket?: BucketColumns,
): LoadBalanceOutcome {
  const summary = new EligibleSummary();
  const ranked =
    bucket === undefined
      ? rankCandidates(candidates, context, config, summary)
      : rankRows(bucket, context, config, summary);
  if (ranked === null) {
    if (bucket !== undefined) {
      filterColumns(bucket, context, candidateColumns(bucket.size), summary);
    }
    return { kind: 'empty', rejected: summary.rejected };
  }
  const { rows, scores, norms } = ranked;
  const count = summary.count;
  const attempts = weightedOrder(scores, rng).map((rank) => {
    const candidate = candidates[rows[rank]];
    return {
      accountId: candidate.account.id,
      account: candidate.account,
      concurrency: candidate.account.concurrency,
      score: scoreBreakdown(candidate, norms, config),
    };
  });
  const best = candidates[rows[0]].account;
  const mean = summary.loadSum / count;
  return {
    kind: 'ranked',
    attempts,
    waitPlan: {
      accountId: best.id,
      maxConcurrency: best.concurrency,
      timeoutMs: config.fallbackWaitTimeoutMs,
      maxWaiting: config.fallbackMaxWaiting,
    },
    eligibleCount: count,
    // Population standard deviation; the clamp absorbs round-off when all rates are equal.
    loadSkew: Math.sqrt(Math.max(0, summary.loadSquares / count - mean * mean)),
  };
}

// The reference ranking over the candidate objects: finalists as candidate indices best first.
function rankCandidates(
  candidates: readonly Candidate[],
  context: EligibilityContext,
  config: PolicyConfig,
  summary: EligibleSummary,
): RankedRows | null {
  const columns = candidateColumns(candidates.length);
  filterEligible(candidates, context, columns, summary);
  const count = summary.count;
  if (count === 0) return null;
  const norms: ScoreNorms = {
    maxPriority: summary.maxPriority,
    priorityRange: summary.maxPriority - summary.minPriority,
    minTtftMs: summary.minTtftMs === Infinity ? UNKNOWN : flooredTtft(summary.minTtftMs),
  };
  const heap = new TopKHeap(config.topK, columns);
  scoreInto(heap, columns, count, norms, config);
  const finalists = heap.drain();
  // Copied out of the scratch before `rng` runs: caller code must never see the scratch.
  return {
    rows: finalists.map((row) => columns.ref[row]),
    scores: finalists.map((row) => columns.score[row]),
    norms,
  };
}

// Pass 1. Kept in its own function (as is pass 2) so each hot loop is optimised on its own
// instead of through on-stack replacement of one long function.
//
// The rules are `ineligibility`'s, in its order, but called one by one from the loop: as a
// single call they exceed V8's inlining budget, and the per-candidate call showed up as a third
// of the filter's time. A unit test holds the two to the same verdicts.
function filterEligible(
  candidates: readonly Candidate[],
  context: EligibilityContext,
  columns: CandidateColumns,
  summary: EligibleSummary,
): void {
  const { ref, id, priority, loadRate: load, waiting, errorRate, ttftMs } = columns;
  const { excluded, platform, mode, transport, model, now } = context;
  const checkExcluded = excluded.length !== 0;
  const rejected = summary.rejected;
  const total = candidates.length;
  let count = 0;
  let minPriority = Infinity;
  let maxPriority = -Infinity;
  let minTtft = Infinity;
  let loadSum = 0;
  let loadSquares = 0;
  for (let i = 0; i < total; i++) {
    const candidate = candidates[i];
    const account = candidate.account;
    if (checkExcluded && excluded.includes(account.id)) {
      rejected.excluded += 1;
      continue;
    }
    if (!servesRequestPlatform(account, platform, mode)) {
      rejected.platform += 1;
      continue;
    }
    if (!supportsTransport(account, transport)) {
      rejected.transport += 1;
      continue;
    }
    if (!isSchedulable(account, now)) {
      rejected.unschedulable += 1;
      continue;
    }
    if (model !== undefined && !supportsModel(account, model)) {
      rejected.model += 1;
      continue;
    }
    const accountPriority = account.priority;
    if (accountPriority < minPriority) minPriority = accountPriority;
    if (accountPriority > maxPriority) maxPriority = accountPriority;
    const rate = loadRate(candidate.load.inUse, account.concurrency);
    loadSum += rate;
    loadSquares += rate * rate;
    const stats = candidate.stats;
    let ttft: number = UNKNOWN;
    if (stats !== null && stats.ttftMs !== null) {
      ttft = stats.ttftMs;
      if (ttft < minTtft) minTtft = ttft;
    }
    ref[count] = i;
    id[count] = account.id;
    priority[count] = accountPriority;
    load[count] = rate;
    waiting[count] = candidate.load.waiting;
    errorRate[count] = stats === null ? UNKNOWN : stats.errorRate;
    ttftMs[count] = ttft;
    count++;
  }
  summary.count = count;
  summary.minPriority = minPriority;
  summary.maxPriority = maxPriority;
  summary.minTtftMs = minTtft;
  summary.loadSum = loadSum;
  summary.loadSquares = loadSquares;
}

// Pass 2: score every eligible row into the score column and offer it to the heap.
function scoreInto(
  heap: TopKHeap,
  columns: CandidateColumns,
  count: number,
  norms: ScoreNorms,
  config: PolicyConfig,
): void {
  scoreRows(columns, null, count, columns.score, null, norms, config);
  // A loop of its own: with the scoring maths beside it, V8 stopped inlining `offer`.
  for (let row = 0; row < count; row++) heap.offer(row);
}
