import type { Kysely } from 'kysely';
import { listAccounts, type Database } from '@switchyard/db';
import { supportsModel, type Account } from '@switchyard/domain';

type Entry = { accounts: Pick<Account, 'modelMapping' | 'platform'>[]; loadedAt: number };

// 30 s: only consulted after the scheduler found no account, to tell "no account serves this
// model" (the client's mistake, 400) from "none is free now" (503); staleness only delays that
// distinction after an admin edit.
const MAX_AGE_MS = 30_000;

/**
 * Which models a group's accounts serve, read from Postgres on demand (never on the hot path):
 * the relay asks only when a select came back empty.
 */
export class GroupModels {
  readonly #db: Kysely<Database>;
  readonly #now: () => number;
  readonly #entries = new Map<number, Entry>();

  constructor(db: Kysely<Database>, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
  }

  /** False only when no account of the group on these platforms serves `model`. */
  async anyServes(groupId: number, platforms: readonly string[], model: string): Promise<boolean> {
    let entry = this.#entries.get(groupId);
    if (entry === undefined || this.#now() - entry.loadedAt > MAX_AGE_MS) {
      const accounts = await listAccounts(this.#db, { groupId });
      entry = { accounts, loadedAt: this.#now() };
      this.#entries.set(groupId, entry);
    }
    return entry.accounts.some((a) => platforms.includes(a.platform) && supportsModel(a, model));
  }
}
