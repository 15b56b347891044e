import type { SelectRequest, SelectResult } from '@switchyard/contracts';
import type { BucketCandidates } from './bucket-candidates.js';
import type { PlannedSelection } from './policy/index.js';
import { decisionOf, slotAnswer } from './select-answer.js';
import type { Bindings, SelectKeys } from './select-redis.js';
import type { SlotStock } from '@switchyard/redis';

/** What a select knows when it may answer from stock: its request, keys, decision and inputs. */
export type StockQuestion = {
  readonly request: SelectRequest;
  readonly keys: SelectKeys;
  readonly bucket: BucketCandidates;
  readonly plan: PlannedSelection;
  readonly known: Bindings;
  /** Whether the replica had seen the session's binding before this select. */
  readonly sessionSeen: boolean;
  readonly now: number;
};

/**
 * The answer out of the replica's slot stock, or null when the select must act in Redis: a
 * retry or failover (checked against the slot an earlier select of the request holds), a
 * previous response to look up, a session binding not seen here or to be written or dropped,
 * or no stocked slot of the chosen account. The marker, the binding refresh and the refill are
 * handed to the stock's write-behind.
 */
export function answerFromStock(stock: SlotStock, q: StockQuestion): SelectResult | null {
  const { request, keys, plan, known, now } = q;
  if (!stock.enabled) return null;
  if ((request.attempt ?? 1) > 1 || request.excludedAccountIds.length > 0) return null;
  if (keys.response !== null || known.marker !== null || plan.dropSessionBinding) return null;
  const first = plan.attempts[0]!;
  let sessionKey: string | null = null;
  if (keys.session !== null) {
    if (!q.sessionSeen) return null;
    if (plan.bindSession) {
      // Only a refresh of the binding this replica knows; a new binding is written atomically.
      if (known.session == null || known.session !== first.accountId) return null;
      sessionKey = keys.session;
    }
  }
  const candidate = q.bucket.get(first.accountId);
  if (candidate === undefined) return null;
  const slot = stock.take(first.accountId, now);
  if (slot === null) return null;
  stock.handOut({
    accountId: first.accountId,
    token: slot.token,
    markerKey: keys.marker,
    sessionKey,
  });
  stock.want(first.accountId, candidate.slotKey, first.concurrency, now);
  return slotAnswer(first.account, decisionOf(plan, first.accountId), slot.token, slot.expiresAt);
}
