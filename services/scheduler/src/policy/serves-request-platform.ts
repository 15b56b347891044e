import { Platform, SchedulingMode, type Account } from '@switchyard/domain';

/**
 * Whether an account may serve a request for `platform` scheduled in `mode` (from
 * `schedulingModeFor(request)`): its own platform always; an antigravity account with mixed
 * scheduling also in `mixed` mode — which `schedulingModeFor` only yields for anthropic and
 * gemini requests that did not force their platform. Agrees with domain's bucket membership;
 * checked again here because the bucket can be stale and sticky bindings can point anywhere.
 */
export function servesRequestPlatform(
  account: Pick<Account, 'platform' | 'mixedScheduling'>,
  platform: Platform,
  mode: SchedulingMode,
): boolean {
  if (account.platform === platform) return true;
  return (
    mode === SchedulingMode.Mixed &&
    account.platform === Platform.Antigravity &&
    account.mixedScheduling
  );
}
