import {
  AccountStatus,
  Platform,
  supportsModel,
  type Account,
  type EpochMs,
} from '@switchyard/domain';
import { loadRate, UNKNOWN, type ScoreNorms } from './score.js';
import type { Candidate, CandidateStats } from './types.js';

// Small integer per platform string, assigned on first sight: the hot loop compares integers,
// and a platform the code does not know yet (a newer snapshot) still gets a code of its own.
const platformCodes = new Map<string, number>();

/** The integer standing for `platform` in `BucketColumns.platform`. */
export function platformCode(platform: string): number {
  let code = platformCodes.get(platform);
  if (code === undefined) {
    code = platformCodes.size;
    platformCodes.set(platform, code);
  }
  return code;
}

export const ANTIGRAVITY_CODE = platformCode(Platform.Antigravity);
export const OPENAI_CODE = platformCode(Platform.OpenAI);

/** A shape row that passes the static rules but has an expiry or a block to check on the clock. */
export const TIMED = 2;

// Distinct models (and request shapes) with a cached bitmap per bucket; past this the cache
// starts over, so a client cycling through made-up model names cannot grow it without bound.
const MAX_CACHED_MODELS = 64;

/**
 * A bucket's candidates laid out column by column (row r is `candidates[r]`), kept current by
 * its owner as accounts, statistics and loads change, so load balancing reads a few typed
 * arrays per account instead of three objects and their strings.
 *
 * Everything an eligibility rule needs is precomputed from the account when it is set:
 * `isSchedulable(now)` becomes `statusOk && !(expiresAt <= now) && !(blockedUntil > now)`, and model
 * support is a bitmap per requested model, computed once per model and updated row by row when
 * an account changes.
 */
export class BucketColumns {
  readonly size: number;
  readonly id: Float64Array;
  readonly priority: Float64Array;
  readonly concurrency: Float64Array;
  /** 1 when status is active and the schedulable flag is set. */
  readonly statusOk: Uint8Array;
  /** `expiresAt`, or +Infinity when the account does not expire. */
  readonly expiresAt: Float64Array;
  /** The latest of rate-limit reset, overload and temp-unschedulable ends; −Infinity if none. */
  readonly blockedUntil: Float64Array;
  /** platformCode(account.platform). */
  readonly platform: Int32Array;
  /** 1 for an antigravity account with mixed scheduling. */
  readonly mixedOk: Uint8Array;
  /** EWMA error rate; UNKNOWN without statistics. */
  readonly errorRate: Float64Array;
  /** EWMA TTFT; meaningful where `hasTtft` is 1. */
  readonly ttftMs: Float64Array;
  readonly hasTtft: Uint8Array;
  readonly inUse: Float64Array;
  readonly waiting: Float64Array;
  /** loadRate(inUse, concurrency), kept with both. */
  readonly loadRate: Float64Array;
  readonly #accounts: Account[];
  #shapes: EligibleShape[] = [];
  readonly #odd: Uint8Array;
  #oddRows = 0;
  readonly #rowById = new Map<number, number>();
  #modelSupport = new Map<string, Uint8Array>();

  constructor(candidates: readonly Candidate[]) {
    const n = candidates.length;
    this.size = n;
    this.id = new Float64Array(n);
    this.priority = new Float64Array(n);
    this.concurrency = new Float64Array(n);
    this.statusOk = new Uint8Array(n);
    this.expiresAt = new Float64Array(n);
    this.blockedUntil = new Float64Array(n);
    this.platform = new Int32Array(n);
    this.mixedOk = new Uint8Array(n);
    this.errorRate = new Float64Array(n);
    this.ttftMs = new Float64Array(n);
    this.hasTtft = new Uint8Array(n);
    this.inUse = new Float64Array(n);
    this.waiting = new Float64Array(n);
    this.loadRate = new Float64Array(n);
    this.#odd = new Uint8Array(n);
    this.#accounts = new Array<Account>(n);
    for (let row = 0; row < n; row++) {
      const candidate = candidates[row]!;
      this.setAccount(row, candidate.account);
      this.setStats(row, candidate.stats);
      this.setInUse(row, candidate.load.inUse);
      this.setWaiting(row, candidate.load.waiting);
    }
  }

  /** The first row holding `accountId`, or −1. */
  rowOf(accountId: number): number {
    return this.#rowById.get(accountId) ?? -1;
  }

