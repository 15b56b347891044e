import type { ScoreBreakdown } from '@switchyard/contracts';
import type { Candidate, PolicyConfig } from './types.js';

/**
 * Load-balance scoring. Each factor lies in [0, 1], higher is better, and the score is
 *   w_priority·priority + w_load·(1 − loadRate) + w_queue·(1 − waiting/maxWaiting)
 *   + w_error·(1 − errorRate) + w_ttft·ttft.
 *
 * Priority and TTFT are relative to the eligible candidates of this decision (hence `ScoreNorms`):
 * - priority: (maxPriority − priority) / (maxPriority − minPriority), so the most preferred
 *   (lowest number) scores 1 and the least preferred 0; all equal → 1 for everyone.
 * - ttft: minTtft / ttft over the candidates that have a TTFT, so the fastest scores 1 and one
 *   twice as slow 0.5. A candidate without a TTFT scores a neutral 1, matching the error rate's
 *   start at 0: a fresh account must receive traffic to be measured at all, and a single report
 *   seeds its TTFT, so the benefit of the doubt lasts one request. A pessimistic default would
 *   starve new accounts of exactly the traffic that would rate them.
 */
export type ScoreNorms = {
  readonly maxPriority: number;
  /** maxPriority − minPriority; 0 when all candidates share one priority. */
  readonly priorityRange: number;
  /** Fastest EWMA TTFT among the candidates, floored at 1 ms; UNKNOWN when none has one. */
  readonly minTtftMs: number;
};

/**
 * Stands for a statistic the candidate does not have (no report yet, or no report with a TTFT).
 * A number rather than null so the scoring loop stays in unboxed doubles: a `number | null`
 * value makes V8 allocate a heap number per candidate. For the same reason the factor functions
 * take plain numbers, not objects: they then inline into the hot loop like hand-written maths.
 */
export const UNKNOWN = -1;

// Floors TTFTs so a (bogus) 0 ms sample cannot divide by zero or zero out every other candidate.
const MIN_TTFT_MS = 1;

export function flooredTtft(ttftMs: number): number {
  return ttftMs < MIN_TTFT_MS ? MIN_TTFT_MS : ttftMs;
}

/** inUse / concurrency, capped at 1 (a full or misconfigured account counts as fully loaded). */
export function loadRate(inUse: number, concurrency: number): number {
  if (concurrency <= 0) return 1;
  const rate = inUse / concurrency;
  return rate > 1 ? 1 : rate;
}

export function priorityFactor(
  priority: number,
  maxPriority: number,
  priorityRange: number,
): number {
  return priorityRange === 0 ? 1 : (maxPriority - priority) / priorityRange;
}

export function queueFactor(waiting: number, maxWaiting: number): number {
  if (maxWaiting <= 0) return waiting > 0 ? 0 : 1;
  const ratio = waiting / maxWaiting;
  return ratio >= 1 ? 0 : 1 - ratio;
}

/** minTtft / ttft; 1 (neutral) when either is UNKNOWN. */
export function ttftFactor(ttftMs: number, minTtftMs: number): number {
  if (ttftMs === UNKNOWN || minTtftMs === UNKNOWN) return 1;
  return minTtftMs / flooredTtft(ttftMs);
}

/** 1 − errorRate; UNKNOWN (no statistics) counts as error-free, like a fresh EWMA. */
export function errorFactor(errorRate: number): number {
  return errorRate === UNKNOWN ? 1 : 1 - errorRate;
}

/**
 * The weighted factors of one candidate. The load-balance hot loop computes the same sum from
 * the same factor functions in the same order, so `total` is bit for bit what the ranking
 * compared.
 */
export function scoreBreakdown(
  candidate: Candidate,
  norms: ScoreNorms,
  config: PolicyConfig,
): ScoreBreakdown {
  const { account, stats, load } = candidate;
  const w = config.weights;
  const priority =
    w.priority * priorityFactor(account.priority, norms.maxPriority, norms.priorityRange);
  const loadTerm = w.load * (1 - loadRate(load.inUse, account.concurrency));
  const queue = w.queue * queueFactor(load.waiting, config.fallbackMaxWaiting);
  const errorRate = w.errorRate * errorFactor(stats === null ? UNKNOWN : stats.errorRate);
  const ttft = w.ttft * ttftFactor(stats?.ttftMs ?? UNKNOWN, norms.minTtftMs);
  return {
    total: priority + loadTerm + queue + errorRate + ttft,
    priority,
    load: loadTerm,
    queue,
    errorRate,
    ttft,
  };
}
