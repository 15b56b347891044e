import { SelectLayer } from '@switchyard/contracts';
import type { SelectRequest, SelectResult } from '@switchyard/contracts';
import { bucketForRequest, isSchedulable } from '@switchyard/domain';
import type { KeyBuilder } from '@switchyard/redis';
import type { Logger } from '@switchyard/telemetry';
import type { BucketCandidates } from './bucket-candidates.js';
import type { LiveCandidate } from './live-candidate.js';
import type { CandidateStore } from './candidate-store.js';
import { requestSeed, seededRng } from './policy/index.js';
import type { PlannedSelection, PolicyConfig, SelectionPolicy } from './policy/index.js';
import type { SchedulerMetrics } from './scheduler-metrics.js';
import {
  NoAvailableAccountsError,
  SchedulerUnavailableError,
  asUnavailable,
  rethrowUnavailable,
} from './scheduler-errors.js';
import { selectRecord } from './select-record.js';
import type { SelectTrace } from './select-record.js';
import { decisionOf, slotAnswer, waitAnswer } from './select-answer.js';
import { selectKeys } from './select-keys.js';
import type {
  AcquireInput,
  AcquireOutcome,
  Bindings,
  Marker,
  SelectKeys,
  SelectRedis,
} from './select-redis.js';
import type { SessionCache } from './session-cache.js';
import type { SlotStock } from '@switchyard/redis';
import { answerFromStock } from './stock-answer.js';
import { noteAcquire } from './note-acquire.js';
import { addSessionLease } from './session-lease.js';

export type SelectHandlerOptions = {
  readonly store: CandidateStore;
  readonly redis: SelectRedis;
  readonly keys: KeyBuilder;
  readonly sessions: SessionCache;
  /** Slots taken ahead; null (or disabled) to acquire every slot at select time. */
  readonly stock: SlotStock | null;
  readonly policy: SelectionPolicy;
  readonly policyConfig: PolicyConfig;
  readonly metrics: SchedulerMetrics;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly slotTtlMs: number;
  /** Loads older than this are re-read before deciding (buckets read live only). */
  readonly maxLoadAgeMs: number;
  /** Loads older than this are re-read by the acquire, for the next decision. */
  readonly loadRefreshMs: number;
  /** Life of the session lease a sticky answer may carry (sessionLeaseFor); 0 grants none. */
  readonly sessionLeaseMs: number;
};

type Bind = Pick<AcquireInput, 'bindSession' | 'dropSessionAccountId' | 'refreshResponse'>;

// Decisions per select at most: each retry means Redis changed under the previous one.
const MAX_ROUNDS = 3;

/**
 * `sched.v1.select`: decide (the pure policy, on the bucket in memory), act (one Redis round
 * trip that checks the decision's inputs, takes a slot, updates bindings and reads the loads
 * for the next decision), answer. See ARCHITECTURE.md, "Selecting an account"; the rules are
 * in ./policy.
 *
 * The inputs from Redis come from a gather round trip (all bindings, and loads) when this
 * replica cannot know them: a `previousResponseId` to look up, or loads older than
 * `maxLoadAgeMs`. Otherwise the decision uses the session binding last seen (SessionCache) and
 * the loads as last read — by an acquire, which re-reads them once they are `loadRefreshMs`
 * old, with this replica's own acquisitions folded in meanwhile — and the acquire verifies the
 * bindings atomically: if one moved, nothing is taken and the select decides again on what
 * Redis returned. Either way a slot is only taken on a decision whose bindings hold at that
 * instant, and never beyond an account's limit (the acquire counts in Redis).
 *
 * The fast path skips that round trip: when the decision rests only on what this replica knows
 * — a first select of its request id, with no previous response and a session binding it has
 * seen — and the replica holds a stocked slot of the chosen account (SlotStock), the select
 * answers with that slot at once and writes its marker and binding refresh behind the answer.
 */
export class SelectHandler {
  readonly #o: SelectHandlerOptions;
  #draws = 0;

