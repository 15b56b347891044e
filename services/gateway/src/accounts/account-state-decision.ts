import { AccountStatus, AccountType } from '@switchyard/domain';
import { rateLimitResetAt, type UpstreamHeaders } from './rate-limit-reset.js';
import { matchErrorRule, type CompiledErrorRule } from './upstream-error-rule.js';

/** How upstream errors turn into account state (from GatewayConfig). */
export type AccountStatePolicy = {
  readonly rules: readonly CompiledErrorRule[];
  readonly overloadCooldownMinutes: number;
  readonly rateLimitFallbackCooldownSeconds: number;
  readonly rateLimitMaxCooldownSeconds: number;
};

/** What an upstream error answer was, for the decision. */
export type UpstreamErrorObservation = {
  readonly status: number;
  readonly headers: UpstreamHeaders;
  /** The error body (possibly cut short); '' when there was none. */
  readonly body: string;
  readonly accountType: AccountType;
  /** The account already failed auth recently (it is parked for a 401 now or was refreshed after one). */
  readonly priorAuthFailure: boolean;
  readonly now: number;
};

/** Reasons written as `tempUnschedulableReason`; the 401 one also marks "second 401 means error". */
export const StateReason = {
  Unauthorized: 'upstream_401',
  Rule: 'rule',
} as const;

/** The state to publish for an account (fields absent: unchanged). */
export type AccountStateChange = {
  readonly rateLimitResetAt?: number;
  readonly overloadUntil?: number;
  readonly tempUnschedulableUntil?: number;
  readonly tempUnschedulableReason?: string;
  readonly status?: AccountStatus;
  /** The OAuth token must be refreshed before the account serves again. */
  readonly refreshCredentials?: boolean;
  /** Why, for the log line. */
  readonly reason: string;
};

// 10 min: long enough for a token refresh (and a human to notice), short enough that a
// transient auth hiccup does not take an OAuth account away for long.
const OAUTH_401_PARK_MS = 10 * 60_000;

/**
 * The account state an upstream error implies, or null when the error says nothing about the
 * account (a 400 about the request, a 5xx). Pure: the clock is in the observation. Order:
 * operator rules; 429 → rate-limited until the vendor's reset (fallback cool-down when none,
 * capped); 529 → overloaded for the cool-down; 401 → an OAuth account refreshes and is parked
 * 10 min, a second 401 or an API-key account → error; 403 → error.
 */
export function decideAccountState(
  o: UpstreamErrorObservation,
  policy: AccountStatePolicy,
): AccountStateChange | null {
  const matched = matchErrorRule(policy.rules, o.status, o.body);
  if (matched !== null) {
    const label = matched.rule.name ?? (matched.keyword || `status ${o.status}`);
    return {
      tempUnschedulableUntil: o.now + matched.rule.minutes * 60_000,
      tempUnschedulableReason: `${StateReason.Rule}: ${label}`,
      reason: `operator rule (${label})`,
    };
  }
  switch (o.status) {
    case 429: {
      const maxAt = o.now + policy.rateLimitMaxCooldownSeconds * 1000;
      const said = rateLimitResetAt(o.headers, o.body, o.now);
      const at =
        said !== null && said > o.now
          ? Math.min(said, maxAt)
          : o.now + policy.rateLimitFallbackCooldownSeconds * 1000;
      return { rateLimitResetAt: Math.ceil(at), reason: 'rate limited (429)' };
    }
    case 529:
      return {
        overloadUntil: o.now + policy.overloadCooldownMinutes * 60_000,
        reason: 'overloaded (529)',
      };
    case 401:
      if (o.accountType === AccountType.OAuth && !o.priorAuthFailure) {
        return {
          tempUnschedulableUntil: o.now + OAUTH_401_PARK_MS,
          tempUnschedulableReason: StateReason.Unauthorized,
          refreshCredentials: true,
          reason: 'unauthorized (401): refreshing the OAuth token',
        };
      }
      return { status: AccountStatus.Error, reason: 'unauthorized (401)' };
    case 403:
      return { status: AccountStatus.Error, reason: 'forbidden (403)' };
    default:
      return null;
  }
}
