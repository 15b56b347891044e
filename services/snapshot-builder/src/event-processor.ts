import { AccountEventType } from '@switchyard/contracts';
import type { AccountEvent } from '@switchyard/contracts';
import {
  listAccounts,
  loadAccountsById,
  persistAccountState,
  recordAccountsLastUsed,
} from '@switchyard/db';
import type { Database } from '@switchyard/db';
import { isBucketKey } from '@switchyard/domain';
import type { Account, BucketKey } from '@switchyard/domain';
import type { AccountRecordStore, Redis, SnapshotStore } from '@switchyard/redis';
import type { Logger } from '@switchyard/telemetry';
import type { Kysely } from 'kysely';
import { bucketsAffected, groupBuckets } from './affected-buckets.js';
import type { BucketRebuildReport, BucketWriter } from './bucket-writer.js';
import type { BuilderKeys } from './builder-keys.js';
import type { RebuildGate } from './rebuild-gate.js';
import { HeldLocks } from './redis-lock.js';
import { sameAccount } from './same-account.js';

export interface EventProcessorDeps {
  readonly db: Kysely<Database>;
  readonly redis: Redis;
  readonly store: SnapshotStore;
  readonly records: AccountRecordStore;
  readonly writer: BucketWriter;
  readonly gate: RebuildGate;
  readonly keys: BuilderKeys;
  /** TTL of, and longest wait for, the account locks. */
  readonly lockTtlMs: number;
  readonly lockWaitMs: number;
  /** Start of the last completed full rebuild (the Redis marker); null when absent. */
  readonly lastFullRebuildAt: () => Promise<number | null>;
  /** Runs a full rebuild in place of the incremental work. */
  readonly fullRebuild: (reason: string) => Promise<unknown>;
  readonly logger: Logger;
}

/** What a batch amounted to. */
export interface BatchReport {
  readonly events: number;
  /** Accounts whose Postgres row differed from their record, so their buckets were updated. */
  readonly accountsChanged: number;
  /** Set when the batch was handled by a full rebuild. */
  readonly fullRebuild: string | null;
  readonly buckets: BucketRebuildReport | null;
}

/**
 * Applies a batch of account events, idempotently. The invariant it keeps with the full
 * rebuild: an account sits exactly in the buckets of its Redis record (plus, after a crash,
 * the buckets listed as pending for it), with the record's state.
 *   1. account_state → Postgres first (newer observation wins); last_used → Postgres, forward;
 *   2. under the touched accounts' locks: each account is read from Postgres and compared with
 *      its record. Equal (and nothing pending) means its buckets already show this state — a
 *      redelivered or superseded event costs nothing;
 *   3. for the others the buckets of the record (where the account is) and of Postgres (where
 *      it belongs now) are noted as pending, then updated, each once per batch;
 *   4. the records are written and the pending notes dropped.
 * A `full_rebuild` event, or Redis having lost its data, turns the batch into a full rebuild.
 * Any failure rejects, and the caller leaves the whole batch un-acked.
 */
export class EventProcessor {
  readonly #deps: EventProcessorDeps;

  constructor(deps: EventProcessorDeps) {
    this.#deps = deps;
  }

