import { Transport } from '@switchyard/contracts';
import { SchedulingMode } from '@switchyard/domain';
import { TopKHeap } from './bounded-heap.js';
import { platformCode, type BucketColumns } from './bucket-columns.js';
import type { EligibilityContext } from './eligibility.js';
import type { EligibleRows } from './eligible-rows.js';
import { scoreRows } from './score-rows.js';
import type { EligibleSummary } from './eligible-summary.js';
import { flooredTtft, UNKNOWN, type ScoreNorms } from './score.js';
import type { PolicyConfig } from './types.js';

/** The finalists of a columnar ranking: bucket rows best first, their scores and normalisers. */
export type RankedRows = {
  readonly rows: number[];
  readonly scores: number[];
  readonly norms: ScoreNorms;
};

/**
 * The columnar load-balance passes: the same eligible rows, normalisers, scores and heap as the
 * passes over candidate objects (load-balance.ts), with less work per row.
 *
 * The bucket's cache for the request's shape (eligible-rows.ts) knows the rows eligible at
 * `now` and their normalisers, and holds every row's score under them, laid out beside the list
 * of rows. So a select reads, per eligible row, two numbers in sequence — its load rate, summed
 * for the load-skew metric, and its score — and offers the row to the heap only when the score
 * reaches the heap's worst: the heap would turn anything lower away on its first comparison.
 * Rows are visited in bucket order, like the candidates, so the sums and the heap's ties come
 * out the same.
 *
 * Excluded ids (a retried request: a handful at most) are looked up and their entries skipped.
 * Leaving them out can move the normalisers — when one of them had the best or worst priority
 * or the fastest TTFT — and then the rows kept are scored under their own, into scratch space.
 * Fills `summary` (not its rejection counts, which only matter when nothing is eligible:
 * `filterColumns` recounts them) and returns null when no row is eligible.
 */
export function rankRows(
  bucket: BucketColumns,
  context: EligibilityContext,
  config: PolicyConfig,
  summary: EligibleSummary,
): RankedRows | null {
  const shape = bucket.shape(
    platformCode(context.platform),
    context.mode === SchedulingMode.Mixed,
    context.transport === Transport.WebSocket,
    context.model,
  );
  const rows = shape.rowsAt(context.now);
  const eligible = shape.count;
  const skip =
    context.excluded.length === 0 ? NONE : excludedEntries(bucket, shape, rows, context.excluded);
  const count = eligible - skip.length;
  summary.count = count;
  if (count === 0) return null;
  const norms = shape.norms();
  const score = shape.scores(norms, config);
  const kept = skip.length === 0 ? norms : normsWithout(bucket, shape, rows, skip, norms);
  loadSums[0] = 0;
  loadSums[1] = 0;
  let heap: TopKHeap;
  let ranked = score;
  if (kept === norms) {
    heap = new TopKHeap(config.topK, shape.rank);
    // The entries between two excluded ones, in order.
    let start = 0;
    for (const entry of skip) {
      scan(heap, rows, shape.listScore, shape.listLoad, start, entry, score);
      start = entry + 1;
    }
    scan(heap, rows, shape.listScore, shape.listLoad, start, eligible, score);
  } else {
    const list = keptList(bucket, shape, rows, skip, kept, config);
    ranked = list.score;
    heap = new TopKHeap(config.topK, { ...shape.rank, score: ranked });
    scan(heap, list.rows, list.listScore, list.listLoad, 0, count, ranked);
  }
  summary.loadSum = loadSums[0];
  summary.loadSquares = loadSums[1];
  return finalists(heap, ranked, kept);
}

const NONE: readonly number[] = [];

// The entries of `rows` (ascending) whose account the request excludes. Account ids are unique
// in a bucket built from a snapshot, and then each id's row is looked up; otherwise (only a
// hand-built bucket repeats ids) every entry is checked.
function excludedEntries(
  bucket: BucketColumns,
  shape: EligibleRows,
  rows: Int32Array,
  excluded: readonly number[],
): number[] {
  const entries: number[] = [];
  if (bucket.idsUnique) {
    for (const accountId of excluded) {
      const row = bucket.rowOf(accountId);
      const entry = row < 0 ? -1 : shape.positionOf(row);
      if (entry >= 0 && !entries.includes(entry)) entries.push(entry);
    }
    return entries.sort((a, b) => a - b);
  }
  const id = bucket.id;
  for (let k = 0; k < shape.count; k++) if (excluded.includes(id[rows[k]])) entries.push(k);
  return entries;
}

