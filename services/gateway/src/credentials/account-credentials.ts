import { AccountType } from '@switchyard/domain';

/** Credentials of an API-key account, as stored (encrypted) in `credentials_encrypted`. */
export type ApiKeyCredentials = {
  readonly apiKey: string;
};

/**
 * Credentials of an OAuth account. `expiresAt` is epoch ms; `tokenUrl` overrides the
 * platform's token endpoint (`OAUTH_TOKEN_URL_<PLATFORM>`), e.g. for a test double.
 */
export type OAuthCredentials = {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresAt: number;
  readonly tokenUrl?: string;
};

export type AccountCredentials =
  | ({ readonly type: 'apikey' } & ApiKeyCredentials)
  | ({ readonly type: 'oauth' } & OAuthCredentials);

/** The stored credentials do not have the shape the account type needs. */
export class CredentialFormatError extends Error {
  override readonly name = 'CredentialFormatError';
  readonly code = 'credential_format';
  readonly retryable = false;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/**
 * Checks decrypted credentials against the account type. The message names the missing field,
 * never a value.
 */
export function parseCredentials(type: AccountType, value: unknown): AccountCredentials {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (type === AccountType.ApiKey) {
    if (!nonEmpty(v.apiKey)) throw new CredentialFormatError('apikey credentials need `apiKey`');
    return { type: 'apikey', apiKey: v.apiKey };
  }
  if (!nonEmpty(v.accessToken) || !nonEmpty(v.refreshToken)) {
    throw new CredentialFormatError('oauth credentials need `accessToken` and `refreshToken`');
  }
  const expiresAt =
    typeof v.expiresAt === 'number'
      ? v.expiresAt
      : typeof v.expiresAt === 'string'
        ? Date.parse(v.expiresAt)
        : Number.NaN;
  if (!Number.isFinite(expiresAt))
    throw new CredentialFormatError('oauth credentials need `expiresAt`');
  return {
    type: 'oauth',
    accessToken: v.accessToken,
    refreshToken: v.refreshToken,
    expiresAt,
    ...(nonEmpty(v.tokenUrl) ? { tokenUrl: v.tokenUrl } : {}),
  };
}

/** The stored form (what `encrypt` receives), without the type tag. */
export function storedCredentials(credentials: AccountCredentials): Record<string, unknown> {
  if (credentials.type === 'apikey') return { apiKey: credentials.apiKey };
  return {
    accessToken: credentials.accessToken,
    refreshToken: credentials.refreshToken,
    expiresAt: credentials.expiresAt,
    ...(credentials.tokenUrl === undefined ? {} : { tokenUrl: credentials.tokenUrl }),
  };
}
