import type { ApiKeyPrincipal } from './api-key-principal.js';
import { AuthRefusalReason } from './auth-refusal.js';

/**
 * Whether a known key may make a request at `now` (epoch ms), judged on the row alone; the
 * Redis-counted limits come after. Returns the first reason to refuse, or null. Order: the
 * key's own state, then its owners', then quotas — so a disabled key says "disabled" rather
 * than "over quota".
 */
export function checkApiKey(key: ApiKeyPrincipal, now: number): AuthRefusalReason | null {
  if (key.status !== 'active') return AuthRefusalReason.KeyDisabled;
  if (key.expiresAt !== null && key.expiresAt <= now) return AuthRefusalReason.KeyExpired;
  if (key.userStatus !== null && key.userStatus !== 'active') return AuthRefusalReason.UserDisabled;
  if (key.groupStatus !== null && key.groupStatus !== 'active') {
    return AuthRefusalReason.GroupDisabled;
  }
  if (key.quotaTokensLimit !== null && key.quotaTokensUsed >= key.quotaTokensLimit) {
    return AuthRefusalReason.TokenQuotaExceeded;
  }
  if (key.quotaLimitUsd !== null && key.quotaUsedUsd >= key.quotaLimitUsd) {
    return AuthRefusalReason.UsdQuotaExceeded;
  }
  return null;
}
