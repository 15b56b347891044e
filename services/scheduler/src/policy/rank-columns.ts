import { Transport } from '@switchyard/contracts';
import { SchedulingMode } from '@switchyard/domain';
import type { TopKHeap } from './bounded-heap.js';
import { platformCode, TIMED, type BucketColumns, type EligibleShape } from './bucket-columns.js';
import type { CandidateColumns } from './candidate-columns.js';
import type { EligibilityContext } from './eligibility.js';
import type { EligibleSummary } from './eligible-summary.js';
import {
  errorFactor,
  priorityFactor,
  queueFactor,
  ttftFactor,
  UNKNOWN,
  type ScoreNorms,
} from './score.js';
import type { PolicyConfig } from './types.js';

/**
 * The columnar load-balance passes: the same eligible rows, normalisers, scores and heap as the
 * passes over candidate objects (load-balance.ts), with less work per row.
 *
 * One pass filters and scores at once. Filtering checks only what can change between two
 * selects without the bucket being told — the clock and the excluded ids — against the shape's
 * bitmap of the rules that cannot (platform, transport, status, model; BucketColumns.shape).
 * Scoring needs the normalisers of the eligible set, which are only known at the end, so the
 * pass scores with the last decision's normalisers for this shape and the caller compares:
 * equal (the usual case — they move only when the best or worst priority or the fastest TTFT
 * moves) means every score was exactly right; otherwise `scoreRowsInto` rescores the rows kept
 * in `ref`. It does not count rejections: they only matter when nothing is eligible, and then
 * `filterColumns` recounts them. Returns the shape, whose `norms` the caller updates.
 */
export function rankRows(
  bucket: BucketColumns,
  context: EligibilityContext,
  config: PolicyConfig,
  columns: CandidateColumns,
  summary: EligibleSummary,
  heap: TopKHeap,
): EligibleShape {
  const { excluded, now } = context;
  const checkExcluded = excluded.length !== 0;
  const shape = bucket.shape(
    platformCode(context.platform),
    context.mode === SchedulingMode.Mixed,
    context.transport === Transport.WebSocket,
    context.model,
  );
  const eligible = shape.rows;
  const guess = shape.norms;
  // Without a guess nothing is scored here (the rows go to scoreRowsInto).
  const scoring = guess !== null;
  const maxPriorityGuess = guess === null ? 0 : guess.maxPriority;
  const priorityRangeGuess = guess === null ? 0 : guess.priorityRange;
  const minTtftGuess = guess === null ? 0 : guess.minTtftMs;
  const {
    ref,
    id: rankId,
    priority: rankPriority,
    loadRate: rankLoad,
    waiting: rankWaiting,
    score,
  } = columns;
  const { id, priority, expiresAt, blockedUntil, loadRate, hasTtft, ttftMs, waiting, errorRate } =
    bucket;
  const {
    priority: wPriority,
    load: wLoad,
    queue: wQueue,
    errorRate: wError,
    ttft: wTtft,
  } = config.weights;
  const maxWaiting = config.fallbackMaxWaiting;
  // Priority and TTFT factors are at most 1 for eligible rows under the right normalisers (a
  // wrong guess is rescored anyway); queue and error factors are unless a count or rate is
  // negative. With no negative weight either, each weighted term is at most its weight.
  const bounded =
    bucket.factorsBounded &&
    wPriority >= 0 &&
    wLoad >= 0 &&
    wQueue >= 0 &&
    wError >= 0 &&
    wTtft >= 0;
  const total = bucket.size;
  let count = 0;
  let minPriority = Infinity;
  let maxPriority = -Infinity;
  let minTtft = Infinity;
  let loadSum = 0;
  let loadSquares = 0;
  let worst = -1;
  let worstScore = -Infinity;
  for (let i = 0; i < total; i++) {
    const fits = eligible[i];
    if (fits === 0) continue;
    // isSchedulable's clock rules, negated so that NaN instants never block, as there; most
    // rows have none, and their instants are not read.
    if (fits === TIMED && (expiresAt[i] <= now || blockedUntil[i] > now)) continue;
    if (checkExcluded && excluded.includes(id[i])) continue;
    const accountPriority = priority[i];
    if (accountPriority < minPriority) minPriority = accountPriority;
    if (accountPriority > maxPriority) maxPriority = accountPriority;
    const rate = loadRate[i];
    loadSum += rate;
    loadSquares += rate * rate;
    const ttft = ttftMs[i];
    // hasTtft is only read to tell a real −1 ms from UNKNOWN.
    if (ttft < minTtft && (ttft !== UNKNOWN || hasTtft[i] === 1)) minTtft = ttft;
    const k = count++;
    ref[k] = i;
    if (!scoring) continue;
    // With the normalisers right, every factor but load is at most 1 (see `bounded` above), and
    // rounding is monotonic, so this is an upper bound of the exact score, summed in the same
    // order: a row whose bound is below the heap's worst cannot get in, and its other columns
    // are not read.
    if (
      bounded &&
      worst >= 0 &&
      wPriority + wLoad * (1 - rate) + wQueue + wError + wTtft < worstScore
    ) {
      continue;
    }
    // Same factors, same order of addition as scoreBreakdown: the totals agree bit for bit.
    const rowScore =
      wPriority * priorityFactor(accountPriority, maxPriorityGuess, priorityRangeGuess) +
      wLoad * (1 - rate) +
      wQueue * queueFactor(waiting[i], maxWaiting) +
      wError * errorFactor(errorRate[i]) +
      wTtft * ttftFactor(ttft, minTtftGuess);
    if (worst >= 0 && rowScore < worstScore) continue;
    score[k] = rowScore;
    rankPriority[k] = accountPriority;
    rankLoad[k] = rate;
    rankWaiting[k] = waiting[i];
    rankId[k] = id[i];
    heap.offer(k);
    worst = heap.worst();
    if (worst >= 0) worstScore = score[worst];
  }
  summary.count = count;
  summary.minPriority = minPriority;
  summary.maxPriority = maxPriority;
  summary.minTtftMs = minTtft;
  summary.loadSum = loadSum;
  summary.loadSquares = loadSquares;
  return shape;
}

