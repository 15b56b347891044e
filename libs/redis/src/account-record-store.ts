import type { Redis } from 'ioredis';
import type { Account } from '@switchyard/domain';
import type { KeyBuilder } from './key-builder.js';
import { decodeAccount, encodeAccount } from './account-codec.js';
import { UnexpectedReplyError } from './redis-errors.js';
import { scanKeyParts, splitKeyTemplate } from './scan-key-parts.js';

// 500 keys per MSET/MGET: one round trip each, and a reply small enough (~0.5 MB) not to stall
// the Redis event loop for other clients.
const CHUNK = 500;
// A character no prefix contains, to find where the id goes in the key layout.
const PLACEHOLDER = '\u0000';

/**
 * Per-account scheduling records in Redis: the domain Account (see account-codec.ts; no
 * credentials: the domain type has none), one key per account. The snapshot-builder keeps them equal to
 * Postgres; they also tell it which buckets an account was in before a change.
 *
 * Multi-key MSET/MGET over keys with different hash tags: fine on the single Redis node we
 * deploy (as `readLoads` already assumes); a cluster client would have to split per slot.
 */
export class AccountRecordStore {
  readonly #redis: Redis;
  readonly #keys: KeyBuilder;

  constructor(redis: Redis, keys: KeyBuilder) {
    this.#redis = redis;
    this.#keys = keys;
  }

  writeMany(accounts: Iterable<Account>): Promise<void> {
    const entries: [number, string][] = [];
    for (const account of accounts) entries.push([account.id, encodeAccount(account)]);
    return this.writeEncoded(entries);
  }

  /** `writeMany` for accounts already encoded with `encodeAccount`, as [id, encoded] pairs. */
  async writeEncoded(entries: Iterable<readonly [number, string]>): Promise<void> {
    const all = [...entries];
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < all.length; i += CHUNK) {
      const args: string[] = [];
      for (const [id, encoded] of all.slice(i, i + CHUNK)) {
        args.push(this.#keys.accountRecord(id), encoded);
      }
      writes.push(this.#redis.mset(args));
    }
    await Promise.all(writes);
  }

  /** The records that exist among `ids`, keyed by id. */
  async readMany(ids: readonly number[]): Promise<Map<number, Account>> {
    const out = new Map<number, Account>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += CHUNK) {
      const chunk = unique.slice(i, i + CHUNK);
      const values = await this.#redis.mget(chunk.map((id) => this.#keys.accountRecord(id)));
      values.forEach((value, j) => {
        if (value === null) return;
        const account = decodeAccount(value);
        if (account.id !== chunk[j]) throw new UnexpectedReplyError('account record', value);
        out.set(account.id, account);
      });
    }
    return out;
  }

  async remove(ids: readonly number[]): Promise<void> {
    const keys = ids.map((id) => this.#keys.accountRecord(id));
    for (let i = 0; i < keys.length; i += CHUNK) await this.#redis.del(keys.slice(i, i + CHUNK));
  }

  /** Ids of every stored record, ascending. Walks the keyspace with SCAN (rebuilds only). */
  async listIds(): Promise<number[]> {
    const [head, tail] = splitKeyTemplate(this.#keys.accountRecord(PLACEHOLDER), PLACEHOLDER);
    const parts = await scanKeyParts(this.#redis, head, tail);
    return parts
      .map(Number)
      .filter((id) => Number.isSafeInteger(id) && id > 0)
      .sort((a, b) => a - b);
  }
}
