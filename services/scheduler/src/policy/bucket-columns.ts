import {
  AccountStatus,
  Platform,
  supportsModel,
  type Account,
  type EpochMs,
} from '@switchyard/domain';
import { EligibleRows, TIMED } from './eligible-rows.js';
import { loadRate, UNKNOWN } from './score.js';
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

// Distinct models with a cached bitmap per bucket; past this the cache starts over, so a client
// cycling through made-up model names cannot grow it without bound.
const MAX_CACHED_MODELS = 64;
// The same for request shapes (a model, mostly). A shape costs up to 41 bytes per row
// (eligible-rows.ts): 13 MB at most for 10,000 rows.
const MAX_CACHED_SHAPES = 32;

/**
 * A bucket's candidates laid out column by column (row r is `candidates[r]`), kept current by
 * its owner as accounts, statistics and loads change, so load balancing reads a few typed
 * arrays per account instead of three objects and their strings.
 *
 * Everything an eligibility rule needs is precomputed from the account when it is set:
 * `isSchedulable(now)` becomes `statusOk && !(expiresAt <= now) && !(blockedUntil > now)`, and model
 * support is a bitmap per requested model, computed once per model and updated row by row when
 * an account changes. Per request shape it also keeps the eligible rows and their scores
 * (EligibleRows), told of every change to a row as it is made.
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
  #shapes: EligibleRows[] = [];
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
    this.#accounts = new Array<Account>(n);
    for (let row = 0; row < n; row++) {
      const candidate = candidates[row]!;
      this.setAccount(row, candidate.account);
      this.setStats(row, candidate.stats);
      this.setInUse(row, candidate.load.inUse);
      this.setWaiting(row, candidate.load.waiting);
    }
  }

  /** Whether no two rows hold the same account id (then `rowOf` finds every row of an id). */
  get idsUnique(): boolean {
    // The index holds every id present, once: as many ids as rows means no id repeats.
    return this.#rowById.size === this.size;
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
    for (const shape of this.#shapes) {
      shape.accountChanged(row, this.#fits(row, shape));
    }
  }

  setInUse(row: number, inUse: number): void {
    // Background refreshes rewrite every row; most loads have not moved since the last one.
    if (Object.is(this.inUse[row], inUse)) return;
    this.inUse[row] = inUse;
    this.loadRate[row] = loadRate(inUse, this.concurrency[row]!);
    for (const shape of this.#shapes) shape.loadChanged(row);
  }

  setWaiting(row: number, waiting: number): void {
    if (Object.is(this.waiting[row], waiting)) return;
    this.waiting[row] = waiting;
    for (const shape of this.#shapes) shape.loadChanged(row);
  }

  /**
   * The cache for requests of this shape (eligible-rows.ts): which rows pass the rules that do
   * not depend on the clock or on the request's excluded ids — platform, transport, status and
   * schedulable flag, model — and what follows from them. Built once per shape and kept current
   * as rows change.
   */
  shape(
    platform: number,
    mixed: boolean,
    websocket: boolean,
    model: string | undefined,
  ): EligibleRows {
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
    if (this.#shapes.length >= MAX_CACHED_SHAPES) this.#shapes = [];
    const key = { platform, mixed, websocket, model };
    const fits = new Uint8Array(this.size);
    for (let row = 0; row < this.size; row++) fits[row] = this.#fits(row, key);
    const shape = new EligibleRows(this, key, fits);
    this.#shapes.push(shape);
    return shape;
  }

  // The rules of `ineligibility` except exclusion and the clock, from the columns: 0 when the
  // row fails one, else TIMED when it has a clock rule to check, else 1.
  #fits(row: number, shape: ShapeKey): number {
    const code = this.platform[row]!;
    if (code !== shape.platform && !(shape.mixed && this.mixedOk[row] === 1)) return 0;
    if (shape.websocket && code !== OPENAI_CODE) return 0;
    if (this.statusOk[row] !== 1) return 0;
    if (shape.model !== undefined && !supportsModel(this.#accounts[row]!, shape.model)) return 0;
    return this.expiresAt[row] !== Infinity || this.blockedUntil[row] !== -Infinity ? TIMED : 1;
  }

  setStats(row: number, stats: CandidateStats | null): void {
    const oldTtft = this.ttftMs[row]!;
    const oldHasTtft = this.hasTtft[row] === 1;
    this.errorRate[row] = stats === null ? UNKNOWN : stats.errorRate;
    const ttft = stats === null ? null : stats.ttftMs;
    this.hasTtft[row] = ttft === null ? 0 : 1;
    this.ttftMs[row] = ttft ?? UNKNOWN;
    for (const shape of this.#shapes) shape.statsChanged(row, oldTtft, oldHasTtft);
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

/** The request shape a cache is kept for (see BucketColumns.shape). */
type ShapeKey = {
  readonly platform: number;
  readonly mixed: boolean;
  readonly websocket: boolean;
  readonly model: string | undefined;
};

// NaN never blocks in isSchedulable (`NaN > now` is false), so it is skipped here too.
function latest(...untils: (EpochMs | null)[]): number {
  let blocked = -Infinity;
  for (const until of untils) if (until !== null && until > blocked) blocked = until;
  return blocked;
}
