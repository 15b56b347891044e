import { AccountEventType } from '@switchyard/contracts';
import { createAccount, createGroup } from '@switchyard/db';
import { AccountType, bucketForRequest, Platform } from '@switchyard/domain';
import { startBuilderFixture, waitFor } from './builder-fixture.js';
import type { BuilderFixture, SchedulerReplica } from './builder-fixture.js';

let fx: BuilderFixture;
let replicas: SchedulerReplica[];
let groupId: number;
let accountIds: number[];
let requestNo = 0;

beforeAll(async () => {
  fx = await startBuilderFixture();
  await fx.startBuilder('builder');
  groupId = (await createGroup(fx.db.db, { name: 'pool', platform: Platform.Anthropic })).id;
  accountIds = [];
  for (let i = 0; i < 4; i++) {
    const account = await createAccount(fx.db.db, {
      name: `pool-${i}`,
      platform: Platform.Anthropic,
      type: AccountType.ApiKey,
      credentialsEncrypted: 'sealed',
      // Plenty of slots: the selects below never release theirs.
      concurrency: 10_000,
      groups: [groupId],
    });
    accountIds.push(account.id);
    await fx.publish({ type: AccountEventType.AccountChanged, accountId: account.id });
  }
  await fx.settle();
  replicas = [await fx.startScheduler('s1'), await fx.startScheduler('s2')];
  const bucket = bucketForRequest({ groupId, platform: Platform.Anthropic });
  for (const { scheduler } of replicas) await scheduler.preload([bucket]);
});

afterAll(async () => {
  await fx?.stop();
});

/** Accounts `n` selects on the replica returned. */
async function selected(replica: SchedulerReplica, n: number): Promise<Set<number>> {
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    const result = await replica.scheduler.select({
      requestId: `r-${++requestNo}`,
      groupId,
      platform: Platform.Anthropic,
    });
    if ('slot' in result && result.slot !== undefined) seen.add(result.account.id);
  }
  return seen;
}

describe('account state reaching the scheduler replicas', () => {
  it('lets every replica select every healthy account', async () => {
    for (const replica of replicas) {
      expect([...(await selected(replica, 200))].sort((a, b) => a - b)).toEqual(accountIds);
    }
  });

  it('stops every replica from selecting an account one gateway saw rate-limited', async () => {
    const limited = accountIds[1] ?? 0;
    await fx.publish({
      type: AccountEventType.AccountState,
      accountId: limited,
      rateLimitResetAt: Date.now() + 600_000,
      observedAt: Date.now(),
    });
    await waitFor('both replicas to apply the state', () =>
      replicas.every((r) => !r.scheduler.isSelectable(limited)),
    );
    // From the moment a replica applied the event, no select of it returns the account.
    for (const replica of replicas) expect(await selected(replica, 200)).not.toContain(limited);

    // The builder then rewrites the bucket and the replicas reload it: still excluded.
    await fx.settle();
    const bucket = bucketForRequest({ groupId, platform: Platform.Anthropic });
    const version = (await fx.snapshots.readVersion(bucket)) ?? 0;
    await waitFor('both replicas to reload the bucket', () =>
      replicas.every((r) => (r.scheduler.bucketVersion(bucket) ?? 0) >= version),
    );
    const inSnapshot = (await fx.snapshots.read(bucket))?.accounts.find((a) => a.id === limited);
    expect(inSnapshot?.rateLimitResetAt).toBeGreaterThan(Date.now());
    for (const replica of replicas) {
      const seen = await selected(replica, 200);
      expect(seen).not.toContain(limited);
      expect(seen.size).toBe(accountIds.length - 1);
    }
  });

  it('brings the account back on every replica once a gateway sees it healthy again', async () => {
    const limited = accountIds[1] ?? 0;
    await fx.publish({
      type: AccountEventType.AccountState,
      accountId: limited,
      rateLimitResetAt: null,
      observedAt: Date.now() + 1,
    });
    await waitFor('both replicas to apply the state', () =>
      replicas.every((r) => r.scheduler.isSelectable(limited)),
    );
    for (const replica of replicas) expect(await selected(replica, 200)).toContain(limited);
  });
});
