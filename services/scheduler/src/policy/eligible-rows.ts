import type { RankColumns } from './bounded-heap.js';
import type { BucketColumns } from './bucket-columns.js';
import {
  errorFactor,
  flooredTtft,
  priorityFactor,
  queueFactor,
  ttftFactor,
  UNKNOWN,
  type ScoreNorms,
} from './score.js';
import { addTtftTerms, scoreRows } from './score-rows.js';
import type { PolicyConfig } from './types.js';

/** A `fits` row that passes the static rules but has an expiry or a block to check on the clock. */
export const TIMED = 2;

/**
 * What a bucket keeps for one request shape (platform, mixed mode, WebSocket, model), so that a
 * select does per row only what its own inputs can still change: read two numbers in sequence —
 * the load rate, summed for the load-skew metric, and the score, compared with the heap's worst.
 *
 * - Which rows pass the rules that depend on the account alone (platform, transport, status and
 *   schedulable flag, model); the bucket passes a row's new verdict when its account changes.
 * - The eligible rows: the rows that also pass `isSchedulable`'s clock rules, in bucket order,
 *   with the priority range and fastest TTFT among them. Schedulability only flips at the
 *   instants named in the accounts (an expiry, the end of a rate limit, overload or temporary
 *   block), so the list holds for every `now` from the latest such instant at or before the one
 *   it was built at up to the first one after it; it is rebuilt when `now` leaves that interval
 *   (either way: the clock may step back) or an account changes. A report moves the fastest
 *   TTFT in place.
 * - `score`: every row's load-balance score under the normalisers and weights last ranked with,
 *   rewritten row by row as accounts, reports and loads change, and in full when the
 *   normalisers or weights move. A select whose normalisers are the same reads the scores as
 *   they are: the same factors summed in the same order, so bit for bit what the reference
 *   computes. Beside the list, each entry's score and load rate are kept in list order too.
 *
 * The excluded ids of a request are not part of any of this; rank-columns.ts skips them.
 */
export class EligibleRows {
  readonly platform: number;
  readonly mixed: boolean;
  readonly websocket: boolean;
  readonly model: string | undefined;
  /** 0 where the row fails a static rule; TIMED where it also has clock rules; else 1. */
  readonly #fits: Uint8Array;
  /** How many rows of `#fits` are not 0: the most rows the list can hold. */
  #fitting = 0;
  /** Row r's score under the current normalisers and weights, once `scores` has run. */
  readonly score: Float64Array;
  /**
   * Row r's score but its TTFT term, the four terms before it added in order: the score is
   * this plus the TTFT term, bit for bit, so a move of the fastest TTFT rescores with one
   * term instead of five.
   */
  readonly #partial: Float64Array;
  /** Rank keys of the bucket's rows, scored by `score`: what the heap reads. */
  readonly rank: RankColumns;
  readonly #bucket: BucketColumns;
  /** The eligible rows, ascending; the first `#count` entries are meaningful. */
  #rows: Int32Array;
  /** Beside `#rows`, entry k for row `#rows[k]`: its score and load rate, read in sequence. */
  #listScore: Float64Array;
  #listLoad: Float64Array;
  /** Row r's entry in `#rows`, or −1 when it is not eligible (valid while not `#stale`). */
  readonly #position: Int32Array;
  #count = 0;
  /** Whether `#rows` and the priority range must be rebuilt (an account changed). */
  #stale = true;
  /** The interval of instants the rows hold for: [from, until). */
  #from = 0;
  #until = 0;
  #minPriority = Infinity;
  #maxPriority = -Infinity;
  #minTtft = Infinity;
  /** Whether the fastest eligible TTFT may have risen (its account reported a slower one). */
  #ttftStale = false;
  #norms: ScoreNorms | null = null;
  /** What `score` was computed with; `#scored` false until the first `scores`. */
  #scored = false;
  #wPriority = 0;
  #wLoad = 0;
  #wQueue = 0;
  #wError = 0;
  #wTtft = 0;
  #maxWaiting = 0;
  #maxPriorityNorm = 0;
  #priorityRange = 0;
  #minTtftNorm = 0;

  constructor(
    bucket: BucketColumns,
    shape: { platform: number; mixed: boolean; websocket: boolean; model: string | undefined },
    fits: Uint8Array,
  ) {
    this.#bucket = bucket;
    this.platform = shape.platform;
    this.mixed = shape.mixed;
    this.websocket = shape.websocket;
    this.model = shape.model;
    this.#fits = fits;
    this.score = new Float64Array(bucket.size);
    this.#partial = new Float64Array(bucket.size);
    this.#position = new Int32Array(bucket.size);
    for (let row = 0; row < fits.length; row++) if (fits[row] !== 0) this.#fitting++;
    // Room for the rows that pass the static rules now; grown if more come to (see #rebuild).
    this.#rows = new Int32Array(this.#fitting);
    this.#listScore = new Float64Array(this.#fitting);
    this.#listLoad = new Float64Array(this.#fitting);
    this.rank = {
      score: this.score,
      priority: bucket.priority,
      loadRate: bucket.loadRate,
      waiting: bucket.waiting,
      id: bucket.id,
    };
  }

