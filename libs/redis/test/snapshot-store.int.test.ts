import { AccountStatus, Platform, type Account } from '@switchyard/domain';
import { makeTestAccount, startRedis } from '@switchyard/harness';
import { closeRedis, createRedis, KeyBuilder, SnapshotStore } from '@switchyard/redis';
import type { Redis } from '@switchyard/redis';

type Server = Awaited<ReturnType<typeof startRedis>>;

let server: Server;
let redis: Redis;
let keys: KeyBuilder;
let store: SnapshotStore;
let testNo = 0;

const BUCKET = 'g1:anthropic:single' as const;

function account(id: number, overrides: Partial<Account> = {}): Account {
  return makeTestAccount({
    id,
    modelMapping: { 'claude-*': 'claude-sonnet-4' },
    groupIds: [1],
    ...overrides,
  });
}

beforeAll(async () => {
  server = await startRedis();
  redis = createRedis({ url: server.url, name: 'snapshot-store-test' });
});

afterAll(async () => {
  await closeRedis(redis);
  await server.stop();
});

beforeEach(() => {
  keys = new KeyBuilder(`t${++testNo}:`);
  store = new SnapshotStore(redis, keys);
});

describe('SnapshotStore', () => {
  it('reads back the accounts it wrote, with the version the write returned', async () => {
    const accounts = [account(1), account(2, { rateLimitResetAt: 1_700_000_000_000 })];
    const written = await store.write(BUCKET, accounts);
    expect(written).toMatchObject({ applied: true, changed: true });
    expect(await store.read(BUCKET)).toEqual({ version: written.version, accounts });
    expect(await store.readVersion(BUCKET)).toBe(written.version);
  });

  it('reports no snapshot for a bucket never written', async () => {
    expect(await store.read(BUCKET)).toBeNull();
    expect(await store.readVersion(BUCKET)).toBeNull();
  });

  it('gives every write a higher version than the one before', async () => {
    const versions: number[] = [];
    for (let i = 1; i <= 5; i++) versions.push((await store.write(BUCKET, [account(i)])).version);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('refuses a writer whose version was reserved before the current one', async () => {
    const older = await store.reserveVersion(BUCKET);
    const newer = await store.reserveVersion(BUCKET);
    expect(newer).toBeGreaterThan(older);
    const fresh = [account(1, { status: AccountStatus.Disabled })];
    await store.write(BUCKET, fresh, { version: newer });

    const stale = await store.write(BUCKET, [account(1)], { version: older });
    expect(stale).toEqual({ version: newer, applied: false, changed: false });
    expect(await store.read(BUCKET)).toEqual({ version: newer, accounts: fresh });
  });

  it('refuses a second write of the same version', async () => {
    const version = await store.reserveVersion(BUCKET);
    await store.write(BUCKET, [account(1)], { version });
    const again = await store.write(BUCKET, [account(2)], { version });
    expect(again.applied).toBe(false);
    expect((await store.read(BUCKET))?.accounts).toEqual([account(1)]);
  });

  it('moves the version without storing a payload again when the accounts are unchanged', async () => {
    const first = await store.write(BUCKET, [account(1)]);
    const stale = await store.reserveVersion(BUCKET);
    const second = await store.write(BUCKET, [account(1)]);
    expect(second).toMatchObject({ applied: true, changed: false });
    expect(second.version).toBeGreaterThan(first.version);
    expect(await store.read(BUCKET)).toEqual({ version: second.version, accounts: [account(1)] });
    // The fence moved too: a writer that reserved before the unchanged write is refused.
    expect((await store.write(BUCKET, [], { version: stale })).applied).toBe(false);
  });

  it('lets a replaced payload expire and keeps the current one without a TTL', async () => {
    const first = await store.write(BUCKET, [account(1)]);
    const second = await store.write(BUCKET, [account(2)]);
    const oldTtl = await redis.pttl(keys.snapshotVersion(BUCKET, first.version));
    const currentTtl = await redis.pttl(keys.snapshotVersion(BUCKET, second.version));
    expect(oldTtl).toBeGreaterThan(0);
    expect(currentTtl).toBe(-1);
  });

  it('never shows a reader a mix of two versions while writers race', async () => {
    const big = (tag: number) =>
      Array.from({ length: 200 }, (_, i) => account(i + 1, { priority: tag }));
    const writes = Array.from({ length: 20 }, (_, tag) => store.write(BUCKET, big(tag)));
    const reads = Array.from({ length: 40 }, () => store.read(BUCKET));
    await Promise.all(writes);
    for (const snapshot of await Promise.all(reads)) {
      if (snapshot === null) continue;
      const tags = new Set(snapshot.accounts.map((a) => a.priority));
      expect(tags.size).toBe(1);
      expect(snapshot.accounts).toHaveLength(200);
    }
  });

  it('keeps versions growing after Redis lost its data', async () => {
    const before = await store.write(BUCKET, [account(1)]);
    await redis.del(keys.snapshotPointer(BUCKET), keys.snapshotVersion(BUCKET, before.version));
    const after = await store.write(BUCKET, [account(1)]);
    expect(after.version).toBeGreaterThanOrEqual(before.version);
  });

  it('lists every bucket that has a snapshot, empty ones included', async () => {
    await store.write('g2:openai:mixed', [account(5, { platform: Platform.OpenAI })]);
    await store.write(BUCKET, []);
    await store.reserveVersion('g3:gemini:forced');
    // Another prefix's buckets are not ours.
    await new SnapshotStore(redis, new KeyBuilder(`other${testNo}:`)).write('g9:gemini:mixed', []);
    expect(await store.listBuckets()).toEqual([BUCKET, 'g2:openai:mixed']);
  });
});

describe('SnapshotStore reservations', () => {
  it('let a pointer that was only reserved expire, and keep a written one', async () => {
    await store.reserveVersion('g4:gemini:single');
    expect(await redis.pttl(keys.snapshotPointer('g4:gemini:single'))).toBeGreaterThan(0);
    const version = await store.reserveVersion(BUCKET);
    await store.write(BUCKET, [account(1)], { version });
    expect(await redis.pttl(keys.snapshotPointer(BUCKET))).toBe(-1);
  });
});
