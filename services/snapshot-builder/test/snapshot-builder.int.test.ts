import { publishDurable } from '@switchyard/bus';
import type { AccountEventInput } from '@switchyard/bus';
import { AccountEventType, accountEventSubject } from '@switchyard/contracts';
import type { AccountEvent } from '@switchyard/contracts';
import {
  createAccount,
  createGroup,
  getAccount,
  setAccountGroups,
  updateAccount,
} from '@switchyard/db';
import { AccountType, Platform } from '@switchyard/domain';
import type { BucketKey } from '@switchyard/domain';
import { AccountRecordStore, KeyBuilder } from '@switchyard/redis';
import { startBuilderFixture, waitFor } from './builder-fixture.js';
import type { BuilderFixture, BuilderReplica } from './builder-fixture.js';
import { RandomOperations } from './random-operations.js';

let fx: BuilderFixture;
let builder: BuilderReplica;
let redeliveries = 0;

beforeAll(async () => {
  fx = await startBuilderFixture();
  builder = await fx.startBuilder('b1');
});

afterAll(async () => {
  await fx?.stop();
});

async function publish(event: AccountEventInput): Promise<AccountEvent> {
  return (await fx.publisher.publish(event)).event;
}

/** Delivers `event` a second time as a new stream message (what a redelivery looks like). */
async function redeliver(event: AccountEvent): Promise<void> {
  await publishDurable(fx.bus.js(), accountEventSubject(event), event, {
    msgId: `${event.eventId}:again:${++redeliveries}`,
  });
}

async function newAccount(name: string, groups: number[], platform: Platform = Platform.Anthropic) {
  const account = await createAccount(fx.db.db, {
    name,
    platform,
    type: AccountType.ApiKey,
    credentialsEncrypted: 'sealed',
    groups,
  });
  await publish({ type: AccountEventType.AccountChanged, accountId: account.id });
  return account;
}

async function bucketIds(bucket: BucketKey): Promise<number[]> {
  return ((await fx.snapshots.read(bucket))?.accounts ?? []).map((a) => a.id);
}

/** Every snapshot's version and contents, to compare before and after. */
async function everySnapshot(): Promise<Map<BucketKey, unknown>> {
  const out = new Map<BucketKey, unknown>();
  for (const bucket of await fx.snapshots.listBuckets())
    out.set(bucket, await fx.snapshots.read(bucket));
  return out;
}