  /** The eligible rows at `now` (ascending; `count` of them), rebuilt when no longer valid. */
  rowsAt(now: number): Int32Array {
    if (this.#stale || !(now >= this.#from && now < this.#until)) this.#rebuild(now);
    return this.#rows;
  }

  /** How many of `rowsAt`'s entries are eligible. */
  get count(): number {
    return this.#count;
  }

  /** Row `row`'s entry in `rowsAt(now)`, or −1 when it is not eligible. */
  positionOf(row: number): number {
    return this.#position[row];
  }

  /**
   * Whether the row sets one of the normalisers — it has the lowest or highest priority or the
   * fastest TTFT among the eligible rows (as of the last `norms`) — so that leaving it out may
   * move them.
   */
  setsNorms(row: number): boolean {
    const { priority, ttftMs, hasTtft } = this.#bucket;
    return (
      priority[row] === this.#minPriority ||
      priority[row] === this.#maxPriority ||
      (hasTtft[row] === 1 && ttftMs[row] === this.#minTtft)
    );
  }

  /** Entry k is the score of row `rowsAt(now)[k]`, once `scores` has run. */
  get listScore(): Float64Array {
    return this.#listScore;
  }

  /** Entry k is the load rate of row `rowsAt(now)[k]`. */
  get listLoad(): Float64Array {
    return this.#listLoad;
  }

  /** The normalisers of the eligible rows (score.ts), as of the last `rowsAt`. */
  norms(): ScoreNorms {
    if (this.#ttftStale) {
      const { ttftMs, hasTtft } = this.#bucket;
      const rows = this.#rows;
      let minTtft = Infinity;
      for (let k = 0; k < this.#count; k++) {
        const row = rows[k];
        if (hasTtft[row] === 1 && ttftMs[row] < minTtft) minTtft = ttftMs[row];
      }
      this.#ttftStale = false;
      if (!Object.is(minTtft, this.#minTtft)) {
        this.#minTtft = minTtft;
        this.#norms = null;
      }
    }
    if (this.#norms === null) {
      const minTtft = this.#minTtft;
      this.#norms = {
        maxPriority: this.#maxPriority,
        priorityRange: this.#maxPriority - this.#minPriority,
        minTtftMs: minTtft === Infinity ? UNKNOWN : flooredTtft(minTtft),
      };
    }
    return this.#norms;
  }

  /**
   * Makes `score` and `listScore` current for `norms` and `config`'s weights (rescored in full
   * if they moved), and returns `score`.
   */
  scores(norms: ScoreNorms, config: PolicyConfig): Float64Array {
    const w = config.weights;
    const score = this.score;
    if (
      !this.#scored ||
      !Object.is(this.#wPriority, w.priority) ||
      !Object.is(this.#wLoad, w.load) ||
      !Object.is(this.#wQueue, w.queue) ||
      !Object.is(this.#wError, w.errorRate) ||
      !Object.is(this.#wTtft, w.ttft) ||
      !Object.is(this.#maxWaiting, config.fallbackMaxWaiting) ||
      !Object.is(this.#maxPriorityNorm, norms.maxPriority) ||
      !Object.is(this.#priorityRange, norms.priorityRange)
    ) {
      this.#wPriority = w.priority;
      this.#wLoad = w.load;
      this.#wQueue = w.queue;
      this.#wError = w.errorRate;
      this.#wTtft = w.ttft;
      this.#maxWaiting = config.fallbackMaxWaiting;
      this.#maxPriorityNorm = norms.maxPriority;
      this.#priorityRange = norms.priorityRange;
      this.#minTtftNorm = norms.minTtftMs;
      this.#scored = true;
      scoreRows(this.#bucket, null, this.#bucket.size, score, this.#partial, norms, config);
    } else if (!Object.is(this.#minTtftNorm, norms.minTtftMs)) {
      this.#minTtftNorm = norms.minTtftMs;
      addTtftTerms(this.#bucket.ttftMs, this.#partial, score, w.ttft, norms.minTtftMs);
    } else {
      return score;
    }
    const rows = this.#rows;
    const listScore = this.#listScore;
    for (let k = 0; k < this.#count; k++) listScore[k] = score[rows[k]];
    return score;
  }

  /** The row's account changed; `fits` is its verdict on the static rules now (see `#fits`). */
  accountChanged(row: number, fits: number): void {
    this.#fitting += (fits !== 0 ? 1 : 0) - (this.#fits[row] !== 0 ? 1 : 0);
    this.#fits[row] = fits;
    this.#stale = true;
    this.#rescore(row);
  }

  /** The row's statistics changed from a TTFT of `oldTtft` (when `oldHasTtft`). */
  statsChanged(row: number, oldTtft: number, oldHasTtft: boolean): void {
    if (!this.#stale && !this.#ttftStale && this.#position[row] >= 0) {
      const { ttftMs, hasTtft } = this.#bucket;
      const ttft = ttftMs[row];
      const has = hasTtft[row] === 1;
      if (has && ttft < this.#minTtft) {
        this.#minTtft = ttft;
        this.#norms = null;
      } else if (oldHasTtft && oldTtft === this.#minTtft && !(has && ttft === oldTtft)) {
        // It was the fastest (or one of them): only a scan can tell what is fastest now.
        this.#ttftStale = true;
      }
    }
    this.#rescore(row);
  }

  /** The row's slots in use or waiting count changed. */
  loadChanged(row: number): void {
    this.#rescore(row);
  }

  // Rewrites the row's score, and its entry in the list when it has one (a stale list is
  // rebuilt from the columns before it is read again).
  #rescore(row: number): void {
    const position = this.#stale ? -1 : this.#position[row];
    if (position >= 0) this.#listLoad[position] = this.#bucket.loadRate[row];
    if (!this.#scored) return;
    const { priority, loadRate, waiting, errorRate, ttftMs } = this.#bucket;
    // Same factors, same order of addition as scoreBreakdown: the totals agree bit for bit.
    const partial =
      this.#wPriority * priorityFactor(priority[row], this.#maxPriorityNorm, this.#priorityRange) +
      this.#wLoad * (1 - loadRate[row]) +
      this.#wQueue * queueFactor(waiting[row], this.#maxWaiting) +
      this.#wError * errorFactor(errorRate[row]);
    this.#partial[row] = partial;
    this.score[row] = partial + this.#wTtft * ttftFactor(ttftMs[row], this.#minTtftNorm);
    if (position >= 0) this.#listScore[position] = this.score[row];
  }

  #rebuild(now: number): void {
    if (this.#rows.length < this.#fitting) {
      this.#rows = new Int32Array(this.#fitting);
      this.#listScore = new Float64Array(this.#fitting);
      this.#listLoad = new Float64Array(this.#fitting);
    }
    const found = collectEligible(
      this.#bucket,
      this.#fits,
      this.score,
      now,
      this.#position,
      this.#rows,
      this.#listScore,
      this.#listLoad,
    );
    this.#count = found[COUNT];
    this.#minPriority = found[MIN_PRIORITY];
    this.#maxPriority = found[MAX_PRIORITY];
    this.#minTtft = found[MIN_TTFT];
    this.#from = found[FROM];
    this.#until = found[UNTIL];
    this.#stale = false;
    this.#ttftStale = false;
    this.#norms = null;
  }
}

// What collectEligible found, by index in `found`.
const COUNT = 0;
const MIN_PRIORITY = 1;
const MAX_PRIORITY = 2;
const MIN_TTFT = 3;
const FROM = 4;
const UNTIL = 5;
const found = new Float64Array(6);

// Lists the rows eligible at `now` with their scores and load rates, marks each row's position,
// and returns (in `found`) how many, their priority range and fastest TTFT, and the interval
// of instants the verdicts hold for. A plain function over arrays: as a method reading private
// fields, V8 compiled this loop to run about three times slower.
function collectEligible(
  bucket: BucketColumns,
  fits: Uint8Array,
  score: Float64Array,
  now: number,
  position: Int32Array,
  rows: Int32Array,
  listScore: Float64Array,
  listLoad: Float64Array,
): Float64Array {
  const { priority, expiresAt, blockedUntil, ttftMs, hasTtft, loadRate } = bucket;
  const total = fits.length;
  let count = 0;
  let minPriority = Infinity;
  let maxPriority = -Infinity;
  let minTtft = Infinity;
  let from = -Infinity;
  let until = Infinity;
  for (let row = 0; row < total; row++) {
    position[row] = -1;
    const fit = fits[row];
    if (fit === 0) continue;
    if (fit === TIMED) {
      // isSchedulable's clock rules, negated so that NaN instants never block, as there. Each
      // instant bounds the interval the verdict holds for, on the side `now` is not on.
      const expires = expiresAt[row];
      const blocked = blockedUntil[row];
      if (expires > now) until = expires < until ? expires : until;
      else if (expires <= now) from = expires > from ? expires : from;
      if (blocked > now) until = blocked < until ? blocked : until;
      else if (blocked <= now) from = blocked > from ? blocked : from;
      if (expires <= now || blocked > now) continue;
    }
    position[row] = count;
    rows[count] = row;
    listScore[count] = score[row];
    listLoad[count] = loadRate[row];
    count++;
    const rowPriority = priority[row];
    if (rowPriority < minPriority) minPriority = rowPriority;
    if (rowPriority > maxPriority) maxPriority = rowPriority;
    if (hasTtft[row] === 1 && ttftMs[row] < minTtft) minTtft = ttftMs[row];
  }
  found[COUNT] = count;
  found[MIN_PRIORITY] = minPriority;
  found[MAX_PRIORITY] = maxPriority;
  found[MIN_TTFT] = minTtft;
  found[FROM] = from;
  found[UNTIL] = until;
  return found;
}
