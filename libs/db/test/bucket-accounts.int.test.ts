import {
  ACCOUNT_STATUSES,
  PLATFORMS,
  SCHEDULING_MODES,
  accountInBucket,
  bucketKey,
  seededRandom,
} from '@switchyard/domain';
import type { Account, BucketKey } from '@switchyard/domain';
import {
  createAccount,
  createGroup,
  loadAllBuckets,
  loadBucketAccounts,
  toDomainAccount,
  updateAccount,
} from '@switchyard/db';
import type { Db } from '@switchyard/db';
import { startLocalPostgres } from './local-postgres.js';
import type { LocalPostgres } from './local-postgres.js';

let pg: LocalPostgres;

beforeAll(async () => {
  pg = await startLocalPostgres();
});

afterAll(async () => {
  await pg?.stop();
});

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)] as T;
}

type Seeded = { accounts: Account[]; groupIds: number[] };

/** Random accounts over a few groups: any platform, some ungrouped, some in several groups. */
async function seedRandom(handle: Db, seed: number, count: number): Promise<Seeded> {
  const random = seededRandom(seed);
  const groupIds: number[] = [];
  for (let i = 0; i < 4; i += 1) {
    const group = await createGroup(handle.db, {
      name: `g-${seed}-${i}`,
      platform: pick(random, PLATFORMS),
    });
    groupIds.push(group.id);
  }
  const accounts: Account[] = [];
  for (let i = 0; i < count; i += 1) {
    const groups = groupIds.filter(() => random() < 0.3);
    const created = await createAccount(handle.db, {
      name: `a-${seed}-${i}`,
      platform: pick(random, PLATFORMS),
      type: random() < 0.5 ? 'apikey' : 'oauth',
      credentialsEncrypted: 'v1:test-blob',
      status: pick(random, ACCOUNT_STATUSES),
      schedulable: random() < 0.8,
      mixedScheduling: random() < 0.5,
      priority: Math.floor(random() * 100),
      concurrency: 1 + Math.floor(random() * 5),
      groups,
    });
    // Limits never decide membership: set some so the test would notice if they did.
    const limited =
      random() < 0.3
        ? await updateAccount(handle.db, created.id, {
            rateLimitResetAt: new Date(Date.now() + 60_000),
          })
        : created;
    if (limited === null) throw new Error(`account ${created.id} vanished`);
    accounts.push(toDomainAccount(limited));
  }
  return { accounts, groupIds };
}

function everyBucket(groupIds: readonly number[]): BucketKey[] {
  const keys: BucketKey[] = [];
  for (const groupId of [0, ...groupIds]) {
    for (const platform of PLATFORMS) {
      for (const mode of SCHEDULING_MODES) keys.push(bucketKey({ groupId, platform, mode }));
    }
  }
  return keys;
}

describe('loadBucketAccounts', () => {
  it.each([1, 2, 3])(
    'returns exactly the accounts accountInBucket admits, ordered by id (seed %i)',
    async (seed) => {
      const handle = await pg.migratedDb();
      const { accounts, groupIds } = await seedRandom(handle, seed, 60);
      for (const key of everyBucket(groupIds)) {
        const expected = accounts.filter((account) => accountInBucket(account, key));
        expect({ key, accounts: await loadBucketAccounts(handle.db, key) }).toEqual({
          key,
          accounts: expected,
        });
      }
    },
  );

  it('returns an empty list for a group that does not exist', async () => {
    const handle = await pg.migratedDb();
    await createAccount(handle.db, {
      name: 'solo',
      platform: 'anthropic',
      type: 'apikey',
      credentialsEncrypted: 'v1:x',
    });
    expect(await loadBucketAccounts(handle.db, 'g999:anthropic:single')).toEqual([]);
    expect(await loadBucketAccounts(handle.db, 'g0:anthropic:single')).toHaveLength(1);
  });

  it('rejects a malformed bucket key', async () => {
    const handle = await pg.migratedDb();
    await expect(
      loadBucketAccounts(handle.db, 'nonsense' as unknown as BucketKey),
    ).rejects.toMatchObject({ name: 'InvalidBucketKeyError' });
  });
});

describe('loadAllBuckets', () => {
  it('lists every non-empty bucket with the same members as loadBucketAccounts', async () => {
    const handle = await pg.migratedDb();
    const { accounts, groupIds } = await seedRandom(handle, 7, 80);
    const all = await loadAllBuckets(handle.db);
    for (const key of everyBucket(groupIds)) {
      const expected = accounts.filter((account) => accountInBucket(account, key));
      expect({ key, accounts: all.get(key) ?? [] }).toEqual({ key, accounts: expected });
    }
    for (const [key, members] of all) {
      expect(members.length).toBeGreaterThan(0);
      expect(everyBucket(groupIds)).toContain(key);
    }
  });

  it('returns an empty map when there are no accounts', async () => {
    const handle = await pg.migratedDb();
    expect((await loadAllBuckets(handle.db)).size).toBe(0);
  });
});
