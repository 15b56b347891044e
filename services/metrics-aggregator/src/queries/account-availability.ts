import type { Account } from '@switchyard/domain';
import {
  AccountStatus,
  UNGROUPED_GROUP_ID,
  UnschedulableReason,
  unschedulableReason,
} from '@switchyard/domain';
import type { Db } from '@switchyard/db';
import { listAccounts, toDomainAccount } from '@switchyard/db';

/** How an account stands for the scheduler right now. */
export const AvailabilityState = {
  Schedulable: 'schedulable',
  RateLimited: 'rate_limited',
  Overloaded: 'overloaded',
  TempUnschedulable: 'temp_unschedulable',
  /** Upstream rejected the credentials: needs a human. */
  Error: 'error',
  /** Taken out on purpose: disabled, not schedulable, or expired. */
  Disabled: 'disabled',
} as const;
export type AvailabilityState = (typeof AvailabilityState)[keyof typeof AvailabilityState];

export const AVAILABILITY_STATES: readonly AvailabilityState[] = Object.values(AvailabilityState);

/** The state of one account at `now`, by the scheduler's own rule (isSchedulable). */
export function availabilityState(account: Account, now: number): AvailabilityState {
  const reason = unschedulableReason(account, now);
  switch (reason) {
    case null:
      return AvailabilityState.Schedulable;
    case UnschedulableReason.RateLimited:
      return AvailabilityState.RateLimited;
    case UnschedulableReason.Overloaded:
      return AvailabilityState.Overloaded;
    case UnschedulableReason.TempUnschedulable:
      return AvailabilityState.TempUnschedulable;
    case UnschedulableReason.Status:
      return account.status === AccountStatus.Error
        ? AvailabilityState.Error
        : AvailabilityState.Disabled;
    case UnschedulableReason.NotSchedulable:
    case UnschedulableReason.Expired:
      return AvailabilityState.Disabled;
  }
}

export type AvailabilityCounts = Record<AvailabilityState, number> & { total: number };

/** Counts for one platform (groupId null: all its accounts) or one platform × group. */
export type AvailabilityRow = {
  readonly platform: string;
  readonly groupId: number | null;
  readonly counts: AvailabilityCounts;
};

export type UnavailableAccount = {
  readonly id: number;
  readonly name: string;
  readonly platform: string;
  readonly state: AvailabilityState;
  /** When it lifts by itself (rate limit reset, overload or temp-unschedulable end), if it does. */
  readonly untilMs: number | null;
  readonly detail: string | null;
};

export type AccountAvailability = {
  readonly at: number;
  readonly rows: readonly AvailabilityRow[];
  readonly unavailable: readonly UnavailableAccount[];
};

function zeroCounts(): AvailabilityCounts {
  const counts = { total: 0 } as AvailabilityCounts;
  for (const state of AVAILABILITY_STATES) counts[state] = 0;
  return counts;
}

/**
 * Availability per platform and per platform × group (an account counts in each of its groups;
 * an ungrouped one in group 0), plus the accounts that are out and why. Pure over the accounts.
 */
export function summarizeAvailability(
  accounts: readonly Account[],
  now: number,
): AccountAvailability {
  const rows = new Map<string, AvailabilityRow>();
  const add = (platform: string, groupId: number | null, state: AvailabilityState) => {
    const id = `${platform}|${groupId ?? '*'}`;
    let row = rows.get(id);
    if (row === undefined) rows.set(id, (row = { platform, groupId, counts: zeroCounts() }));
    row.counts[state]++;
    row.counts.total++;
  };
  const unavailable: UnavailableAccount[] = [];
  for (const account of accounts) {
    const state = availabilityState(account, now);
    add(account.platform, null, state);
    const groups = account.groupIds.length === 0 ? [UNGROUPED_GROUP_ID] : account.groupIds;
    for (const groupId of new Set(groups)) add(account.platform, groupId, state);
    if (state !== AvailabilityState.Schedulable) {
      unavailable.push({
        id: account.id,
        name: account.name,
        platform: account.platform,
        state,
        untilMs: untilOf(account, state),
        detail: account.tempUnschedulableReason,
      });
    }
  }
  const sorted = [...rows.values()].sort(
    (a, b) => a.platform.localeCompare(b.platform) || (a.groupId ?? -1) - (b.groupId ?? -1),
  );
  return { at: now, rows: sorted, unavailable };
}

function untilOf(account: Account, state: AvailabilityState): number | null {
  if (state === AvailabilityState.RateLimited) return account.rateLimitResetAt;
  if (state === AvailabilityState.Overloaded) return account.overloadUntil;
  if (state === AvailabilityState.TempUnschedulable) return account.tempUnschedulableUntil;
  return null;
}

export async function loadAccountAvailability(db: Db, now: number): Promise<AccountAvailability> {
  const records = await listAccounts(db.db);
  return summarizeAvailability(records.map(toDomainAccount), now);
}
