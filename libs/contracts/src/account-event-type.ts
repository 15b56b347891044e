/**
 * Kinds of account event on `acct.v1.events.<type>`. The type is also the last subject token,
 * so consumers can subscribe to a subset.
 */
export const AccountEventType = {
  AccountChanged: 'account_changed',
  AccountState: 'account_state',
  AccountGroupsChanged: 'account_groups_changed',
  AccountBulkChanged: 'account_bulk_changed',
  GroupChanged: 'group_changed',
  FullRebuild: 'full_rebuild',
  LastUsed: 'last_used',
} as const;

export type AccountEventType = (typeof AccountEventType)[keyof typeof AccountEventType];

export const ACCOUNT_EVENT_TYPES = [
  AccountEventType.AccountChanged,
  AccountEventType.AccountState,
  AccountEventType.AccountGroupsChanged,
  AccountEventType.AccountBulkChanged,
  AccountEventType.GroupChanged,
  AccountEventType.FullRebuild,
  AccountEventType.LastUsed,
] as const satisfies readonly AccountEventType[];
