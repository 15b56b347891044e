import { AccountStatus } from '@switchyard/domain';
import type { AccountStateChange } from '../accounts/account-state-decision.js';
import { OAuthRefreshError } from '../credentials/oauth-refresh-error.js';

// 5 min: a token endpoint that fails (rather than refusing the token) is usually back soon;
// meanwhile the account would fail every request it is given.
const REFRESH_FAILED_PARK_MS = 5 * 60_000;

/**
 * The account state a failure to prepare a call implies: a refresh token the endpoint refused
 * puts the account in error (a human must log in again); a token endpoint that failed parks
 * it for a while. Other preparation failures (account deleted, model not mapped) say nothing.
 */
export function stateForPrepareFailure(err: unknown, now: number): AccountStateChange | null {
  if (!(err instanceof OAuthRefreshError)) return null;
  if (err.revoked) return { status: AccountStatus.Error, reason: 'OAuth refresh token refused' };
  return {
    tempUnschedulableUntil: now + REFRESH_FAILED_PARK_MS,
    tempUnschedulableReason: 'oauth_refresh_failed',
    reason: 'OAuth token refresh failed',
  };
}
