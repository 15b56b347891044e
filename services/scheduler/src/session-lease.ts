import type { SelectRequest, SelectResult, SessionLease } from '@switchyard/contracts';
import { bucketForRequest, isSchedulable, type Account } from '@switchyard/domain';
import { sessionBindingKey } from '@switchyard/redis';
import type { CandidateStats, PolicyConfig } from './policy/index.js';
import type { SelectHandlerOptions } from './select-handler.js';

/** What a select knows, once answered, that decides whether its answer carries a lease. */
export type LeaseQuestion = {
  readonly request: SelectRequest;
  readonly result: SelectResult;
  /** The chosen account and its statistics as this replica holds them; undefined if gone. */
  readonly candidate:
    { readonly account: Account; readonly stats: CandidateStats | null } | undefined;
  /** The account the session is bound to in Redis after this select, as last seen here. */
  readonly boundAccountId: number | null;
  /** `SCHED_SESSION_LEASE_MS`; 0 grants none. */
  readonly leaseMs: number;
  readonly config: PolicyConfig;
  readonly now: number;
};

/**
 * The session lease the answer carries, or null. A lease lets the caller send the session's
 * next requests to the same account for `leaseMs` and take their slots itself, skipping the
 * select round trip. It is granted only where the next select would answer the same account
 * anyway:
 * - a first attempt (nothing excluded) of a request anchored on a session and on no previous
 *   response, whose select took a slot;
 * - on the account the session is bound to now, reached without an escape;
 * - the account is schedulable now and at the lease's end (its expiry is not inside the lease);
 * - it is healthy with room to spare: with escapes on, its EWMA error rate and TTFT are at
 *   most half their escape thresholds, so drifting towards an escape ends the leases first.
 *
 * What the policy would still check on each request — exclusion, model, transport, platform —
 * is the same for the next request of the session as long as the caller keys the lease on
 * these inputs; what can change — state, concurrency, credentials — comes as an account event,
 * on which the caller drops the lease.
 */
export function sessionLeaseFor(q: LeaseQuestion): SessionLease | null {
  const { request, result, candidate, leaseMs, config } = q;
  if (leaseMs <= 0 || result.slot === undefined) return null;
  if (request.sessionHash === undefined || request.previousResponseId !== undefined) return null;
  if (request.excludedAccountIds.length > 0 || (request.attempt ?? 1) > 1) return null;
  if (result.decision.escapeReason !== null) return null;
  if (candidate === undefined || q.boundAccountId !== result.account.id) return null;
  const { account } = candidate;
  if (!isSchedulable(account, q.now) || !isSchedulable(account, q.now + leaseMs)) return null;
  if (!healthyWithMargin(candidate.stats, config)) return null;
  return { ttlMs: leaseMs };
}

function healthyWithMargin(stats: CandidateStats | null, config: PolicyConfig): boolean {
  if (!config.stickyEscapeEnabled || stats === null) return true;
  if (stats.errorRate > config.stickyEscapeErrorRate / 2) return false;
  return stats.ttftMs === null || stats.ttftMs <= config.stickyEscapeTtftMs / 2;
}

/** What addSessionLease reads of the select handler's state. */
export type LeaseSources = Pick<
  SelectHandlerOptions,
  'store' | 'keys' | 'sessions' | 'sessionLeaseMs' | 'policyConfig' | 'clock'
>;

/** Adds to `result` (an answer with a slot) the lease sessionLeaseFor grants, if any. */
export function addSessionLease(
  sources: LeaseSources,
  request: SelectRequest,
  result: SelectResult,
): void {
  if (sources.sessionLeaseMs <= 0 || request.sessionHash === undefined) return;
  const sessionKey = sessionBindingKey(sources.keys, request.groupId, request.sessionHash);
  const lease = sessionLeaseFor({
    request,
    result,
    candidate: sources.store.bucketNow(bucketForRequest(request))?.get(result.account.id),
    boundAccountId: sources.sessions.get(sessionKey),
    leaseMs: sources.sessionLeaseMs,
    config: sources.policyConfig,
    now: sources.clock(),
  });
  if (lease !== null) result.lease = lease;
}
