/** How an account authenticates upstream: a static API key or an OAuth token pair. */
export const AccountType = {
  ApiKey: 'apikey',
  OAuth: 'oauth',
} as const;

export type AccountType = (typeof AccountType)[keyof typeof AccountType];

export const ACCOUNT_TYPES = [
  AccountType.ApiKey,
  AccountType.OAuth,
] as const satisfies readonly AccountType[];

export function isAccountType(value: unknown): value is AccountType {
  return typeof value === 'string' && (ACCOUNT_TYPES as readonly string[]).includes(value);
}
