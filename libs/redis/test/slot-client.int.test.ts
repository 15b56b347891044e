import { startRedis } from '@switchyard/harness';
import {
  KeyBuilder,
  bindResponse,
  closeRedis,
  createRedis,
  createSlotClient,
  readLoads,
  readResponseBinding,
  readSessionBinding,
  responseBindingKey,
  sessionBindingKey,
} from '@switchyard/redis';
import type { Redis } from '@switchyard/redis';

type Server = Awaited<ReturnType<typeof startRedis>>;

let server: Server;
let redis: Redis;
let testNo = 0;
let keys: KeyBuilder;
let clock = 1_000_000;

beforeAll(async () => {
  server = await startRedis();
  redis = createRedis({ url: server.url, name: 'slot-client' });
});

afterAll(async () => {
  await closeRedis(redis);
  await server.stop();
});

beforeEach(() => {
  keys = new KeyBuilder(`sc${++testNo}:`);
  clock = 1_000_000;
});

function client(slotTtlMs = 60_000) {
  return createSlotClient(redis, keys, { slotTtlMs, now: () => clock });
}

describe('createSlotClient', () => {
  it('takes slots up to the account’s concurrency and hands back token and expiry', async () => {
    const slots = client();
    expect(await slots.acquire(1, 'r1', 2)).toEqual({ token: 'r1', expiresAt: clock + 60_000 });
    expect(await slots.acquire(1, 'r2', 2)).not.toBeNull();
    expect(await slots.acquire(1, 'r3', 2)).toBeNull();
    // Acquiring again with a held token is idempotent, not a second slot.
    expect(await slots.acquire(1, 'r1', 2)).not.toBeNull();
    expect(await redis.zcard(keys.slots(1))).toBe(2);
  });

  it('releases by token, once', async () => {
    const slots = client();
    await slots.acquire(1, 'r1', 1);
    expect(await slots.release(1, 'r1')).toBe(true);
    expect(await slots.release(1, 'r1')).toBe(false);
    expect(await slots.acquire(1, 'r2', 1)).not.toBeNull();
  });

  it('refreshes a held slot past its original expiry, and not one that expired', async () => {
    const slots = client(1_000);
    await slots.acquire(1, 'r1', 1);
    clock += 900;
    expect(await slots.refresh(1, 'r1')).toBe(true);
    clock += 900; // 1,800 ms after taking it: alive only thanks to the refresh
    expect(await slots.acquire(1, 'r2', 1)).toBeNull();
    clock += 1_000;
    expect(await slots.refresh(1, 'r1')).toBe(false);
    expect(await slots.acquire(1, 'r2', 1)).not.toBeNull();
  });

  it('bounds the waiting set by maxWaiting and counts it in the account’s load', async () => {
    const slots = client();
    const entry = { maxWaiting: 2, timeoutMs: 30_000 };
    expect(await slots.enterWait(5, 'w1', entry)).toBe(true);
    expect(await slots.enterWait(5, 'w2', entry)).toBe(true);
    expect(await slots.enterWait(5, 'w3', entry)).toBe(false);
    await slots.acquire(5, 'r1', 3);
    expect((await readLoads(redis, keys, [5], clock)).get(5)).toEqual({ inUse: 1, waiting: 2 });
    expect(await slots.leaveWait(5, 'w1')).toBe(true);
    expect(await slots.enterWait(5, 'w3', entry)).toBe(true);
  });

  it('lets a crashed waiter’s entry expire after its timeout', async () => {
    const slots = client();
    await slots.enterWait(5, 'w1', { maxWaiting: 1, timeoutMs: 1_000 });
    clock += 1_001;
    expect(await slots.enterWait(5, 'w2', { maxWaiting: 1, timeoutMs: 1_000 })).toBe(true);
  });
});

describe('bindResponse', () => {
  it('binds a response id to its account under the group, with the binding TTL', async () => {
    await bindResponse(redis, keys, { groupId: 3, responseId: 'resp_{x}', accountId: 42 });
    expect(await readResponseBinding(redis, keys, 3, 'resp_{x}')).toBe(42);
    expect(await readResponseBinding(redis, keys, 4, 'resp_{x}')).toBeNull();
    const ttl = await redis.ttl(responseBindingKey(keys, 3, 'resp_{x}'));
    expect(ttl).toBeGreaterThan(3590);
    expect(ttl).toBeLessThanOrEqual(3600);
  });

  it('takes a shorter TTL when told', async () => {
    await bindResponse(redis, keys, { groupId: 3, responseId: 'r', accountId: 1, ttlSeconds: 5 });
    expect(await redis.ttl(responseBindingKey(keys, 3, 'r'))).toBeLessThanOrEqual(5);
  });
});

describe('readSessionBinding', () => {
  it('reads what the scheduler wrote, and null when nothing is bound', async () => {
    expect(await readSessionBinding(redis, keys, 1, 'sess')).toBeNull();
    await redis.set(sessionBindingKey(keys, 1, 'sess'), '9');
    expect(await readSessionBinding(redis, keys, 1, 'sess')).toBe(9);
  });
});
