import type {
  SelectDecision,
  SelectLayer,
  SelectResult,
  SelectedAccount,
  WaitPlan,
} from '@switchyard/contracts';
import type { Account } from '@switchyard/domain';
import type { PlannedSelection } from './policy/index.js';

/** The chosen account as the wire carries it: no secrets, nothing the gateway must not see. */
export function selectedAccount(account: Account): SelectedAccount {
  return {
    id: account.id,
    platform: account.platform,
    type: account.type,
    concurrency: account.concurrency,
  };
}

/**
 * Why this account: the plan's layer and sizes, and — for a load-balance pick — the chosen
 * candidate's weighted score factors.
 */
export function decisionOf(
  plan: PlannedSelection,
  accountId: number,
  layer: SelectLayer = plan.layer,
): SelectDecision {
  const attempt = plan.attempts.find((a) => a.accountId === accountId);
  const decision: SelectDecision = {
    layer,
    candidateCount: plan.candidateCount,
    topK: plan.topK,
    loadSkew: plan.loadSkew,
    escapeReason: plan.escapeReason,
  };
  if (attempt?.score != null) decision.score = attempt.score;
  return decision;
}

export function slotAnswer(
  account: Account,
  decision: SelectDecision,
  token: string,
  expiresAt: number,
): SelectResult {
  return {
    account: selectedAccount(account),
    slot: { acquired: true, token, expiresAt },
    decision,
  };
}

export function waitAnswer(
  account: Account,
  decision: SelectDecision,
  waitPlan: WaitPlan,
): SelectResult {
  return { account: selectedAccount(account), waitPlan, decision };
}
