/**
 * A token refresh failed. `revoked` when the token endpoint refused the refresh token itself
 * (`invalid_grant`, 400/401): the account needs a human. Otherwise the endpoint was unreachable
 * or failed, and a later refresh may succeed.
 */
export class OAuthRefreshError extends Error {
  override readonly name = 'OAuthRefreshError';
  readonly code: 'oauth_refresh_revoked' | 'oauth_refresh_failed';
  readonly retryable: boolean;
  readonly revoked: boolean;

  constructor(message: string, revoked: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.revoked = revoked;
    this.code = revoked ? 'oauth_refresh_revoked' : 'oauth_refresh_failed';
    this.retryable = !revoked;
  }
}
