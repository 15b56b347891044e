import { errorFactor, priorityFactor, queueFactor, ttftFactor, type ScoreNorms } from './score.js';
import type { PolicyConfig } from './types.js';

// The columnar scoring of EligibleRows, rankRows and the load-balance pass: scoreBreakdown's
// arithmetic over columns.

/** The score inputs, one entry per row (BucketColumns, CandidateColumns). */
export type ScoreColumns = {
  readonly priority: ArrayLike<number>;
  readonly loadRate: ArrayLike<number>;
  readonly waiting: ArrayLike<number>;
  readonly errorRate: ArrayLike<number>;
  readonly ttftMs: ArrayLike<number>;
};

/**
 * Scores bucket rows `rows[0..count)` — or rows 0..count when `rows` is null — into `score`
 * (indexed by bucket row) under `norms` and `config`'s weights, and when `partial` is given,
 * each score but its TTFT term into it (see EligibleRows).
 */
export function scoreRows(
  bucket: ScoreColumns,
  rows: Int32Array | null,
  count: number,
  score: Float64Array,
  partial: Float64Array | null,
  norms: ScoreNorms,
  config: PolicyConfig,
): void {
  const { priority, loadRate, waiting, errorRate, ttftMs } = bucket;
  const {
    priority: wPriority,
    load: wLoad,
    queue: wQueue,
    errorRate: wError,
    ttft: wTtft,
  } = config.weights;
  const maxWaiting = config.fallbackMaxWaiting;
  const { maxPriority, priorityRange, minTtftMs } = norms;
  for (let k = 0; k < count; k++) {
    const row = rows === null ? k : rows[k]!;
    // Same factors, same order of addition as scoreBreakdown: the totals agree bit for bit.
    const terms =
      wPriority * priorityFactor(priority[row], maxPriority, priorityRange) +
      wLoad * (1 - loadRate[row]) +
      wQueue * queueFactor(waiting[row], maxWaiting) +
      wError * errorFactor(errorRate[row]);
    if (partial !== null) partial[row] = terms;
    score[row] = terms + wTtft * ttftFactor(ttftMs[row], minTtftMs);
  }
}

/** The fastest TTFT moved: each score is its other terms plus the new TTFT term. */
export function addTtftTerms(
  ttftMs: Float64Array,
  partial: Float64Array,
  score: Float64Array,
  wTtft: number,
  minTtftMs: number,
): void {
  for (let row = 0; row < score.length; row++) {
    score[row] = partial[row] + wTtft * ttftFactor(ttftMs[row], minTtftMs);
  }
}
