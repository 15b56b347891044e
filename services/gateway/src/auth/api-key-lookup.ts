import type { Kysely } from 'kysely';
import type { Database } from '@switchyard/db';
import type { ApiKeyPrincipal } from './api-key-principal.js';
import { loadApiKeyPrincipal } from './load-api-key-principal.js';
import { TtlCache } from './ttl-cache.js';

export type ApiKeyLookupOptions = {
  readonly db: Kysely<Database>;
  /** How long a lookup (found or not) is reused; 0 reads Postgres on every request. */
  readonly cacheTtlMs: number;
  /** Bound on cached lookups. Default 10,000. */
  readonly maxEntries?: number;
  readonly now?: () => number;
};

// 10,000 entries of a few hundred bytes each: a few MB at most, far more keys than one
// deployment has, and misses (random keys) cannot push the bound higher.
const DEFAULT_MAX_ENTRIES = 10_000;

/**
 * Finds API keys by their SHA-256 hash through a short in-memory cache. Misses are cached too
 * (keys are 256-bit random, so a key unknown now stays unknown) so that a client hammering a
 * wrong key costs one query per TTL. Concurrent misses for one hash share a single query.
 * A revoked key keeps working on another replica for at most the TTL; `invalidate` drops it
 * here at once (the admin API calls it on its own replica).
 */
export class ApiKeyLookup {
  readonly #db: Kysely<Database>;
  readonly #cache: TtlCache<string, ApiKeyPrincipal | null>;
  readonly #pending = new Map<string, Promise<ApiKeyPrincipal | null>>();

  constructor(options: ApiKeyLookupOptions) {
    this.#db = options.db;
    this.#cache = new TtlCache({
      ttlMs: options.cacheTtlMs,
      maxEntries: options.maxEntries ?? DEFAULT_MAX_ENTRIES,
      now: options.now ?? Date.now,
    });
  }

  /** The key with this hash, or null when there is none. Rejects when Postgres fails. */
  find(keyHash: string): Promise<ApiKeyPrincipal | null> {
    const cached = this.#cache.get(keyHash);
    if (cached !== undefined) return Promise.resolve(cached);
    const inFlight = this.#pending.get(keyHash);
    if (inFlight !== undefined) return inFlight;
    const loading = loadApiKeyPrincipal(this.#db, keyHash).then(
      (principal) => {
        // An invalidate() while loading removed us from #pending: the answer may be stale.
        if (this.#pending.get(keyHash) === loading) {
          this.#pending.delete(keyHash);
          this.#cache.set(keyHash, principal);
        }
        return principal;
      },
      (error: unknown) => {
        if (this.#pending.get(keyHash) === loading) this.#pending.delete(keyHash);
        throw error;
      },
    );
    this.#pending.set(keyHash, loading);
    return loading;
  }

  /**
   * The cached answer for this hash — the key, or null for a key known not to exist — or
   * undefined when it is not cached (then `find` it).
   */
  cached(keyHash: string): ApiKeyPrincipal | null | undefined {
    return this.#cache.get(keyHash);
  }

  /** Forgets one key so the next request reads it again. */
  invalidate(keyHash: string): void {
    this.#cache.delete(keyHash);
    this.#pending.delete(keyHash);
  }

  clear(): void {
    this.#cache.clear();
    this.#pending.clear();
  }
}
