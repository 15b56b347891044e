import { AccountStatus } from './account-status.js';
import type { AccountSchedulingState } from './account.js';
import type { EpochMs } from './epoch-ms.js';
import { UnschedulableReason } from './unschedulable-reason.js';

/**
 * The first rule that keeps the account out of selection at `now`, or null when it may be
 * selected. Rules that need a human (status, schedulable flag, expiry) are reported before the
 * ones that lift by themselves, so dashboards show the lasting cause.
 *
 * An "until" instant blocks while `until > now`: at exactly `now === until` the account is
 * usable again (the upstream's reset time is the first instant it accepts requests).
 * Expiry is the mirror image: the account is expired from `expiresAt` on (`expiresAt <= now`).
 */
export function unschedulableReason(
  account: AccountSchedulingState,
  now: EpochMs,
): UnschedulableReason | null {
  if (account.status !== AccountStatus.Active) return UnschedulableReason.Status;
  if (!account.schedulable) return UnschedulableReason.NotSchedulable;
  if (account.expiresAt !== null && account.expiresAt <= now) return UnschedulableReason.Expired;
  if (blocksAt(account.rateLimitResetAt, now)) return UnschedulableReason.RateLimited;
  if (blocksAt(account.overloadUntil, now)) return UnschedulableReason.Overloaded;
  if (blocksAt(account.tempUnschedulableUntil, now)) return UnschedulableReason.TempUnschedulable;
  return null;
}

/** True when the account may be selected at `now`; the clock is the caller's. */
export function isSchedulable(account: AccountSchedulingState, now: EpochMs): boolean {
  return unschedulableReason(account, now) === null;
}

function blocksAt(until: EpochMs | null, now: EpochMs): boolean {
  return until !== null && until > now;
}
