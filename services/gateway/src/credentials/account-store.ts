import type { Kysely } from 'kysely';
import {
  getAccount,
  type AccountRecord,
  type CredentialCipher,
  type Database,
} from '@switchyard/db';
import { parseCredentials, type AccountCredentials } from './account-credentials.js';
import type { UpstreamAccount } from './upstream-account.js';

/** The scheduler chose an account that Postgres no longer has (deleted since the snapshot). */
export class AccountGoneError extends Error {
  override readonly name = 'AccountGoneError';
  readonly code = 'account_gone';
  readonly retryable = true;

  constructor(accountId: number) {
    super(`account ${accountId} no longer exists`);
  }
}

export type AccountStoreOptions = {
  readonly db: Kysely<Database>;
  readonly cipher: CredentialCipher;
  /**
   * Longest a cached account is used; account events invalidate entries sooner. Default 60 s.
   */
  readonly maxAgeMs?: number;
  readonly now?: () => number;
};

type Entry = { account: UpstreamAccount; loadedAt: number };

// 60 s: admin changes arrive as account events and evict at once; the age bound only covers a
// missed event, and keeps Postgres and decryption off the request path otherwise.
const DEFAULT_MAX_AGE_MS = 60_000;

/**
 * Accounts with their decrypted credentials, read from Postgres once and kept in memory, so a
 * request costs no query and no decryption. Concurrent misses share one load. Plaintext
 * credentials live only here, in this process's memory.
 */
export class AccountStore {
  readonly #db: Kysely<Database>;
  readonly #cipher: CredentialCipher;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<number, Entry>();
  readonly #loading = new Map<number, Promise<UpstreamAccount>>();

  constructor(options: AccountStoreOptions) {
    this.#db = options.db;
    this.#cipher = options.cipher;
    this.#maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    this.#now = options.now ?? Date.now;
  }

  /** The account, from memory when fresh. Rejects with AccountGoneError when it was deleted. */
  get(accountId: number): Promise<UpstreamAccount> {
    const entry = this.#entries.get(accountId);
    if (entry !== undefined && this.#now() - entry.loadedAt < this.#maxAgeMs) {
      return Promise.resolve(entry.account);
    }
    return this.load(accountId);
  }

  /** Reads the account from Postgres now (bypassing the cache) and caches it. */
  load(accountId: number): Promise<UpstreamAccount> {
    const inFlight = this.#loading.get(accountId);
    if (inFlight !== undefined) return inFlight;
    const loading = this.#read(accountId).finally(() => {
      if (this.#loading.get(accountId) === loading) this.#loading.delete(accountId);
    });
    this.#loading.set(accountId, loading);
    return loading;
  }

  /** Replaces the cached credentials (after a token refresh wrote them to Postgres). */
  updateCredentials(accountId: number, credentials: AccountCredentials): void {
    const entry = this.#entries.get(accountId);
    if (entry === undefined) return;
    this.#entries.set(accountId, {
      account: { ...entry.account, credentials },
      loadedAt: entry.loadedAt,
    });
  }

  /** Forgets an account so the next request reads it again (an account event said it changed). */
  invalidate(accountId: number): void {
    this.#entries.delete(accountId);
    this.#loading.delete(accountId);
  }

  clear(): void {
    this.#entries.clear();
    this.#loading.clear();
  }

  async #read(accountId: number): Promise<UpstreamAccount> {
    const record = await getAccount(this.#db, accountId);
    if (record === null) {
      this.#entries.delete(accountId);
      throw new AccountGoneError(accountId);
    }
    const account = toUpstreamAccount(
      record,
      parseCredentials(record.type, this.#cipher.decrypt(record.credentialsEncrypted)),
    );
    this.#entries.set(accountId, { account, loadedAt: this.#now() });
    return account;
  }
}

function toUpstreamAccount(
  record: AccountRecord,
  credentials: AccountCredentials,
): UpstreamAccount {
  return {
    id: record.id,
    name: record.name,
    platform: record.platform,
    type: record.type,
    baseUrl: record.baseUrl,
    modelMapping: record.modelMapping,
    credentials,
    tempUnschedulableReason: record.tempUnschedulableReason,
    tempUnschedulableUntil: record.tempUnschedulableUntil?.getTime() ?? null,
  };
}
