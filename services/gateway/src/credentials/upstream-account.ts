import type { AccountType, ModelMapping, Platform } from '@switchyard/domain';
import type { AccountCredentials } from './account-credentials.js';

/** What the relay needs about an account to call upstream with it. */
export type UpstreamAccount = {
  readonly id: number;
  readonly name: string;
  readonly platform: Platform;
  readonly type: AccountType;
  /** Upstream base URL override (the simulator in tests and demos); null = the platform's. */
  readonly baseUrl: string | null;
  readonly modelMapping: ModelMapping | null;
  readonly credentials: AccountCredentials;
  /** As last read from Postgres: a 401 parked the account (then a second 401 means error). */
  readonly tempUnschedulableReason: string | null;
  readonly tempUnschedulableUntil: number | null;
};
