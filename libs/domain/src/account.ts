import type { AccountStatus } from './account-status.js';
import type { AccountType } from './account-type.js';
import type { EpochMs } from './epoch-ms.js';
import type { ModelMapping } from './model-mapping-type.js';
import type { Platform } from './platform.js';

/** Concurrent requests an account may serve when the admin did not set a limit. */
export const DEFAULT_ACCOUNT_CONCURRENCY = 3;

/** Priority when the admin did not set one; lower numbers are preferred. */
export const DEFAULT_ACCOUNT_PRIORITY = 50;

/**
 * The scheduling view of an upstream account: everything selection needs, no credentials
 * (those stay in Postgres and are read by the gateway only).
 *
 * Treat values as immutable: replace `modelMapping` instead of editing it in place, because
 * its compiled form is cached by object identity (see supports-model.ts).
 */
export type Account = {
  id: number;
  name: string;
  platform: Platform;
  type: AccountType;
  status: AccountStatus;
  /** Admin switch: false takes the account out of rotation without disabling it. */
  schedulable: boolean;
  /** Maximum concurrent requests across all replicas. */
  concurrency: number;
  /** Lower is preferred. */
  priority: number;
  /** Upstream said "rate limited"; usable again from this instant. */
  rateLimitResetAt: EpochMs | null;
  /** Upstream said "overloaded"; usable again from this instant. */
  overloadUntil: EpochMs | null;
  /** Taken out of rotation for a while by an error rule; usable again from this instant. */
  tempUnschedulableUntil: EpochMs | null;
  tempUnschedulableReason: string | null;
  /** null or empty: every model is supported and passed through unchanged. */
  modelMapping: ModelMapping | null;
  /** Antigravity only: may also serve anthropic and gemini requests in mixed mode. */
  mixedScheduling: boolean;
  lastUsedAt: EpochMs | null;
  /** The account stops being schedulable at this instant (e.g. a subscription end). */
  expiresAt: EpochMs | null;
  /** Empty: the account is ungrouped and lives in group 0. */
  groupIds: number[];
};

/** The fields `isSchedulable` looks at; lets callers pass partial views. */
export type AccountSchedulingState = Pick<
  Account,
  | 'status'
  | 'schedulable'
  | 'rateLimitResetAt'
  | 'overloadUntil'
  | 'tempUnschedulableUntil'
  | 'expiresAt'
>;
