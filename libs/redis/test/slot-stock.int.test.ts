import { startRedis } from '@switchyard/harness';
import {
  KeyBuilder,
  SlotStock,
  closeRedis,
  createRedis,
  createSlotClient,
} from '@switchyard/redis';
import type { Redis, SlotStockOptions } from '@switchyard/redis';

type Server = Awaited<ReturnType<typeof startRedis>>;

let server: Server;
let redis: Redis;
let keys: KeyBuilder;
let testNo = 0;
const stocks: SlotStock[] = [];

beforeAll(async () => {
  server = await startRedis();
  redis = createRedis({ url: server.url, name: 'slot-stock' });
});

afterAll(async () => {
  await closeRedis(redis);
  await server.stop();
});

beforeEach(() => {
  keys = new KeyBuilder(`ss${++testNo}:`);
});

afterEach(async () => {
  for (const stock of stocks.splice(0)) await stock.stop();
});

const warnings: unknown[] = [];

function stockOf(options: Partial<SlotStockOptions> = {}): SlotStock {
  const stock = new SlotStock({
    redis,
    replicaId: 'test',
    max: 2,
    minConcurrency: 16,
    ttlMs: 30_000,
    refreshMs: 60_000,
    minRemainingMs: 10_000,
    idleMs: 60_000,
    writeDelayMs: 0,
    markerTtlMs: 1_000,
    bindingTtlMs: 1_000,
    isSelectable: () => true,
    clock: Date.now,
    logger: { warn: (msg, fields) => warnings.push({ msg, fields }) },
    ...options,
  });
  stocks.push(stock);
  return stock;
}

/** A slot held in Redis under `token` on account 1, as a request would hold it. */
async function held(token: string, concurrency = 32) {
  const slots = createSlotClient(redis, keys);
  const slot = await slots.acquire(1, token, concurrency);
  if (slot === null) throw new Error(`account 1 full at ${token}`);
  return slot;
}

/** Keeps Redis busy for ARGV[1] ms (a script runs alone). */
const BUSY_LUA = `
local t = redis.call('TIME')
local start = t[1] * 1000 + t[2] / 1000
repeat
  t = redis.call('TIME')
until t[1] * 1000 + t[2] / 1000 - start >= tonumber(ARGV[1])
return 1
`;

const members = () => redis.zrange(keys.slots(1), 0, -1);

/** Runs the stock's periodic refresh once: the timer fires at once. */
async function refreshOnce(options: Partial<SlotStockOptions> = {}): Promise<SlotStock> {
  return stockOf({ refreshMs: 20, ...options });
}

