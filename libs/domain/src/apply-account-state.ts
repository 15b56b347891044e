import type { AccountStatus } from './account-status.js';
import type { Account } from './account.js';
import type { EpochMs } from './epoch-ms.js';

/**
 * Runtime state a gateway saw upstream, as carried by an `account_state` event. A field left
 * out (undefined) is unchanged; `null` clears it. `observedAt` orders states of one account:
 * whoever applies patches keeps the newest observedAt it applied and drops older ones (see
 * `isNewerState`), so a late, stale event cannot lift a fresh rate limit.
 */
export type AccountStatePatch = {
  rateLimitResetAt?: EpochMs | null;
  overloadUntil?: EpochMs | null;
  tempUnschedulableUntil?: EpochMs | null;
  tempUnschedulableReason?: string | null;
  status?: AccountStatus;
  schedulable?: boolean;
  observedAt: EpochMs;
};

/** The Account fields an AccountStatePatch may set. */
export const ACCOUNT_STATE_FIELDS = [
  'rateLimitResetAt',
  'overloadUntil',
  'tempUnschedulableUntil',
  'tempUnschedulableReason',
  'status',
  'schedulable',
] as const satisfies readonly (keyof AccountStatePatch & keyof Account)[];

export type AccountStateField = (typeof ACCOUNT_STATE_FIELDS)[number];

/**
 * The account with the patch's fields applied: absent fields keep their value, `null` clears.
 * Pure: returns a new object (the input is never edited, it may be shared with readers) and
 * returns the same object when nothing changes, so callers can skip work by identity.
 * Ordering is the caller's business (`isNewerState`); this function applies what it is given.
 */
export function applyAccountState(account: Account, patch: AccountStatePatch): Account {
  let next: Account | undefined;
  for (const field of ACCOUNT_STATE_FIELDS) {
    const value = patch[field];
    if (value === undefined || account[field] === value) continue;
    next ??= { ...account };
    // Each field has the same type on the patch (minus undefined) and on the account.
    (next as Record<AccountStateField, unknown>)[field] = value;
  }
  return next ?? account;
}

/**
 * Whether a state observed at `observedAt` should replace one observed at `lastObservedAt`
 * (null: none applied yet). Strictly later only: a same-instant observation is treated as a
 * repeat of the one applied (the same event delivered twice), so replays change nothing.
 * Postgres applies the same rule (`persistAccountState` in @switchyard/db).
 */
export function isNewerState(lastObservedAt: EpochMs | null, observedAt: EpochMs): boolean {
  return lastObservedAt === null || observedAt > lastObservedAt;
}
