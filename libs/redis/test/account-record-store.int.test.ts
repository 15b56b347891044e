import { AccountStatus, AccountType, Platform, type Account } from '@switchyard/domain';
import { startRedis } from '@switchyard/harness';
import { AccountRecordStore, closeRedis, createRedis, KeyBuilder } from '@switchyard/redis';
import type { Redis } from '@switchyard/redis';

let server: Awaited<ReturnType<typeof startRedis>>;
let redis: Redis;
let keys: KeyBuilder;
let records: AccountRecordStore;
let testNo = 0;

function account(id: number): Account {
  return {
    id,
    name: `account-${id}`,
    platform: Platform.Gemini,
    type: AccountType.OAuth,
    status: AccountStatus.Active,
    schedulable: true,
    concurrency: 2,
    priority: 10,
    rateLimitResetAt: null,
    overloadUntil: 1_700_000_000_000,
    tempUnschedulableUntil: null,
    tempUnschedulableReason: null,
    modelMapping: null,
    mixedScheduling: false,
    lastUsedAt: null,
    expiresAt: null,
    groupIds: [id % 3],
  };
}

beforeAll(async () => {
  server = await startRedis();
  redis = createRedis({ url: server.url, name: 'account-record-test' });
});

afterAll(async () => {
  await closeRedis(redis);
  await server.stop();
});

beforeEach(() => {
  keys = new KeyBuilder(`r${++testNo}:`);
  records = new AccountRecordStore(redis, keys);
});

describe('AccountRecordStore', () => {
  it('reads back the records it wrote and skips ids it has none for', async () => {
    await records.writeMany([account(1), account(2)]);
    const found = await records.readMany([2, 1, 3]);
    expect([...found.keys()].sort()).toEqual([1, 2]);
    expect(found.get(2)).toEqual(account(2));
  });

  it('handles more accounts than fit in one command', async () => {
    const many = Array.from({ length: 1_234 }, (_, i) => account(i + 1));
    await records.writeMany(many);
    expect((await records.readMany(many.map((a) => a.id))).size).toBe(1_234);
    expect(await records.listIds()).toEqual(many.map((a) => a.id));
  });

  it('removes records and lists only what is left under its own prefix', async () => {
    await records.writeMany([account(1), account(2), account(3)]);
    await new AccountRecordStore(redis, new KeyBuilder(`other${testNo}:`)).writeMany([account(9)]);
    await records.remove([2]);
    expect(await records.listIds()).toEqual([1, 3]);
  });
});