describe('snapshot builder', () => {
  it('keeps every bucket equal to its defining query through 200 random admin and state operations', async () => {
    const ops = new RandomOperations(fx.db, 20_241_122, publish, redeliver);
    await ops.seed(4, 12);
    for (let i = 0; i < 200; i++) await ops.step();
    await fx.settle();
    const mismatched = await fx.mismatchedBuckets();
    if (mismatched.length > 0) console.error(ops.log.join('\n'));
    expect(mismatched).toEqual([]);
    expect((await fx.snapshots.listBuckets()).length).toBeGreaterThan(0);
  });

  it('changes nothing when the same events are delivered twice', async () => {
    const group = await createGroup(fx.db.db, { name: 'twice', platform: Platform.Anthropic });
    const account = await newAccount('twice', [group.id]);
    const state = await publish({
      type: AccountEventType.AccountState,
      accountId: account.id,
      rateLimitResetAt: Date.now() + 60_000,
      observedAt: Date.now(),
    });
    const groups = await publish({
      type: AccountEventType.AccountGroupsChanged,
      accountId: account.id,
      groupIds: [group.id],
    });
    await fx.settle();
    const before = await everySnapshot();
    const row = await getAccount(fx.db.db, account.id);

    await redeliver(state);
    await redeliver(groups);
    await fx.settle();
    expect(await everySnapshot()).toEqual(before);
    expect(await getAccount(fx.db.db, account.id)).toEqual(row);
  });

  it('takes an account out of its old buckets when it changes group or platform', async () => {
    const a = await createGroup(fx.db.db, { name: 'move-a', platform: Platform.Anthropic });
    const b = await createGroup(fx.db.db, { name: 'move-b', platform: Platform.Anthropic });
    const account = await newAccount('mover', [a.id]);
    await fx.settle();
    expect(await bucketIds(`g${a.id}:anthropic:single`)).toEqual([account.id]);

    await setAccountGroups(fx.db.db, account.id, [b.id]);
    await publish({
      type: AccountEventType.AccountGroupsChanged,
      accountId: account.id,
      groupIds: [b.id],
    });
    await fx.settle();
    expect(await bucketIds(`g${a.id}:anthropic:single`)).toEqual([]);
    expect(await bucketIds(`g${b.id}:anthropic:single`)).toEqual([account.id]);

    await updateAccount(fx.db.db, account.id, { platform: Platform.Gemini });
    await publish({ type: AccountEventType.AccountChanged, accountId: account.id });
    await fx.settle();
    expect(await bucketIds(`g${b.id}:anthropic:single`)).toEqual([]);
    expect(await bucketIds(`g${b.id}:gemini:single`)).toEqual([account.id]);
  });

  it('puts a mixed-scheduling antigravity account into the anthropic and gemini mixed buckets', async () => {
    const group = await createGroup(fx.db.db, { name: 'mixed', platform: Platform.Antigravity });
    const account = await newAccount('ag', [group.id], Platform.Antigravity);
    await updateAccount(fx.db.db, account.id, { mixedScheduling: true });
    await publish({ type: AccountEventType.AccountChanged, accountId: account.id });
    await fx.settle();
    for (const bucket of [`g${group.id}:anthropic:mixed`, `g${group.id}:gemini:mixed`] as const) {
      expect(await bucketIds(bucket)).toEqual([account.id]);
    }
    expect(await bucketIds(`g${group.id}:anthropic:single`)).toEqual([]);
  });

  it('persists account state to Postgres and never lets an older observation win', async () => {
    const account = await newAccount('observed', []);
    const t = Date.now();
    await publish({
      type: AccountEventType.AccountState,
      accountId: account.id,
      overloadUntil: t + 30_000,
      observedAt: t,
    });
    await publish({
      type: AccountEventType.AccountState,
      accountId: account.id,
      overloadUntil: null,
      observedAt: t - 1_000,
    });
    await fx.settle();
    const row = await getAccount(fx.db.db, account.id);
    expect(row?.overloadUntil?.getTime()).toBe(t + 30_000);
    expect(row?.stateObservedAt?.getTime()).toBe(t);
    const inBucket = (await fx.snapshots.read('g0:anthropic:single'))?.accounts.find(
      (a) => a.id === account.id,
    );
    expect(inBucket?.overloadUntil).toBe(t + 30_000);
  });

  it('keeps per-account records in Redis without credentials', async () => {
    const account = await newAccount('recorded', []);
    await fx.settle();
    const records = new AccountRecordStore(fx.redis, new KeyBuilder('sy:'));
    const record = (await records.readMany([account.id])).get(account.id);
    expect(record).toMatchObject({ id: account.id, name: 'recorded', groupIds: [] });
    const raw = await fx.redis.get(new KeyBuilder('sy:').accountRecord(account.id));
    expect(raw).not.toContain('sealed');
  });

  it('clears the buckets of a group left without accounts on a full_rebuild event', async () => {
    const group = await createGroup(fx.db.db, { name: 'emptied', platform: Platform.OpenAI });
    const account = await newAccount('leaving', [group.id], Platform.OpenAI);
    await fx.settle();
    expect(await bucketIds(`g${group.id}:openai:forced`)).toEqual([account.id]);
    // Changed behind the builder's back (no event): only a full rebuild can notice.
    await setAccountGroups(fx.db.db, account.id, []);
    await publish({ type: AccountEventType.FullRebuild, reason: 'test' });
    await fx.settle();
    expect(await fx.snapshots.read(`g${group.id}:openai:forced`)).toMatchObject({ accounts: [] });
    expect(await bucketIds('g0:openai:forced')).toContain(account.id);
    expect(await fx.mismatchedBuckets()).toEqual([]);
  });

  it('restores every bucket by itself after Redis lost its data', async () => {
    await fx.settle();
    const buckets = await fx.snapshots.listBuckets();
    await fx.redis.flushall();
    await waitFor('the snapshots to come back', async () => {
      const back = await fx.snapshots.listBuckets();
      return back.length > 0 && (await fx.mismatchedBuckets()).length === 0;
    });
    // Buckets that are empty now were not rewritten; every bucket with accounts is back.
    const now = new Set(await fx.snapshots.listBuckets());
    for (const bucket of buckets) {
      if ((await bucketIds(bucket)).length > 0) expect(now.has(bucket)).toBe(true);
    }
    expect(builder.builder.stats().lastFullRebuild?.reason).toMatch(/redis/);
  });

  it('reads the backlog from JetStream and asks for a full rebuild past backlog_rebuild_rows', async () => {
    await builder.stop();
    for (let i = 0; i < 12; i++) {
      await publish({ type: AccountEventType.GroupChanged, groupId: 999_999 });
    }
    const config = { ...builderFixtureConfig(), backlogRebuildRows: 5, lagRebuildSeconds: 1 };
    const second = await fx.startBuilder('b2', { config, lagCheckIntervalMs: 60_000 }, false);
    // Past the cool-down after the last full rebuild, which only lets a backlog drain.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const rebuildsBefore = second.builder.stats().fullRebuilds;
    const verdict = await second.builder.checkLag();
    expect(verdict.rebuild).toBe('backlog');
    expect(verdict.lagMs).toBeGreaterThan(0);
    await waitFor(
      'the backlog rebuild',
      () => second.builder.stats().fullRebuilds > rebuildsBefore,
    );
    expect(second.builder.stats().lastFullRebuild?.reason).toMatch(/^backlog: 12 pending/);

    await second.builder.start();
    await fx.settle();
    expect(await second.builder.checkLag()).toMatchObject({ lagMs: 0, warn: false, rebuild: null });
    builder = second;
  });
});

function builderFixtureConfig() {
  return {
    redisKeyPrefix: 'sy:',
    fullRebuildIntervalSeconds: 300,
    lagRebuildSeconds: 10,
    lagRebuildFailures: 3,
    backlogRebuildRows: 10_000,
    lagWarnSeconds: 5,
    lockTtlSeconds: 30,
    consumerName: 'snapshot-builder',
  };
}
