import type { Bus } from '@switchyard/bus';
import { listGroups, loadAllBuckets } from '@switchyard/db';
import type { Database } from '@switchyard/db';
import { UNGROUPED_GROUP_ID } from '@switchyard/domain';
import type { BucketKey } from '@switchyard/domain';
import { encodeAccount } from '@switchyard/redis';
import type { AccountRecordStore, Redis, SnapshotStore } from '@switchyard/redis';
import type { Logger } from '@switchyard/telemetry';
import type { Kysely } from 'kysely';
import { groupBuckets } from './affected-buckets.js';
import type { BuilderKeys } from './builder-keys.js';
import { publishSnapshotUpdated } from './snapshot-publisher.js';

export interface FullRebuildDeps {
  readonly db: Kysely<Database>;
  readonly redis: Redis;
  readonly store: SnapshotStore;
  readonly records: AccountRecordStore;
  readonly keys: BuilderKeys;
  readonly bus: Bus;
  readonly logger: Logger;
  readonly now: () => number;
}

export interface FullRebuildReport {
  readonly reason: string;
  readonly startedAt: number;
  readonly durationMs: number;
  /** Buckets holding accounts now. */
  readonly buckets: number;
  /** Buckets that had a snapshot but no longer any account: written empty. */
  readonly cleared: number;
  /** Buckets whose contents changed. */
  readonly changed: number;
  /** Buckets a newer incremental write had already replaced (left as they were). */
  readonly refused: number;
  readonly accounts: number;
  /** Records of accounts that no longer exist, removed. */
  readonly removedRecords: number;
  /**
   * Where the time went: listing and reserving, the Postgres read, writing snapshots and
   * records, removing stale records and setting the marker.
   */
  readonly phasesMs: { prepare: number; read: number; write: number; finish: number };
}

/**
 * Rebuilds every snapshot and account record from Postgres. The caller runs it alone
 * (RebuildGate.exclusive: no event batch on any replica meanwhile). Versions of every bucket
 * that exists or could exist (known snapshots, each group's possible buckets) are reserved
 * before the read, so a writer whose lock expired under it cannot replace our newer view.
 * Buckets with a snapshot but no account left are written empty; every bucket written is
 * announced, changed or not, so a scheduler replica that missed a notice catches up. Records
 * go with them, and last the marker recording when this rebuild started.
 */
export async function runFullRebuild(
  deps: FullRebuildDeps,
  reason: string,
): Promise<FullRebuildReport> {
  const { db, redis, store, records, keys, bus, now } = deps;
  const startedAt = now();
  // Until this rebuild completes, snapshots and records may disagree (some written, some not
  // yet); without the marker every batch turns into a full rebuild, so should this replica
  // die half-way, the next batch anywhere starts over instead of trusting the records.
  await redis.del(keys.fullRebuildMarker);
  const [known, groups] = await Promise.all([store.listBuckets(), listGroups(db)]);
  const candidates = new Set<BucketKey>(known);
  for (const groupId of [UNGROUPED_GROUP_ID, ...groups.map((g) => g.id)]) {
    for (const bucket of groupBuckets(groupId)) candidates.add(bucket);
  }
  const versions = await reserveAll(store, candidates);
  const readStart = now();
  const loaded = await loadAllBuckets(db);
  const snapshotsStart = now();
  // A group created between listGroups and the read: reserved after, still unopposed since
  // no batch runs during a full rebuild.
  const late = [...loaded.keys()].filter((bucket) => !versions.has(bucket));
  for (const [bucket, version] of await reserveAll(store, late)) versions.set(bucket, version);

  // Each account encoded once, however many buckets it is in.
  const encoded = new Map<number, string>();
  for (const members of loaded.values()) {
    for (const account of members) {
      if (!encoded.has(account.id)) encoded.set(account.id, encodeAccount(account));
    }
  }
  const targets: [BucketKey, string[]][] = [];
  for (const [bucket, members] of loaded) {
    targets.push([bucket, members.map((a) => encoded.get(a.id) ?? encodeAccount(a))]);
  }
  for (const bucket of known) if (!loaded.has(bucket)) targets.push([bucket, []]);
  // Snapshots, records and the listing of stale records are independent: written together.
  const [results, , storedIds] = await Promise.all([
    Promise.all(
      targets.map(async ([bucket, members]) => {
        const result = await store.writeEncoded(bucket, members, {
          version: versions.get(bucket),
        });
        if (result.applied) {
          publishSnapshotUpdated(bus, {
            bucket,
            version: result.version,
            accountCount: members.length,
          });
        }
        return result;
      }),
    ),
    records.writeEncoded(encoded),
    records.listIds(),
  ]);
  const recordsStart = now();
  const gone = storedIds.filter((id) => !encoded.has(id));
  await records.remove(gone);
  // No more pending notes: records and snapshots agree again everywhere.
  await redis.del(keys.pendingBuckets);
  await redis.set(keys.fullRebuildMarker, String(startedAt));
  const end = now();

  return {
    reason,
    startedAt,
    durationMs: end - startedAt,
    buckets: loaded.size,
    cleared: targets.filter(([bucket, members]) => members.length === 0 && !loaded.has(bucket))
      .length,
    changed: results.filter((r) => r.changed).length,
    refused: results.filter((r) => !r.applied).length,
    accounts: encoded.size,
    removedRecords: gone.length,
    phasesMs: {
      prepare: readStart - startedAt,
      read: snapshotsStart - readStart,
      write: recordsStart - snapshotsStart,
      finish: end - recordsStart,
    },
  };
}

async function reserveAll(
  store: SnapshotStore,
  buckets: Iterable<BucketKey>,
): Promise<Map<BucketKey, number>> {
  const list = [...buckets];
  // Issued together: the client pipelines them into one round trip.
  const versions = await Promise.all(list.map((bucket) => store.reserveVersion(bucket)));
  return new Map(list.map((bucket, i) => [bucket, versions[i] ?? 0]));
}