async function eventually(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in 5 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('SlotStock.putBack', () => {
  it('keeps a finished slot for the next taker, up to one per minConcurrency and max', async () => {
    const stock = stockOf();
    const now = Date.now();
    const a = await held('req-a');
    const b = await held('req-b');
    const c = await held('req-c');
    expect(stock.putBack(1, keys.slots(1), 32, a, now)).toBe(true);
    expect(stock.putBack(1, keys.slots(1), 32, b, now)).toBe(true);
    // 32 / 16 = 2 slots at most.
    expect(stock.putBack(1, keys.slots(1), 32, c, now)).toBe(false);
    expect(stock.stocked(1)).toBe(2);
    const taken = stock.take(1, now);
    expect(taken?.token).toBe('req-b');
    // Still held in Redis all along: the taker holds it now.
    expect(await members()).toEqual(expect.arrayContaining(['req-a', 'req-b', 'req-c']));
  });

  it('refuses accounts below minConcurrency, slots near their expiry, and after stop', async () => {
    const stock = stockOf();
    const now = Date.now();
    const slot = await held('small', 15);
    expect(stock.putBack(1, keys.slots(1), 15, slot, now)).toBe(false);
    expect(stock.putBack(1, keys.slots(1), 32, { token: 't', expiresAt: now + 9_999 }, now)).toBe(
      false,
    );
    await stock.stop();
    expect(stock.putBack(1, keys.slots(1), 32, slot, now)).toBe(false);
  });

  it('a stopped stock gives every kept slot back', async () => {
    const stock = stockOf();
    stock.putBack(1, keys.slots(1), 32, await held('kept'), Date.now());
    expect(await members()).toEqual(['kept']);
    await stock.stop();
    expect(await members()).toEqual([]);
  });
});

describe('SlotStock.drop', () => {
  it("gives the account's stock back at once and stops handing it out", async () => {
    const stock = stockOf();
    stock.putBack(1, keys.slots(1), 32, await held('one'), Date.now());
    stock.putBack(1, keys.slots(1), 32, await held('two'), Date.now());
    stock.drop(1);
    expect(stock.take(1, Date.now())).toBeNull();
    await eventually(async () => (await members()).length === 0);
  });

  it('dropAll gives back every account', async () => {
    const stock = stockOf();
    stock.putBack(1, keys.slots(1), 32, await held('one'), Date.now());
    const other = await createSlotClient(redis, keys).acquire(2, 'two', 32);
    stock.putBack(2, keys.slots(2), 32, other!, Date.now());
    stock.dropAll();
    expect(stock.size).toBe(0);
    await eventually(
      async () => (await redis.zcard(keys.slots(1))) + (await redis.zcard(keys.slots(2))) === 0,
    );
  });

  it('gives back a refill that arrives for an account dropped meanwhile', async () => {
    const stock = stockOf();
    stock.want(1, keys.slots(1), 32, Date.now());
    // The refill is on its way (written on the next timer turn); the account is dropped first.
    stock.drop(1);
    await new Promise((r) => setTimeout(r, 50));
    await eventually(async () => (await members()).length === 0);
    expect(stock.stocked(1)).toBe(0);
  });
});

describe('SlotStock refresh', () => {
  it('pushes kept slots out while the account has room', async () => {
    const stock = await refreshOnce();
    const now = Date.now();
    stock.putBack(1, keys.slots(1), 16, await held('kept', 16), now);
    expect(Number(await redis.zscore(keys.slots(1), 'kept'))).toBeGreaterThan(now + 200_000);
    stock.start();
    // The request's 300 s expiry becomes the stock's own 30 s, renewed every refresh.
    await eventually(async () => {
      const score = Number(await redis.zscore(keys.slots(1), 'kept'));
      return score > 0 && score <= Date.now() + 30_000;
    });
    expect(stock.stocked(1)).toBe(1);
  });

  it('gives kept slots back once the account is three quarters full', async () => {
    const stock = await refreshOnce();
    stock.putBack(1, keys.slots(1), 16, await held('kept', 16), Date.now());
    // 11 more holders: 12 of 16, the cap.
    for (let i = 0; i < 11; i++) await held(`busy-${i}`, 16);
    stock.start();
    await eventually(async () => !(await members()).includes('kept'));
    expect(stock.stocked(1)).toBe(0);
    expect(await redis.zcard(keys.slots(1))).toBe(11);
  });

  it('keeps its stock when a refresh fails, for the next one to retry', async () => {
    const stock = await refreshOnce();
    stock.putBack(1, keys.slots(1), 16, await held('kept', 16), Date.now());
    // The slot key turned into a string: the refresh script fails on it.
    await redis.del(keys.slots(1));
    await redis.set(keys.slots(1), 'not a zset');
    warnings.length = 0;
    stock.start();
    await eventually(async () => warnings.length > 0);
    expect(warnings[0]).toMatchObject({ msg: 'slot stock refresh failed' });
    expect(stock.stocked(1)).toBe(1);
    await redis.del(keys.slots(1));
  });

  it('never hands out a slot while the refresh may be giving it back', async () => {
    const stock = await refreshOnce({ refreshMs: 20 });
    stock.putBack(1, keys.slots(1), 16, await held('kept', 16), Date.now());
    for (let i = 0; i < 11; i++) await held(`busy-${i}`, 16);
    // Redis busy for 300 ms on another connection: the refresh sent meanwhile waits for it.
    const blocker = createRedis({ url: server.url, name: 'slot-stock-blocker' });
    let taken;
    try {
      const busy = blocker.eval(BUSY_LUA, 0, 300);
      await new Promise((r) => setTimeout(r, 30));
      stock.start();
      await new Promise((r) => setTimeout(r, 100));
      taken = stock.take(1, Date.now());
      await busy;
    } finally {
      await closeRedis(blocker);
    }
    // The refresh was in flight and gave the slot back (the account is at its cap): the slot
    // was not in stock meanwhile.
    expect(taken).toBeNull();
    await eventually(async () => !(await members()).includes('kept'));
    expect(stock.stocked(1)).toBe(0);
  });
});