/** Whether two sets of normalisers give bit-identical scores (Object.is: −0 and NaN count). */
export function sameNorms(a: ScoreNorms | null, b: ScoreNorms): boolean {
  return (
    a !== null &&
    Object.is(a.maxPriority, b.maxPriority) &&
    Object.is(a.priorityRange, b.priorityRange) &&
    Object.is(a.minTtftMs, b.minTtftMs)
  );
}

/**
 * The rescoring pass, when rankRows guessed the normalisers wrong: scores eligible row k (bucket
 * row `ref[k]`) exactly as scoreInto does and offers it to a fresh heap. A score below the heap's worst cannot get in, so it is dropped before its rank
 * keys are copied; anything else (ties included) goes through `offer` as usual.
 */
export function scoreRowsInto(
  heap: TopKHeap,
  bucket: BucketColumns,
  columns: CandidateColumns,
  count: number,
  norms: ScoreNorms,
  config: PolicyConfig,
): void {
  const { ref, id, priority, loadRate, waiting, score } = columns;
  const {
    id: ids,
    priority: priorities,
    loadRate: loadRates,
    waiting: waitings,
    errorRate,
    ttftMs,
  } = bucket;
  const {
    priority: wPriority,
    load: wLoad,
    queue: wQueue,
    errorRate: wError,
    ttft: wTtft,
  } = config.weights;
  const maxWaiting = config.fallbackMaxWaiting;
  const { maxPriority, priorityRange, minTtftMs } = norms;
  let worst = -1;
  let worstScore = -Infinity;
  for (let k = 0; k < count; k++) {
    const row = ref[k];
    // Same factors, same order of addition as scoreBreakdown: the totals agree bit for bit.
    const total =
      wPriority * priorityFactor(priorities[row], maxPriority, priorityRange) +
      wLoad * (1 - loadRates[row]) +
      wQueue * queueFactor(waitings[row], maxWaiting) +
      wError * errorFactor(errorRate[row]) +
      wTtft * ttftFactor(ttftMs[row], minTtftMs);
    if (worst >= 0 && total < worstScore) continue;
    score[k] = total;
    priority[k] = priorities[row];
    loadRate[k] = loadRates[row];
    waiting[k] = waitings[row];
    id[k] = ids[row];
    heap.offer(k);
    worst = heap.worst();
    if (worst >= 0) worstScore = score[worst];
  }
}
