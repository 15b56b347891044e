import { startRedis } from '@switchyard/harness';
import {
  acquireLock,
  closeRedis,
  createRedis,
  extendLock,
  KeyBuilder,
  releaseLock,
} from '@switchyard/redis';
import type { Redis } from '@switchyard/redis';

type Server = Awaited<ReturnType<typeof startRedis>>;

let server: Server;
let redis: Redis;
let testNo = 0;
let key: string;

beforeAll(async () => {
  server = await startRedis();
  redis = createRedis({ url: server.url, name: 'lock-test' });
});

afterAll(async () => {
  await closeRedis(redis);
  await server.stop();
});

beforeEach(() => {
  key = new KeyBuilder(`t${++testNo}:`).lock('rebuild');
});

describe('acquireLock', () => {
  it('gives the lock to one caller and null to the others while it is held', async () => {
    const tokens = await Promise.all(
      Array.from({ length: 20 }, () => acquireLock(redis, key, 60_000)),
    );
    const winners = tokens.filter((t): t is string => t !== null);
    expect(winners).toHaveLength(1);
    expect(await redis.get(key)).toBe(winners[0]);
  });

  it('sets the TTL so a crashed holder cannot keep the lock', async () => {
    await acquireLock(redis, key, 30_000);
    const pttl = await redis.pttl(key);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(30_000);
  });
});

describe('releaseLock', () => {
  it('is refused to anyone but the owner', async () => {
    const token = await acquireLock(redis, key, 60_000);
    expect(token).not.toBeNull();
    expect(await releaseLock(redis, key, 'not-the-owner')).toBe(false);
    expect(await redis.get(key)).toBe(token);
    expect(await acquireLock(redis, key, 60_000)).toBeNull();
  });

  it('frees the lock for its owner so the next caller gets it', async () => {
    const token = (await acquireLock(redis, key, 60_000))!;
    expect(await releaseLock(redis, key, token)).toBe(true);
    expect(await redis.exists(key)).toBe(0);
    expect(await acquireLock(redis, key, 60_000)).not.toBeNull();
    // A second release by the old owner must not free the new holder's lock.
    expect(await releaseLock(redis, key, token)).toBe(false);
    expect(await redis.exists(key)).toBe(1);
  });
});

describe('extendLock', () => {
  it("resets the owner's TTL", async () => {
    const token = (await acquireLock(redis, key, 1_000))!;
    expect(await extendLock(redis, key, token, 120_000)).toBe(true);
    expect(await redis.pttl(key)).toBeGreaterThan(60_000);
  });

  it('is refused to a non-owner and when the lock is gone', async () => {
    const token = (await acquireLock(redis, key, 1_000))!;
    expect(await extendLock(redis, key, 'other', 120_000)).toBe(false);
    expect(await redis.pttl(key)).toBeLessThanOrEqual(1_000);
    await redis.del(key);
    expect(await extendLock(redis, key, token, 120_000)).toBe(false);
    expect(await redis.exists(key)).toBe(0);
  });
});