  setAccount(row: number, account: Account): void {
    const previous = this.#accounts[row];
    if (previous !== undefined && previous.id !== account.id) this.#unindex(row, previous.id);
    this.#accounts[row] = account;
    if (!this.#rowById.has(account.id)) this.#rowById.set(account.id, row);
    this.id[row] = account.id;
    this.priority[row] = account.priority;
    this.concurrency[row] = account.concurrency;
    this.statusOk[row] = account.status === AccountStatus.Active && account.schedulable ? 1 : 0;
    this.expiresAt[row] = account.expiresAt ?? Infinity;
    this.blockedUntil[row] = latest(
      account.rateLimitResetAt,
      account.overloadUntil,
      account.tempUnschedulableUntil,
    );
    const code = platformCode(account.platform);
    this.platform[row] = code;
    this.mixedOk[row] = code === ANTIGRAVITY_CODE && account.mixedScheduling ? 1 : 0;
    this.loadRate[row] = loadRate(this.inUse[row]!, account.concurrency);
    for (const [model, bitmap] of this.#modelSupport) {
      bitmap[row] = supportsModel(account, model) ? 1 : 0;
    }
    for (const shape of this.#shapes) shape.rows[row] = this.#fits(row, shape);
  }

  setInUse(row: number, inUse: number): void {
    this.inUse[row] = inUse;
    this.loadRate[row] = loadRate(inUse, this.concurrency[row]!);
  }

  setWaiting(row: number, waiting: number): void {
    this.waiting[row] = waiting;
    this.#markOdd(row);
  }

  /**
   * 1 where the row passes every rule that does not depend on the clock or on the request's
   * excluded ids — platform, transport, status and schedulable flag, model — for requests of this
   * shape. Computed once per shape; rows are updated as their accounts change.
   */
  shape(
    platform: number,
    mixed: boolean,
    websocket: boolean,
    model: string | undefined,
  ): EligibleShape {
    for (const shape of this.#shapes) {
      if (
        shape.platform === platform &&
        shape.mixed === mixed &&
        shape.websocket === websocket &&
        shape.model === model
      ) {
        return shape;
      }
    }
    if (this.#shapes.length >= MAX_CACHED_MODELS) this.#shapes = [];
    const shape: EligibleShape = {
      platform,
      mixed,
      websocket,
      model,
      rows: new Uint8Array(this.size),
      norms: null,
    };
    for (let row = 0; row < this.size; row++) shape.rows[row] = this.#fits(row, shape);
    this.#shapes.push(shape);
    return shape;
  }

  // The rules of `ineligibility` except exclusion and the clock, from the columns: 0 when the
  // row fails one, else TIMED when it has a clock rule to check, else 1.
  #fits(row: number, shape: EligibleShape): number {
    const code = this.platform[row]!;
    if (code !== shape.platform && !(shape.mixed && this.mixedOk[row] === 1)) return 0;
    if (shape.websocket && code !== OPENAI_CODE) return 0;
    if (this.statusOk[row] !== 1) return 0;
    if (shape.model !== undefined && !supportsModel(this.#accounts[row]!, shape.model)) return 0;
    return this.expiresAt[row] !== Infinity || this.blockedUntil[row] !== -Infinity ? TIMED : 1;
  }

  /**
   * Whether every row's queue and error factors are at most 1 — true unless some waiting count
   * or error rate is negative, which no real source produces. rank-columns.ts bounds scores on it.
   */
  get factorsBounded(): boolean {
    return this.#oddRows === 0;
  }

  #markOdd(row: number): void {
    const errorRate = this.errorRate[row]!;
    const odd = this.waiting[row]! < 0 || (errorRate < 0 && errorRate !== UNKNOWN) ? 1 : 0;
    this.#oddRows += odd - this.#odd[row]!;
    this.#odd[row] = odd;
  }

  setStats(row: number, stats: CandidateStats | null): void {
    this.errorRate[row] = stats === null ? UNKNOWN : stats.errorRate;
    const ttft = stats === null ? null : stats.ttftMs;
    this.hasTtft[row] = ttft === null ? 0 : 1;
    this.ttftMs[row] = ttft ?? UNKNOWN;
    this.#markOdd(row);
  }

  /** 1 where the row's account serves `model` (its mapping), computed once per model. */
  modelSupport(model: string): Uint8Array {
    let bitmap = this.#modelSupport.get(model);
    if (bitmap === undefined) {
      if (this.#modelSupport.size >= MAX_CACHED_MODELS) this.#modelSupport = new Map();
      bitmap = new Uint8Array(this.size);
      for (let row = 0; row < this.size; row++) {
        bitmap[row] = supportsModel(this.#accounts[row]!, model) ? 1 : 0;
      }
      this.#modelSupport.set(model, bitmap);
    }
    return bitmap;
  }

  #unindex(row: number, accountId: number): void {
    if (this.#rowById.get(accountId) !== row) return;
    this.#rowById.delete(accountId);
    for (let other = 0; other < this.size; other++) {
      if (other !== row && this.#accounts[other]?.id === accountId) {
        this.#rowById.set(accountId, other);
        return;
      }
    }
  }
}

/** What a bucket keeps per request shape (see BucketColumns.shape). */
export type EligibleShape = {
  readonly platform: number;
  readonly mixed: boolean;
  readonly websocket: boolean;
  readonly model: string | undefined;
  /** Non-zero where the row passes the shape's static rules; TIMED where it also has clock rules. */
  readonly rows: Uint8Array;
  /**
   * The score normalisers of the last decision of this shape: the guess the next one scores
   * with while it filters (rank-columns.ts). Only ever a guess — checked before it is used.
   */
  norms: ScoreNorms | null;
};

// NaN never blocks in isSchedulable (`NaN > now` is false), so it is skipped here too.
function latest(...untils: (EpochMs | null)[]): number {
  let blocked = -Infinity;
  for (const until of untils) if (until !== null && until > blocked) blocked = until;
  return blocked;
}
