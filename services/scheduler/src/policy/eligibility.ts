import type { SelectRequest, Transport } from '@switchyard/contracts';
import {
  isSchedulable,
  schedulingModeFor,
  supportsModel,
  type Account,
  type EpochMs,
  type Platform,
  type SchedulingMode,
} from '@switchyard/domain';
import { Ineligibility } from './selection-plan.js';
import { servesRequestPlatform } from './serves-request-platform.js';
import { supportsTransport } from './supports-transport.js';

/** The per-request parts of the eligibility rules, worked out once per decision. */
export type EligibilityContext = {
  readonly platform: Platform;
  readonly mode: SchedulingMode;
  readonly transport: Transport | undefined;
  readonly model: string | undefined;
  /** Accounts that already failed this request; a handful at most (one per failover). */
  readonly excluded: readonly number[];
  readonly now: EpochMs;
};

export function eligibilityContext(request: SelectRequest, now: EpochMs): EligibilityContext {
  return {
    platform: request.platform,
    mode: schedulingModeFor(request),
    transport: request.transport,
    model: request.model,
    excluded: request.excludedAccountIds,
    now,
  };
}

/**
 * The first rule that keeps `account` from serving the request, or null when it may.
 * Cheap structural checks run first; the model mapping lookup, the dearest, runs last.
 * `isSchedulable(now)` here is the second line of defence against a stale snapshot.
 */
export function ineligibility(account: Account, context: EligibilityContext): Ineligibility | null {
  if (context.excluded.length !== 0 && context.excluded.includes(account.id)) {
    return Ineligibility.Excluded;
  }
  if (!servesRequestPlatform(account, context.platform, context.mode)) {
    return Ineligibility.Platform;
  }
  if (!supportsTransport(account, context.transport)) return Ineligibility.Transport;
  if (!isSchedulable(account, context.now)) return Ineligibility.Unschedulable;
  if (context.model !== undefined && !supportsModel(account, context.model)) {
    return Ineligibility.Model;
  }
  return null;
}

export function emptyRejectionCounts(): Record<Ineligibility, number> {
  return { excluded: 0, platform: 0, transport: 0, unschedulable: 0, model: 0 };
}
