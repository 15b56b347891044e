/**
 * Administrative / health status of an account. Only `active` accounts are scheduled;
 * `error` is set when upstream rejected the credentials and needs a human.
 */
export const AccountStatus = {
  Active: 'active',
  Disabled: 'disabled',
  Error: 'error',
} as const;

export type AccountStatus = (typeof AccountStatus)[keyof typeof AccountStatus];

export const ACCOUNT_STATUSES = [
  AccountStatus.Active,
  AccountStatus.Disabled,
  AccountStatus.Error,
] as const satisfies readonly AccountStatus[];

export function isAccountStatus(value: unknown): value is AccountStatus {
  return typeof value === 'string' && (ACCOUNT_STATUSES as readonly string[]).includes(value);
}
