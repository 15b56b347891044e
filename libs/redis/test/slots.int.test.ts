import { startRedis } from '@switchyard/harness';
import {
  acquireSlot,
  closeRedis,
  createRedis,
  KeyBuilder,
  readLoads,
  refreshSlot,
  releaseSlot,
} from '@switchyard/redis';
import type { Redis } from '@switchyard/redis';
import { commandCalls, errorCount } from './commandstats.js';

type Server = Awaited<ReturnType<typeof startRedis>>;

let server: Server;
let a: Redis;
let b: Redis;
let admin: Redis;
let testNo = 0;
let keys: KeyBuilder;

beforeAll(async () => {
  server = await startRedis();
  a = createRedis({ url: server.url, name: 'slots-a' });
  b = createRedis({ url: server.url, name: 'slots-b' });
  admin = createRedis({ url: server.url, name: 'slots-admin' });
});

afterAll(async () => {
  await Promise.all([closeRedis(a), closeRedis(b), closeRedis(admin)]);
  await server.stop();
});

beforeEach(() => {
  // A fresh prefix per test keeps the tests independent on one server.
  keys = new KeyBuilder(`t${++testNo}:`);
});

const MINUTE = 60_000;

describe('acquireSlot', () => {
  it('never admits more than the limit under 200 concurrent acquires on 2 connections', async () => {
    const key = keys.slots('acc');
    const now = 1_000_000;
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        acquireSlot(i % 2 === 0 ? a : b, key, {
          requestId: `req-${i}`,
          limit: 10,
          ttlMs: MINUTE,
          now,
        }),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(10);
    expect(await admin.zcard(key)).toBe(10);
  });

  it('treats a repeated acquire by the same request as holding one slot', async () => {
    const key = keys.slots('acc');
    const input = { requestId: 'r1', limit: 2, ttlMs: MINUTE, now: 1_000 };
    expect(await acquireSlot(a, key, input)).toBe(true);
    expect(await acquireSlot(a, key, input)).toBe(true);
    expect(await admin.zcard(key)).toBe(1);
  });

  it('prunes expired holders before counting', async () => {
    const key = keys.slots('acc');
    const at = (now: number, requestId: string) =>
      acquireSlot(a, key, { requestId, limit: 2, ttlMs: 100, now });
    expect(await at(1_000, 'r1')).toBe(true);
    expect(await at(1_000, 'r2')).toBe(true);
    expect(await at(1_050, 'r3')).toBe(false);
    // r1 and r2 expire at 1100.
    expect(await at(1_100, 'r3')).toBe(true);
    expect(await admin.zrange(key, 0, -1)).toEqual(['r3']);
  });

  it('gives the slot set a TTL so an idle account leaves no key behind', async () => {
    const key = keys.slots('acc');
    await acquireSlot(a, key, { requestId: 'r1', limit: 1, ttlMs: MINUTE, now: 0 });
    const pttl = await admin.pttl(key);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(MINUTE);
  });
});

describe('releaseSlot', () => {
  it('frees the slot for the next request', async () => {
    const key = keys.slots('acc');
    const input = (requestId: string) => ({ requestId, limit: 1, ttlMs: MINUTE, now: 5_000 });
    expect(await acquireSlot(a, key, input('r1'))).toBe(true);
    expect(await acquireSlot(b, key, input('r2'))).toBe(false);
    expect(await releaseSlot(a, key, 'r1')).toBe(true);
    expect(await acquireSlot(b, key, input('r2'))).toBe(true);
  });

  it('reports false for a request that holds no slot', async () => {
    expect(await releaseSlot(a, keys.slots('acc'), 'nobody')).toBe(false);
  });
});