  constructor(options: SelectHandlerOptions) {
    this.#o = options;
  }

  async handle(request: SelectRequest): Promise<SelectResult> {
    const started = performance.now();
    const trace: SelectTrace = { sessionAccountId: null, escapeReason: null };
    let result: SelectResult | undefined;
    let failure: unknown;
    try {
      result = await this.#select(request, trace);
      if (result.slot !== undefined) addSessionLease(this.#o, request, result);
      return result;
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      this.#o.metrics.record(selectRecord(trace, result, failure, performance.now() - started));
    }
  }

  async #select(request: SelectRequest, trace: SelectTrace): Promise<SelectResult> {
    const { store, clock } = this.#o;
    const key = bucketForRequest(request);
    const bucket = store.bucketNow(key) ?? (await store.bucket(key));
    store.refreshLoadsIfStale(bucket);
    const keys = selectKeys(this.#o.keys, request);
    let now = clock();
    const sessionSeen = keys.session !== null && this.#o.sessions.has(keys.session);
    let known: Bindings = await this.#inputs(bucket, keys, now);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      // No await from here to the policy's return: the loads in the candidates are the ones
      // the decision reads (see LiveCandidate).
      const plan = this.#plan(request, bucket, known.response ?? null, known.session ?? null, now);
      if (plan.kind === 'none') {
        if (known.marker !== null) await this.#releaseMarked(request, keys, bucket, known, now);
        this.#traceEscape(request, bucket, trace, known, plan);
        throw new NoAvailableAccountsError(plan.reason, false);
      }
      if (round === 0) {
        const stocked =
          this.#o.stock === null
            ? null
            : answerFromStock(this.#o.stock, {
                request,
                keys,
                bucket,
                plan,
                known,
                sessionSeen,
                now,
              });
        if (stocked !== null) {
          this.#traceEscape(request, bucket, trace, known, plan);
          // No acquire read the loads on the way: read them behind the answer before a select
          // would have to read them first (maxLoadAgeMs), not as often as acquires do.
          store.refreshLiveLoads(bucket, this.#o.maxLoadAgeMs / 2);
          return stocked;
        }
      }
      const outcome = await this.#acquire(request, keys, bucket, plan, known, now, {
        bindSession: plan.bindSession,
        dropSessionAccountId: plan.dropSessionBinding ? (known.session ?? null) : null,
        refreshResponse: plan.layer === SelectLayer.PreviousResponse,
      });
      if (outcome.kind === 'stale') {
        known = { ...known, ...defined(outcome.found) };
        now = clock();
        continue;
      }
      this.#traceEscape(request, bucket, trace, known, plan);
      const slotted = this.#slotted(request, bucket, plan, outcome, now);
      if (slotted !== null) return slotted;
      return await this.#whenFull(request, keys, bucket, plan, outcome.found, now);
    }
    throw new SchedulerUnavailableError(`bindings of ${request.requestId} kept changing`);
  }

  /** The bindings to decide on: read from Redis (with fresh loads), or known here. */
  async #inputs(bucket: BucketCandidates, keys: SelectKeys, now: number): Promise<Bindings> {
    const loadsFresh = !bucket.liveLoads || now - bucket.loadsReadAt <= this.#o.maxLoadAgeMs;
    if (keys.response === null && loadsFresh) {
      const session = keys.session === null ? null : this.#o.sessions.get(keys.session);
      return { marker: null, session, response: null };
    }
    const gathered = await this.#redisCall(() =>
      this.#o.redis.gather(bucket, keys, now, !loadsFresh),
    );
    if (keys.session !== null) this.#o.sessions.set(keys.session, gathered.session);
    return gathered;
  }

  /** Every attempt was full: a wait plan, a load-balance retry for a crowded session, or no. */
  async #whenFull(
    request: SelectRequest,
    keys: SelectKeys,
    bucket: BucketCandidates,
    plan: PlannedSelection,
    found: Bindings,
    now: number,
  ): Promise<SelectResult> {
    const config = this.#o.policyConfig;
    const waitOn = this.#candidate(bucket, plan.waitPlan.accountId);
    if (plan.layer === SelectLayer.PreviousResponse) {
      // Hard sticky: the conversation lives on that account; there is nowhere else to go.
      return waitAnswer(waitOn.account, decisionOf(plan, waitOn.account.id), plan.waitPlan);
    }
    if (plan.layer === SelectLayer.Session) {
      if (waitOn.load.waiting < config.stickyMaxWaiting) {
        return waitAnswer(waitOn.account, decisionOf(plan, waitOn.account.id), plan.waitPlan);
      }
      // The sticky queue is full: serve this request elsewhere, keeping the binding.
      const spill = this.#plan(request, bucket, null, null, now);
      if (spill.kind === 'none') throw new NoAvailableAccountsError('sticky account busy', true);
      const outcome = await this.#acquire(request, keys, bucket, spill, found, now, {
        bindSession: false,
        dropSessionAccountId: null,
        refreshResponse: false,
      });
      if (outcome.kind === 'stale') {
        throw new SchedulerUnavailableError(`bindings of ${request.requestId} kept changing`);
      }
      return (
        this.#slotted(request, bucket, spill, outcome, now) ?? this.#fallbackWait(bucket, spill)
      );
    }
    return this.#fallbackWait(bucket, plan);
  }

  #fallbackWait(bucket: BucketCandidates, plan: PlannedSelection): SelectResult {
    const best = this.#candidate(bucket, plan.waitPlan.accountId);
    if (best.load.waiting >= this.#o.policyConfig.fallbackMaxWaiting) {
      throw new NoAvailableAccountsError('every eligible account is busy and its queue full', true);
    }
    return waitAnswer(best.account, decisionOf(plan, best.account.id), plan.waitPlan);
  }

  /** The answer when a slot was taken (or kept), else null. */
  #slotted(
    request: SelectRequest,
    bucket: BucketCandidates,
    plan: PlannedSelection,
    outcome: AcquireOutcome,
    now: number,
  ): SelectResult | null {
    if (outcome.kind !== 'acquired' && outcome.kind !== 'held') return null;
    let account;
    let token = request.requestId;
    if (outcome.kind === 'acquired') {
      const attempt = plan.attempts[outcome.attempt]!;
      account = attempt.account;
      // The account serves this replica's selects: stock it for the next ones.
      const candidate = bucket.get(attempt.accountId);
      if (candidate !== undefined) {
        this.#o.stock?.want(attempt.accountId, candidate.slotKey, attempt.concurrency, now);
      }
    } else {
      account = this.#heldCandidate(bucket, outcome.accountId)!.account;
      token = outcome.token;
    }
    const decision = decisionOf(plan, account.id);
    return slotAnswer(account, decision, token, now + this.#o.slotTtlMs);
  }

  async #acquire(
    request: SelectRequest,
    keys: SelectKeys,
    bucket: BucketCandidates,
    plan: PlannedSelection,
    known: Bindings,
    now: number,
    bind: Bind,
  ): Promise<AcquireOutcome> {
    const attempts = plan.attempts.map((attempt) => ({
      accountId: attempt.accountId,
      slotKey: this.#candidate(bucket, attempt.accountId).slotKey,
      limit: attempt.concurrency,
    }));
    const readLoads = bucket.liveLoads && now - bucket.loadsReadAt > this.#o.loadRefreshMs;
    const input: AcquireInput = {
      keys,
      requestId: request.requestId,
      now,
      expected: known,
      held: this.#held(request, bucket, known.marker, now),
      attempts,
      readLoads,
      ...bind,
    };
    const outcome = await this.#redisCall(() => this.#o.redis.acquire(bucket, input));
    if (!readLoads) noteAcquire(bucket, attempts, outcome);
    if (keys.session !== null && outcome.found.session !== undefined) {
      this.#o.sessions.set(keys.session, outcome.found.session);
    }
    return outcome;
  }

  /** What to do with the slot an earlier select with this request id took. */
  #held(
    request: SelectRequest,
    bucket: BucketCandidates,
    marker: Marker | null,
    now: number,
  ): AcquireInput['held'] {
    if (marker === null) return null;
    const markerAccountId = marker.accountId;
    const candidate = this.#heldCandidate(bucket, markerAccountId);
    const usable =
      candidate !== undefined &&
      !request.excludedAccountIds.includes(markerAccountId) &&
      isSchedulable(candidate.account, now);
    return { slotKey: this.#o.keys.slots(markerAccountId), mode: usable ? 'keep' : 'release' };
  }

  async #releaseMarked(
    request: SelectRequest,
    keys: SelectKeys,
    bucket: BucketCandidates,
    known: Bindings,
    now: number,
  ): Promise<void> {
    const input: AcquireInput = {
      keys,
      requestId: request.requestId,
      now,
      expected: { marker: known.marker, session: undefined, response: undefined },
      held: { slotKey: this.#o.keys.slots(known.marker!.accountId), mode: 'release' },
      attempts: [],
      bindSession: false,
      dropSessionAccountId: null,
      refreshResponse: false,
      readLoads: false,
    };
    await this.#redisCall(() => this.#o.redis.acquire(bucket, input));
  }

  #plan(
    request: SelectRequest,
    bucket: BucketCandidates,
    previousResponseAccountId: number | null,
    sessionAccountId: number | null,
    now: number,
  ) {
    this.#draws = (this.#draws + 1) & 0xfff;
    return this.#o.policy({
      request,
      candidates: bucket.candidates,
      columns: bucket.columns,
      previousResponseAccountId,
      sessionAccountId,
      config: this.#o.policyConfig,
      now,
      // Time entropy only counts without a session anchor (see requestSeed); the counter keeps
      // two anonymous selects in the same millisecond from drawing the same order.
      rng: seededRng(requestSeed(request, now * 4096 + this.#draws)),
    });
  }

  #candidate(bucket: BucketCandidates, accountId: number): LiveCandidate {
    const candidate = bucket.get(accountId);
    // The policy only names accounts of the bucket it was given.
    if (candidate === undefined) throw new Error(`account ${accountId} is not in ${bucket.key}`);
    return candidate;
  }

  #heldCandidate(bucket: BucketCandidates, accountId: number): LiveCandidate | undefined {
    return bucket.get(accountId) ?? this.#o.store.anyCandidate(accountId);
  }

  /** Records the decision acted on for the metrics, and logs its escape. */
  #traceEscape(
    request: SelectRequest,
    bucket: BucketCandidates,
    trace: SelectTrace,
    known: Bindings,
    plan: { readonly escapeReason: string | null; readonly escapedAccountId: number | null },
  ): void {
    trace.sessionAccountId = request.sessionHash === undefined ? null : (known.session ?? null);
    trace.escapeReason = plan.escapeReason;
    if (plan.escapeReason === null) return;
    const accountId = plan.escapedAccountId;
    const stats = accountId === null ? null : (bucket.get(accountId)?.stats ?? null);
    this.#o.logger.info('sticky_escape_triggered', {
      accountId,
      reason: plan.escapeReason,
      errorRate: stats?.errorRate ?? null,
      ttftMs: stats?.ttftMs ?? null,
      groupId: request.groupId,
      sessionHash: request.sessionHash,
      requestId: request.requestId,
    });
  }

  // Not async: one promise layer less per Redis round trip on the hot path.
  #redisCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return call().catch(rethrowUnavailable);
    } catch (cause) {
      return Promise.reject(asUnavailable(cause));
    }
  }
}

/** The bindings an acquire did find (unchecked ones left out). */
function defined(found: Bindings): Partial<Bindings> {
  const out: { -readonly [K in keyof Bindings]?: Bindings[K] } = { marker: found.marker };
  if (found.session !== undefined) out.session = found.session;
  if (found.response !== undefined) out.response = found.response;
  return out;
}
