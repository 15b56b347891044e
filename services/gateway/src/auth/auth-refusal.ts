import { GatewayError } from '../errors/index.js';

/** Why auth refused a request; carried as `GatewayError.reason`. */
export const AuthRefusalReason = {
  MissingKey: 'missing_api_key',
  InvalidKey: 'invalid_api_key',
  KeyDisabled: 'api_key_disabled',
  KeyExpired: 'api_key_expired',
  UserDisabled: 'user_disabled',
  GroupDisabled: 'group_disabled',
  TokenQuotaExceeded: 'token_quota_exceeded',
  UsdQuotaExceeded: 'usd_quota_exceeded',
  RpmLimit: 'api_key_rpm_limit',
  ConcurrencyLimit: 'api_key_concurrency_limit',
  /** Postgres or Redis did not answer: not the client's fault, and not a refusal of the key. */
  Unavailable: 'auth_unavailable',
} as const;

export type AuthRefusalReason = (typeof AuthRefusalReason)[keyof typeof AuthRefusalReason];

// The client messages never echo the key: a key pasted into the wrong tool must not end up in
// that tool's error logs a second time.
const MESSAGES: Readonly<Record<AuthRefusalReason, string>> = {
  missing_api_key:
    'No API key was provided. Send it as "Authorization: Bearer <key>", "x-api-key" or "x-goog-api-key".',
  invalid_api_key: 'Invalid API key.',
  api_key_disabled: 'This API key is disabled.',
  api_key_expired: 'This API key has expired.',
  user_disabled: 'The user owning this API key is disabled.',
  group_disabled: 'The group of this API key is disabled.',
  token_quota_exceeded: 'This API key has used up its token quota.',
  usd_quota_exceeded: 'This API key has used up its spending quota.',
  api_key_rpm_limit: 'This API key has exceeded its requests-per-minute limit.',
  api_key_concurrency_limit: 'This API key has too many requests in flight.',
  auth_unavailable: 'The gateway cannot verify API keys right now; try again shortly.',
};

/** The GatewayError a refusal is answered with; quota and limit refusals are business-limited. */
export function authRefusal(
  reason: AuthRefusalReason,
  options: { retryAfterSeconds?: number; cause?: unknown } = {},
): GatewayError {
  const message = MESSAGES[reason];
  switch (reason) {
    case 'missing_api_key':
    case 'invalid_api_key':
    case 'api_key_disabled':
    case 'api_key_expired':
      return new GatewayError('authentication', message, { reason });
    case 'user_disabled':
    case 'group_disabled':
      return new GatewayError('permission', message, { reason });
    case 'token_quota_exceeded':
    case 'usd_quota_exceeded':
      return new GatewayError('quota_exceeded', message, { reason, businessLimited: true });
    case 'api_key_rpm_limit':
    case 'api_key_concurrency_limit':
      return new GatewayError('rate_limited', message, {
        reason,
        businessLimited: true,
        ...(options.retryAfterSeconds === undefined
          ? {}
          : { retryAfterSeconds: options.retryAfterSeconds }),
      });
    case 'auth_unavailable':
      return new GatewayError('service_unavailable', message, { reason, cause: options.cause });
  }
}