describe('refreshSlot', () => {
  it('keeps a live holding past its original expiry', async () => {
    const key = keys.slots('acc');
    await acquireSlot(a, key, { requestId: 'r1', limit: 1, ttlMs: 100, now: 1_000 });
    expect(await refreshSlot(a, key, { requestId: 'r1', ttlMs: 100, now: 1_090 })).toBe(true);
    // Without the refresh r1 would have expired at 1100.
    expect(await acquireSlot(b, key, { requestId: 'r2', limit: 1, ttlMs: 100, now: 1_150 })).toBe(
      false,
    );
    expect(Number(await admin.zscore(key, 'r1'))).toBe(1_190);
  });

  it('does not revive an expired holding or create a missing one', async () => {
    const key = keys.slots('acc');
    await acquireSlot(a, key, { requestId: 'r1', limit: 1, ttlMs: 100, now: 1_000 });
    expect(await refreshSlot(a, key, { requestId: 'r1', ttlMs: 100, now: 1_200 })).toBe(false);
    expect(await admin.zscore(key, 'r1')).toBeNull();
    expect(await refreshSlot(a, key, { requestId: 'ghost', ttlMs: 100, now: 1_200 })).toBe(false);
    expect(await admin.zcard(key)).toBe(0);
  });
});

describe('readLoads', () => {
  it('returns in-use and waiting counts of many accounts from one EVALSHA', async () => {
    const now = 10_000;
    const ids = Array.from({ length: 40 }, (_, i) => `acc-${i}`);
    // Account i holds i % 4 live slots, one expired slot, and i % 3 live waiters.
    for (const [i, id] of ids.entries()) {
      for (let s = 0; s < i % 4; s++) {
        await acquireSlot(a, keys.slots(id), { requestId: `s${s}`, limit: 10, ttlMs: 500, now });
      }
      await acquireSlot(a, keys.slots(id), {
        requestId: 'old',
        limit: 10,
        ttlMs: 5,
        now: now - 10,
      });
      for (let w = 0; w < i % 3; w++) {
        await acquireSlot(a, keys.waiting(id), { requestId: `w${w}`, limit: 10, ttlMs: 500, now });
      }
    }
    // Warm the connection: its first use of a script is an EVAL that caches it server-side.
    await readLoads(b, keys, ['warm-up'], now);

    const before = await commandCalls(admin);
    const loads = await readLoads(b, keys, [...ids, 'idle'], now);
    const after = await commandCalls(admin);

    const delta = (cmd: string) => (after.get(cmd) ?? 0) - (before.get(cmd) ?? 0);
    expect(delta('evalsha')).toBe(1);
    expect(delta('eval')).toBe(0);
    for (const [i, id] of ids.entries()) {
      expect(loads.get(id)).toEqual({ inUse: i % 4, waiting: i % 3 });
    }
    expect(loads.get('idle')).toEqual({ inUse: 0, waiting: 0 });
    expect(loads.size).toBe(41);
    // The expired 'old' holdings were pruned, not only skipped.
    expect(await admin.zscore(keys.slots('acc-0'), 'old')).toBeNull();
  });

  it('answers an empty list without calling Redis', async () => {
    const before = await commandCalls(admin);
    expect((await readLoads(a, keys, [], 0)).size).toBe(0);
    const after = await commandCalls(admin);
    expect(after.get('evalsha') ?? 0).toBe(before.get('evalsha') ?? 0);
  });
});

describe('scripts after SCRIPT FLUSH', () => {
  it('reload themselves when the server lost its script cache', async () => {
    const key = keys.slots('acc');
    expect(await acquireSlot(a, key, { requestId: 'r1', limit: 2, ttlMs: MINUTE, now: 0 })).toBe(
      true,
    );
    await readLoads(a, keys, ['acc'], 0);
    const noscriptBefore = await errorCount(admin, 'NOSCRIPT');
    await admin.script('FLUSH');

    expect(await acquireSlot(a, key, { requestId: 'r2', limit: 2, ttlMs: MINUTE, now: 0 })).toBe(
      true,
    );
    expect((await readLoads(a, keys, ['acc'], 0)).get('acc')).toEqual({ inUse: 2, waiting: 0 });
    // The calls really went through the NOSCRIPT fallback.
    expect(await errorCount(admin, 'NOSCRIPT')).toBeGreaterThan(noscriptBefore);
  });
});