// The normalisers of the eligible rows but the `skip` entries: `norms` itself when leaving
// those out cannot move them, or when it does not.
function normsWithout(
  bucket: BucketColumns,
  shape: EligibleRows,
  rows: Int32Array,
  skip: readonly number[],
  norms: ScoreNorms,
): ScoreNorms {
  if (!skip.some((entry) => shape.setsNorms(rows[entry]))) return norms;
  const { priority, ttftMs, hasTtft } = bucket;
  let minPriority = Infinity;
  let maxPriority = -Infinity;
  let minTtft = Infinity;
  let next = 0;
  for (let k = 0; k < shape.count; k++) {
    if (k === skip[next]) {
      next++;
      continue;
    }
    const row = rows[k];
    const rowPriority = priority[row];
    if (rowPriority < minPriority) minPriority = rowPriority;
    if (rowPriority > maxPriority) maxPriority = rowPriority;
    if (hasTtft[row] === 1 && ttftMs[row] < minTtft) minTtft = ttftMs[row];
  }
  const kept: ScoreNorms = {
    maxPriority,
    priorityRange: maxPriority - minPriority,
    minTtftMs: minTtft === Infinity ? UNKNOWN : flooredTtft(minTtft),
  };
  return Object.is(kept.maxPriority, norms.maxPriority) &&
    Object.is(kept.priorityRange, norms.priorityRange) &&
    Object.is(kept.minTtftMs, norms.minTtftMs)
    ? norms
    : kept;
}

// The eligible rows but the `skip` entries, scored under their own normalisers, into the kept
// scratch: a list with its scores and loads, and the scores by bucket row.
function keptList(
  bucket: BucketColumns,
  shape: EligibleRows,
  rows: Int32Array,
  skip: readonly number[],
  norms: ScoreNorms,
  config: PolicyConfig,
): KeptColumns {
  const kept = keptColumns(bucket.size);
  const listLoad = shape.listLoad;
  let count = 0;
  let next = 0;
  for (let k = 0; k < shape.count; k++) {
    if (k === skip[next]) {
      next++;
      continue;
    }
    kept.rows[count] = rows[k];
    kept.listLoad[count] = listLoad[k];
    count++;
  }
  scoreRows(bucket, kept.rows, count, kept.score, null, norms, config);
  for (let k = 0; k < count; k++) kept.listScore[k] = kept.score[kept.rows[k]];
  return kept;
}

/** Scratch for keptList: a list of rows with its scores and loads, and scores by bucket row. */
type KeptColumns = {
  readonly rows: Int32Array;
  readonly listScore: Float64Array;
  readonly listLoad: Float64Array;
  readonly score: Float64Array;
};

// One set shared by every call (selection is synchronous), grown to the largest bucket seen.
let keptScratch: KeptColumns = allocateKept(0);

function keptColumns(size: number): KeptColumns {
  if (keptScratch.rows.length < size) keptScratch = allocateKept(size);
  return keptScratch;
}

function allocateKept(size: number): KeptColumns {
  return {
    rows: new Int32Array(size),
    listScore: new Float64Array(size),
    listLoad: new Float64Array(size),
    score: new Float64Array(size),
  };
}

// Adds the load rates of list entries [start, end) to `loadSums` and offers to the heap each
// row whose score reaches the heap's worst; `score` is by bucket row, as the heap reads it.
function scan(
  heap: TopKHeap,
  rows: Int32Array,
  listScore: Float64Array,
  listLoad: Float64Array,
  start: number,
  end: number,
  score: Float64Array,
): void {
  const sums = loadSums;
  let worst = heap.worst();
  let worstScore = worst >= 0 ? score[worst] : -Infinity;
  for (let k = start; ; k++) {
    k = sumBelow(listScore, listLoad, k, end, worstScore, sums);
    if (k === end) break;
    const rate = listLoad[k];
    sums[0] += rate;
    sums[1] += rate * rate;
    heap.offer(rows[k]);
    worst = heap.worst();
    if (worst >= 0) worstScore = score[worst];
  }
}

// [load sum, sum of squares] while rankRows runs; selection is synchronous, so one pair serves.
const loadSums = new Float64Array(2);

// From entry `start` on, adds each load rate to `sums` (in order: the totals are the reference's
// bit for bit) until a score reaches `worstScore`; returns that entry, or `count`. A loop of its
// own, with no call and no store to a typed array in it: with the heap's code inlined beside
// it, V8 compiled the same loop about three times slower.
function sumBelow(
  listScore: Float64Array,
  listLoad: Float64Array,
  start: number,
  count: number,
  worstScore: number,
  sums: Float64Array,
): number {
  let loadSum = sums[0];
  let loadSquares = sums[1];
  let k = start;
  for (; k < count; k++) {
    // Negated so that a NaN score is offered, as `offer` would see it.
    if (!(listScore[k] < worstScore)) break;
    const rate = listLoad[k];
    loadSum += rate;
    loadSquares += rate * rate;
  }
  sums[0] = loadSum;
  sums[1] = loadSquares;
  return k;
}

// Copied out of the heap and the score column before the caller's `rng` runs: the scratch and
// the cache are never seen outside the policy.
function finalists(heap: TopKHeap, score: Float64Array, norms: ScoreNorms): RankedRows {
  const rows = heap.drain();
  return { rows, scores: rows.map((row) => score[row]), norms };
}
