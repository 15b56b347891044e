import {
  AccountStatus,
  AccountType,
  DEFAULT_ACCOUNT_CONCURRENCY,
  DEFAULT_ACCOUNT_PRIORITY,
  Platform,
  type Account,
} from '@switchyard/domain';

/**
 * A healthy, schedulable, ungrouped anthropic account named `account-<id>` (scheduling view,
 * no secrets). Tests override what they are about; one definition keeps every package's
 * fixtures in step with the domain type.
 */
export function makeTestAccount(overrides: Partial<Account> = {}): Account {
  const id = overrides.id ?? 1;
  return {
    id,
    name: `account-${id}`,
    platform: Platform.Anthropic,
    type: AccountType.ApiKey,
    status: AccountStatus.Active,
    schedulable: true,
    concurrency: DEFAULT_ACCOUNT_CONCURRENCY,
    priority: DEFAULT_ACCOUNT_PRIORITY,
    rateLimitResetAt: null,
    overloadUntil: null,
    tempUnschedulableUntil: null,
    tempUnschedulableReason: null,
    modelMapping: null,
    mixedScheduling: false,
    lastUsedAt: null,
    expiresAt: null,
    groupIds: [],
    ...overrides,
  };
}
