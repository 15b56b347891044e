import type { RankColumns } from './bounded-heap.js';

/**
 * Scratch space for load balancing: the eligible candidates' scoring inputs laid out column by
 * column, so the scoring pass streams through a few contiguous typed arrays instead of chasing
 * three objects per candidate a second time.
 *
 * One set is shared by every call and grows to the largest bucket seen. That keeps the hot path
 * free of per-call allocation (10,000 candidates would otherwise mean ~500 KB of fresh typed
 * arrays per select) without making the policy impure: selection is synchronous and JavaScript
 * runs it to completion, so a call writes every slot it reads before reading it and no two calls
 * ever interleave (what outlives the scoring is copied out before the caller's `rng` runs);
 * nothing about the scratch is observable from outside.
 */
export type CandidateColumns = RankColumns & {
  /** Index of the candidate in the input array. */
  readonly ref: Int32Array;
  readonly id: Float64Array;
  readonly priority: Float64Array;
  readonly loadRate: Float64Array;
  readonly waiting: Float64Array;
  /** UNKNOWN (score.ts) when the candidate has no statistics. */
  readonly errorRate: Float64Array;
  /** UNKNOWN when the candidate has no TTFT. */
  readonly ttftMs: Float64Array;
  /** Written by the scoring pass. */
  readonly score: Float64Array;
};

const INITIAL_CAPACITY = 1024;

let shared = allocate(INITIAL_CAPACITY);

/** Columns with room for at least `count` rows; contents are garbage until written. */
export function candidateColumns(count: number): CandidateColumns {
  if (shared.ref.length < count) {
    let capacity = shared.ref.length;
    while (capacity < count) capacity *= 2;
    shared = allocate(capacity);
  }
  return shared;
}

function allocate(capacity: number): CandidateColumns {
  return {
    ref: new Int32Array(capacity),
    id: new Float64Array(capacity),
    priority: new Float64Array(capacity),
    loadRate: new Float64Array(capacity),
    waiting: new Float64Array(capacity),
    errorRate: new Float64Array(capacity),
    ttftMs: new Float64Array(capacity),
    score: new Float64Array(capacity),
  };
}
