import type { Platform } from '@switchyard/domain';

/**
 * Upstream answers that say "this account cannot serve now" rather than "this request is
 * wrong": another account may well succeed. 401/403 are the account's credentials, 429 its
 * limits, 529 and 5xx its upstream's capacity.
 */
export function isFailoverStatus(status: number): boolean {
  return status === 401 || status === 403 || status === 429 || status >= 500;
}

export type SwitchLimits = {
  readonly maxAccountSwitches: number;
  readonly maxAccountSwitchesGemini: number;
};

/** How many times one request may move to another account. */
export function maxSwitchesFor(platform: Platform, limits: SwitchLimits): number {
  return platform === 'gemini' ? limits.maxAccountSwitchesGemini : limits.maxAccountSwitches;
}
