import type { Kysely } from 'kysely';
import { request, type Dispatcher } from 'undici';
import { updateAccount, type CredentialCipher, type Database } from '@switchyard/db';
import type { Platform } from '@switchyard/domain';
import { acquireLock, releaseLock, type KeyBuilder, type Redis } from '@switchyard/redis';
import {
  storedCredentials,
  type AccountCredentials,
  type OAuthCredentials,
} from './account-credentials.js';

/** OAuth credentials as the account store holds them (tagged with their type). */
export type OAuthAccountCredentials = Extract<AccountCredentials, { type: 'oauth' }>;
import type { AccountStore } from './account-store.js';
import { OAuthRefreshError } from './oauth-refresh-error.js';
import type { UpstreamAccount } from './upstream-account.js';

export type OAuthRefresherOptions = {
  readonly db: Kysely<Database>;
  readonly redis: Redis;
  readonly keys: KeyBuilder;
  readonly cipher: CredentialCipher;
  readonly store: AccountStore;
  readonly dispatcher: Dispatcher;
  /** Token endpoint per platform (`OAUTH_TOKEN_URL_<PLATFORM>`). */
  readonly tokenUrls: Readonly<Record<Platform, string>>;
  /** Refresh when the token expires within this many seconds. */
  readonly skewSeconds: number;
  /** Bound on one token endpoint call. */
  readonly timeoutMs: number;
  readonly now?: () => number;
};

// 30 s: a token endpoint answers in well under a second; the lock only has to outlive one call
// with retries, and a crashed holder frees it soon enough for the next request to refresh.
const LOCK_TTL_MS = 30_000;
// While another replica refreshes, look again every 100 ms (a refresh takes ~100-500 ms).
const LOCK_POLL_MS = 100;

/**
 * Keeps OAuth access tokens fresh. A token that expires within the skew is refreshed before use;
 * a 401 forces a refresh. Refreshes of one account are serialised across all replicas by a
 * Redis lock, and the holder re-reads the account from Postgres first, so a rotated single-use
 * refresh token is never spent twice. New tokens are stored encrypted in Postgres.
 */
export class OAuthRefresher {
  readonly #o: OAuthRefresherOptions;
  readonly #now: () => number;
  readonly #inFlight = new Map<number, Promise<OAuthAccountCredentials>>();

  constructor(options: OAuthRefresherOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  /** Whether the account's token should be refreshed before it is used. */
  needsRefresh(credentials: OAuthCredentials): boolean {
    return credentials.expiresAt - this.#o.skewSeconds * 1000 <= this.#now();
  }

  /**
   * Fresh credentials for the account: the cached ones when still valid, else refreshed.
   * `force` refreshes even a token that looks valid (the upstream answered 401 with it).
   */
  async fresh(account: UpstreamAccount, force = false): Promise<OAuthAccountCredentials> {
    const current = account.credentials;
    if (current.type !== 'oauth') throw new Error(`account ${account.id} is not an OAuth account`);
    if (!force && !this.needsRefresh(current)) return current;
    let pending = this.#inFlight.get(account.id);
    if (pending === undefined) {
      pending = this.#refreshLocked(account, current.accessToken, force).finally(() =>
        this.#inFlight.delete(account.id),
      );
      this.#inFlight.set(account.id, pending);
    }
    return pending;
  }

  async #refreshLocked(
    account: UpstreamAccount,
    staleAccessToken: string,
    force: boolean,
  ): Promise<OAuthAccountCredentials> {
    const lockKey = this.#o.keys.lock(`oauth-refresh:${account.id}`);
    const deadline = this.#now() + this.#o.timeoutMs + LOCK_TTL_MS;
    for (;;) {
      const token = await acquireLock(this.#o.redis, lockKey, LOCK_TTL_MS);
      if (token !== null) {
        try {
          // Another replica may have refreshed while we waited: Postgres has the truth.
          const latest = await this.#o.store.load(account.id);
          const creds = latest.credentials;
          if (creds.type !== 'oauth') throw new Error(`account ${account.id} is no longer OAuth`);
          const stillStale = force
            ? creds.accessToken === staleAccessToken
            : this.needsRefresh(creds);
          if (!stillStale) return creds;
          return await this.#refresh(latest, creds);
        } finally {
          await releaseLock(this.#o.redis, lockKey, token).catch(() => undefined);
        }
      }
      if (this.#now() > deadline) {
        throw new OAuthRefreshError(`token refresh of account ${account.id} is stuck`, false);
      }
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
  }

  async #refresh(
    account: UpstreamAccount,
    creds: OAuthCredentials,
  ): Promise<OAuthAccountCredentials> {
    const url = creds.tokenUrl ?? this.#o.tokenUrls[account.platform];
    const startedAt = this.#now();
    let status: number;
    let body: unknown;
    try {
      const res = await request(url, {
        method: 'POST',
        dispatcher: this.#o.dispatcher,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: creds.refreshToken,
        }).toString(),
        headersTimeout: this.#o.timeoutMs,
        bodyTimeout: this.#o.timeoutMs,
      });
      status = res.statusCode;
      body = await res.body.json().catch(() => undefined);
    } catch (cause) {
      throw new OAuthRefreshError(`token endpoint of account ${account.id} unreachable`, false, {
        cause,
      });
    }
    const answer = (body ?? {}) as {
      access_token?: unknown;
      refresh_token?: unknown;
      expires_in?: unknown;
      error?: unknown;
    };
    if (status !== 200 || typeof answer.access_token !== 'string') {
      // RFC 6749 §5.2: invalid_grant means the refresh token itself is dead.
      const revoked = answer.error === 'invalid_grant' || status === 401;
      throw new OAuthRefreshError(
        `token endpoint refused the refresh of account ${account.id} (${status}${typeof answer.error === 'string' ? ` ${answer.error}` : ''})`,
        revoked,
      );
    }
    const expiresIn = typeof answer.expires_in === 'number' ? answer.expires_in : 3600;
    const next: OAuthCredentials = {
      accessToken: answer.access_token,
      refreshToken:
        typeof answer.refresh_token === 'string' && answer.refresh_token !== ''
          ? answer.refresh_token
          : creds.refreshToken,
      expiresAt: startedAt + expiresIn * 1000,
      ...(creds.tokenUrl === undefined ? {} : { tokenUrl: creds.tokenUrl }),
    };
    const tagged = { type: 'oauth' as const, ...next };
    await updateAccount(this.#o.db, account.id, {
      credentialsEncrypted: this.#o.cipher.encrypt(storedCredentials(tagged)),
    });
    this.#o.store.updateCredentials(account.id, tagged);
    return tagged;
  }
}
