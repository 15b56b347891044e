import { publishDurable } from '@switchyard/bus';
import type { AccountEventInput } from '@switchyard/bus';
import { AccountEventType, accountEventSubject } from '@switchyard/contracts';
import type { AccountEvent } from '@switchyard/contracts';
import { createAccount, createGroup, getAccount, setAccountGroups } from '@switchyard/db';
import { AccountType, Platform } from '@switchyard/domain';
import { acquireLock, KeyBuilder, releaseLock } from '@switchyard/redis';
import { builderConfig, startBuilderFixture, waitFor } from './builder-fixture.js';
import type { BuilderFixture, BuilderReplica } from './builder-fixture.js';
import { RandomOperations } from './random-operations.js';

let fx: BuilderFixture;
let redeliveries = 0;
/** Newest observation sent per account: what Postgres must hold in the end. */
const newestState = new Map<number, number>();
let published = 0;

beforeAll(async () => {
  fx = await startBuilderFixture();
});

afterAll(async () => {
  await fx?.stop();
});

async function publish(event: AccountEventInput): Promise<AccountEvent> {
  const outcome = await fx.publisher.publish(event);
  if (outcome.via === 'stream' && !outcome.duplicate) published++;
  if (event.type === AccountEventType.AccountState) {
    newestState.set(
      event.accountId,
      Math.max(event.observedAt, newestState.get(event.accountId) ?? 0),
    );
  }
  return outcome.event;
}

async function redeliver(event: AccountEvent): Promise<void> {
  await publishDurable(fx.bus.js(), accountEventSubject(event), event, {
    msgId: `${event.eventId}:again:${++redeliveries}`,
  });
  published++;
}

/** Every account_state sent reached Postgres: each account holds its newest observation. */
async function statesLost(ids: readonly number[]): Promise<number[]> {
  const lost: number[] = [];
  for (const id of ids) {
    const newest = newestState.get(id);
    const row = await getAccount(fx.db.db, id);
    if (newest !== undefined && row !== null && row.stateObservedAt?.getTime() !== newest) {
      lost.push(id);
    }
  }
  return lost;
}

// Short ack wait and lock TTLs: what a dead replica held (unacked events, locks, its place
// among running batches) comes free in about a second instead of the production 30 s.
const crashFriendly = () => ({
  config: { ...builderConfig(fx.harness), lockTtlSeconds: 2 },
  ackWaitMs: 1_000,
  lockTtlMs: 2_000,
});

describe('snapshot builder replicas', () => {
  let survivor: BuilderReplica | undefined;
  let second: BuilderReplica | undefined;

  it('converges with nothing lost when a builder is killed mid-stream and another takes over', async () => {
    const doomed = await fx.startBuilder('doomed', crashFriendly());
    const ops = new RandomOperations(fx.db, 7_777, publish, redeliver);
    await ops.seed(4, 15);
    const publishing = (async () => {
      for (let i = 0; i < 300; i++) await ops.step();
    })();
    await waitFor('the first events to be processed', () => doomed.builder.stats().acked >= 40);
    await doomed.crash();
    const ackedByDoomed = doomed.builder.stats().acked;
    await publishing;
    expect(ackedByDoomed).toBeLessThan(published);

    survivor = await fx.startBuilder('survivor', crashFriendly());
    await fx.settle(30_000);
    const mismatched = await fx.mismatchedBuckets();
    if (mismatched.length > 0) console.error(ops.log.join('\n'));
    expect(mismatched).toEqual([]);
    expect(await statesLost(ops.accountIds)).toEqual([]);
  });

  it('shares the durable consumer between replicas that together keep every bucket right', async () => {
    const first = survivor ?? (await fx.startBuilder('survivor', crashFriendly()));
    const other = await fx.startBuilder('second', crashFriendly());
    [survivor, second] = [first, other];
    const before = first.builder.stats().acked + other.builder.stats().acked;
    const sentBefore = published;
    const ops = new RandomOperations(fx.db, 4_242, publish, redeliver);
    await ops.seed(3, 10);
    for (let i = 0; i < 200; i++) await ops.step();
    await fx.settle(30_000);
    const mismatched = await fx.mismatchedBuckets();
    if (mismatched.length > 0) console.error(ops.log.join('\n'));
    expect(mismatched).toEqual([]);
    expect(await statesLost(ops.accountIds)).toEqual([]);
    // Each event was processed (acked) by one of the two; redeliveries may add a few.
    const acked = first.builder.stats().acked + other.builder.stats().acked - before;
    expect(acked).toBeGreaterThanOrEqual(published - sentBefore);
  });

  it('finishes the work of a replica that died in the middle of a batch', async () => {
    // Exactly two replicas from here on, so the one caught in the batch is known.
    await survivor?.stop();
    await second?.stop();
    const a = await fx.startBuilder('a', crashFriendly());
    const b = await fx.startBuilder('b', crashFriendly());
    const [g, h, k] = await Promise.all(
      ['died-g', 'died-h', 'died-k'].map((name) =>
        createGroup(fx.db.db, { name, platform: Platform.Anthropic }),
      ),
    );
    const account = await createAccount(fx.db.db, {
      name: 'mid-batch',
      platform: Platform.Anthropic,
      type: AccountType.ApiKey,
      credentialsEncrypted: 'sealed',
      groups: [g?.id ?? 0],
    });
    await publish({ type: AccountEventType.AccountChanged, accountId: account.id });
    await fx.settle();

    // Hold one of the buckets the next batch must update, so it stops half-way: the account's
    // other buckets written, its record not yet.
    const keys = new KeyBuilder('sy:');
    const held = `g${g?.id}:anthropic:single` as const;
    const token = await acquireLock(fx.redis, keys.lock(`snapshot:${held}`), 60_000);
    const batchesBefore = [a, b].map((r) => r.builder.stats().batches);
    await setAccountGroups(fx.db.db, account.id, [h?.id ?? 0]);
    await publish({
      type: AccountEventType.AccountGroupsChanged,
      accountId: account.id,
      groupIds: [h?.id ?? 0],
    });
    await waitFor('the batch to stop at the held bucket', async () => {
      return (await fx.redis.hexists(keys.key('snapshot', 'pending'), String(account.id))) === 1;
    });
    expect(await fx.snapshots.read(`g${h?.id}:anthropic:single`)).toMatchObject({
      accounts: [expect.objectContaining({ id: account.id })],
    });
    const stuck = a.builder.stats().batches > (batchesBefore[0] ?? 0) ? a : b;
    await stuck.crash();
    await releaseLock(fx.redis, keys.lock(`snapshot:${held}`), token ?? '');

    // The account moves on before anyone restarts; the live replica must clean up after the
    // dead one, including the bucket it had already written.
    await setAccountGroups(fx.db.db, account.id, [k?.id ?? 0]);
    await publish({
      type: AccountEventType.AccountGroupsChanged,
      accountId: account.id,
      groupIds: [k?.id ?? 0],
    });
    await fx.settle(30_000);
    expect(await fx.mismatchedBuckets()).toEqual([]);
    expect(await fx.snapshots.read(`g${h?.id}:anthropic:single`)).toMatchObject({ accounts: [] });
    expect(
      (await fx.snapshots.read(`g${k?.id}:anthropic:single`))?.accounts.map((x) => x.id),
    ).toEqual([account.id]);
  });
});