  async process(batch: readonly AccountEvent[]): Promise<BatchReport> {
    const { db, logger } = this.#deps;
    const accountIds = new Set<number>();
    const groupIds = new Set<number>();
    const lastUsed = new Map<number, number>();
    let fullRebuild: string | null = null;

    for (const event of batch) {
      switch (event.type) {
        case AccountEventType.AccountState:
          // Stale or applied, the account is checked below: a redelivery after a crash finds
          // the state already in Postgres but maybe not yet in the snapshots.
          await persistAccountState(db, event.accountId, event);
          accountIds.add(event.accountId);
          break;
        case AccountEventType.LastUsed:
          await recordAccountsLastUsed(db, event.entries);
          for (const { accountId, at } of event.entries) {
            lastUsed.set(accountId, Math.max(at, lastUsed.get(accountId) ?? at));
          }
          break;
        case AccountEventType.FullRebuild:
          fullRebuild = `event: ${event.reason}`;
          break;
        case AccountEventType.AccountChanged:
        case AccountEventType.AccountGroupsChanged:
          accountIds.add(event.accountId);
          break;
        case AccountEventType.AccountBulkChanged:
          for (const id of event.accountIds) accountIds.add(id);
          break;
        case AccountEventType.GroupChanged:
          groupIds.add(event.groupId);
          break;
      }
    }
    if (fullRebuild !== null) return this.#instead(batch, fullRebuild);
    // A group's settings or existence changed: its members, as Postgres and as the snapshots
    // see them, are re-checked (a deleted group's former members must leave its buckets).
    for (const groupId of groupIds) {
      for (const id of await this.#groupMembers(groupId)) accountIds.add(id);
    }

    const ids = [...accountIds].sort((a, b) => a - b);
    const touched = [...new Set([...ids, ...lastUsed.keys()])].sort((a, b) => a - b);
    const outcome = await this.#deps.gate.batch(async () => {
      // Checked inside the gate, where no full rebuild runs: no marker now means Redis lost
      // its data or a rebuild died half-way. Updating buckets one account at a time would
      // build on that; only a full rebuild restores them.
      if ((await this.#deps.lastFullRebuildAt()) === null) return null;
      const locks = await HeldLocks.takeAll(
        this.#deps.redis,
        touched.map((id) => this.#deps.keys.accountLock(id)),
        { ttlMs: this.#deps.lockTtlMs, waitMs: this.#deps.lockWaitMs },
      );
      try {
        const result = await this.#applyLocked(ids);
        await this.#touchRecords(lastUsed, accountIds);
        return result;
      } finally {
        await locks.release();
      }
    });
    if (outcome === null) {
      logger.warn('snapshots missing; full rebuild instead of an incremental update');
      return this.#instead(batch, 'redis: snapshots missing');
    }
    return {
      events: batch.length,
      accountsChanged: outcome.changed,
      fullRebuild: null,
      buckets: outcome.buckets,
    };
  }

  async #instead(batch: readonly AccountEvent[], reason: string): Promise<BatchReport> {
    await this.#deps.fullRebuild(reason);
    return { events: batch.length, accountsChanged: 0, fullRebuild: reason, buckets: null };
  }

  async #applyLocked(ids: number[]): Promise<{ changed: number; buckets: BucketRebuildReport }> {
    const { db, redis, records, writer, keys } = this.#deps;
    const [after, before, pendingRaw] = await Promise.all([
      loadAccountsById(db, ids),
      records.readMany(ids),
      ids.length === 0 ? [] : redis.hmget(keys.pendingBuckets, ...ids.map(String)),
    ]);
    const pending = new Map<number, BucketKey[]>();
    ids.forEach((id, i) => {
      const raw = pendingRaw[i];
      if (raw !== null && raw !== undefined) pending.set(id, parseBuckets(raw));
    });

    const changes = new Map<number, Account | undefined>();
    const buckets = new Set<BucketKey>();
    const notes: string[] = [];
    for (const id of ids) {
      if (!pending.has(id) && sameAccount(before.get(id), after.get(id))) continue;
      changes.set(id, after.get(id));
      const affected = new Set([
        ...bucketsAffected(before.get(id), after.get(id)),
        ...(pending.get(id) ?? []),
      ]);
      for (const key of affected) buckets.add(key);
      notes.push(String(id), JSON.stringify([...affected]));
    }
    if (changes.size === 0) {
      return { changed: 0, buckets: { written: 0, unchanged: 0, skipped: 0, refused: 0 } };
    }
    await redis.hset(keys.pendingBuckets, ...notes);
    const report = await writer.update(buckets, changes);

    const present: Account[] = [];
    const deleted: number[] = [];
    for (const [id, account] of changes) {
      if (account === undefined) deleted.push(id);
      else present.push(account);
    }
    await records.writeMany(present);
    await records.remove(deleted);
    await redis.hdel(keys.pendingBuckets, ...[...changes.keys()].map(String));
    return { changed: changes.size, buckets: report };
  }

  /** Accounts in the group per Postgres, and per the snapshots of its buckets. */
  async #groupMembers(groupId: number): Promise<number[]> {
    const ids = new Set<number>();
    for (const record of await listAccounts(this.#deps.db, { groupId })) ids.add(record.id);
    const snapshots = await Promise.all(
      groupBuckets(groupId).map((bucket) => this.#deps.store.read(bucket)),
    );
    for (const snapshot of snapshots)
      for (const account of snapshot?.accounts ?? []) ids.add(account.id);
    return [...ids];
  }

  /**
   * Last-used marks only move `lastUsedAt` in the records; snapshots pick it up at their next
   * update rather than every bucket being rewritten each second for a tie-break hint. Only
   * that field is patched, so a record never claims an admin change its buckets lack.
   */
  async #touchRecords(lastUsed: Map<number, number>, refreshed: Set<number>): Promise<void> {
    const ids = [...lastUsed.keys()].filter((id) => !refreshed.has(id));
    if (ids.length === 0) return;
    const current = await this.#deps.records.readMany(ids);
    const patched: Account[] = [];
    for (const [id, record] of current) {
      const at = lastUsed.get(id) ?? 0;
      if (record.lastUsedAt === null || record.lastUsedAt < at) {
        patched.push({ ...record, lastUsedAt: at });
      }
    }
    await this.#deps.records.writeMany(patched);
  }
}

function parseBuckets(raw: string): BucketKey[] {
  const value: unknown = JSON.parse(raw);
  return Array.isArray(value) ? value.filter((key): key is BucketKey => isBucketKey(key)) : [];
}
