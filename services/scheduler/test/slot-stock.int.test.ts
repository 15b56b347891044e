import { BusRemoteError, createSchedulerClient } from '@switchyard/bus';
import { AccountEventType, Subjects } from '@switchyard/contracts';
import type { SelectResult } from '@switchyard/contracts';
import { DEFAULT_SCHEDULER_TUNING } from '@switchyard/scheduler';
import type { Account } from '@switchyard/domain';
import { mixedBucket, startSchedulerFixture, sleep, waitFor } from './scheduler-fixture.js';
import type { Replica, SchedulerFixture } from './scheduler-fixture.js';
import { SlotTimeline } from './slot-timeline.js';

// Stocked slots refresh (and are given back when unwanted) every 100 ms in these tests.
const TUNING = { stockRefreshMs: 100 };

let fx: SchedulerFixture;
let replica: Replica;

beforeAll(async () => {
  fx = await startSchedulerFixture({ requestPrefix: 'stock' });
  replica = await fx.startReplica('stock-a', {}, TUNING);
});

afterAll(async () => {
  await fx?.stop();
});

const isStock = (token: string | undefined) => token?.startsWith('stock:') === true;

/** The stock tokens held on the account's slot set now. */
async function stockOn(accountId: number): Promise<string[]> {
  const members = await fx.redis.zrange(fx.keys.slots(accountId), 0, -1);
  return members.filter((m) => isStock(m));
}

/**
 * A group whose account (concurrency 64: four stocked slots) has its stock filled, beside an
 * account too small to stock when `withSmall`.
 */
async function stockedAccount(
  withSmall = false,
): Promise<{ group: number; account: Account; small: Account | null }> {
  const group = await fx.group();
  const account = await fx.account(group, { concurrency: 64 });
  const small = withSmall ? await fx.account(group, { concurrency: 3 }) : null;
  await fx.snapshots.write(mixedBucket(group), small === null ? [account] : [account, small]);
  // Until a select lands on the account (the draw may pick the small one first).
  for (;;) {
    const result = await fx.selectIn(group);
    expect(isStock(result.slot?.token)).toBe(false);
    await fx.slots.release(result.account.id, result.slot!.token);
    if (result.account.id === account.id) break;
  }
  await waitFor('the stock to fill', async () => (await stockOn(account.id)).length === 4);
  return { group, account, small };
}

describe('slot stock', () => {
  it('answers from slots taken ahead, which release by their token like any slot', async () => {
    const { group, account } = await stockedAccount();
    const result = await fx.selectIn(group);
    expect(result.account.id).toBe(account.id);
    expect(isStock(result.slot?.token)).toBe(true);
    // The answer carries the stocked slot's own expiry, seconds ahead, not the slot TTL; the
    // slot in Redis lives at least that long (a stock refresh may have pushed it out since).
    const expiresAt = Number(await fx.redis.zscore(fx.keys.slots(account.id), result.slot!.token));
    expect(result.slot!.expiresAt).toBeGreaterThan(Date.now());
    expect(result.slot!.expiresAt).toBeLessThan(Date.now() + DEFAULT_SCHEDULER_TUNING.stockTtlMs);
    expect(expiresAt).toBeGreaterThanOrEqual(result.slot!.expiresAt);
    expect(await fx.slots.release(account.id, result.slot!.token)).toBe(true);
    expect(await fx.redis.zscore(fx.keys.slots(account.id), result.slot!.token)).toBeNull();
    // The stock is topped up behind the answer.
    await waitFor('the stock to refill', async () => (await stockOn(account.id)).length === 4);
  });

  it('never stocks an account below SCHED_SLOT_STOCK_MIN_CONCURRENCY', async () => {
    const group = await fx.group();
    const account = await fx.account(group, { concurrency: 15 });
    await fx.snapshots.write(mixedBucket(group), [account]);
    for (let i = 0; i < 5; i++) {
      const result = await fx.selectIn(group);
      expect(isStock(result.slot?.token)).toBe(false);
      await fx.slots.release(account.id, result.slot!.token);
    }
    await sleep(50);
    expect(await stockOn(account.id)).toEqual([]);
  });

  it('takes no stock once the account is three quarters full', async () => {
    const group = await fx.group();
    const account = await fx.account(group, { concurrency: 16 });
    await fx.snapshots.write(mixedBucket(group), [account]);
    // 12 of 16 held by others: the last quarter is only ever taken at select time.
    for (let i = 0; i < 12; i++) await fx.slots.acquire(account.id, `other-${i}`, 16);
    const result = await fx.selectIn(group);
    expect(result.slot).toBeDefined();
    await sleep(50);
    expect(await stockOn(account.id)).toEqual([]);
    expect(await fx.redis.zcard(fx.keys.slots(account.id))).toBe(13);
  });

  it('finds the stocked slot again when the select is retried', async () => {
    const { group, account } = await stockedAccount();
    const req = { requestId: 'stock-retried', groupId: group, platform: 'anthropic' as const };
    const first = await fx.client.select(req);
    expect(isStock(first.slot?.token)).toBe(true);
    // The marker is written behind the answer; a retry comes a timeout later.
    await waitFor('the marker', async () => (await fx.redis.keys('*stock-retried*')).length > 0);
    const retried = await fx.client.select({ ...req, attempt: 2 });
    expect(retried.slot?.token).toBe(first.slot?.token);
    const held = await fx.redis.zrange(fx.keys.slots(account.id), 0, -1);
    expect(held.filter((m) => m === first.slot!.token)).toHaveLength(1);
    await fx.slots.release(account.id, retried.slot!.token);
  });

  it('frees the stocked slot of an account the request fails over from', async () => {
    const { group, account, small } = await stockedAccount(true);
    const other = small!;
    let first: SelectResult;
    let requestId: string;
    let attempts = 0;
    do {
      requestId = `stock-failover-${++attempts}`;
      first = await fx.selectIn(group, { requestId });
      if (first.account.id !== account.id || !isStock(first.slot?.token)) {
        await fx.slots.release(first.account.id, first.slot!.token);
      }
    } while (first.account.id !== account.id || !isStock(first.slot?.token));
    await waitFor('the marker', async () => (await fx.redis.keys(`*${requestId}`)).length > 0);
    const moved = await fx.client.select({
      requestId,
      groupId: group,
      platform: 'anthropic',
      excludedAccountIds: [account.id],
    });
    expect(moved.account.id).toBe(other.id);
    expect(await fx.redis.zscore(fx.keys.slots(account.id), first.slot!.token)).toBeNull();
    await fx.slots.release(other.id, moved.slot!.token);
  });

  it('serves a known session from stock and keeps its binding', async () => {
    const { group, account } = await stockedAccount();
    const results: SelectResult[] = [];
    for (let i = 0; i < 5; i++) {
      const result = await fx.selectIn(group, { sessionHash: 'stock-session' });
      results.push(result);
      await fx.slots.release(result.account.id, result.slot!.token);
    }
    expect(results.every((r) => r.account.id === account.id)).toBe(true);
    // The first one binds the session in Redis; the replica then knows it and answers from stock.
    expect(isStock(results[0]!.slot?.token)).toBe(false);
    expect(results.slice(1).every((r) => isStock(r.slot?.token))).toBe(true);
  });

  it('never hands out the stock of an account that got rate limited, and gives it back', async () => {
    const { group, account, small } = await stockedAccount(true);
    const other = small!;
    fx.bus.nc.publish(
      Subjects.accountEvent(AccountEventType.AccountState),
      JSON.stringify({
        type: AccountEventType.AccountState,
        eventId: `evt-stock-${account.id}`,
        occurredAt: Date.now(),
        accountId: account.id,
        rateLimitResetAt: Date.now() + 600_000,
        observedAt: Date.now(),
      }),
    );
    await waitFor(
      'the event',
      () => !replica.scheduler.isSelectable(account.id, mixedBucket(group)),
    );
    for (let i = 0; i < 10; i++) {
      const result = await fx.selectIn(group);
      expect(result.account.id).toBe(other.id);
      await fx.slots.release(other.id, result.slot!.token);
    }
    await waitFor('the stock to go back', async () => (await stockOn(account.id)).length === 0);
  });

  it('gives every stocked slot back when the replica stops', async () => {
    const own = await fx.startReplica('stock-stopping', {}, TUNING);
    const group = await fx.group();
    const account = await fx.account(group, { concurrency: 64 });
    await fx.snapshots.write(mixedBucket(group), [account]);
    // Only this replica serves the group's selects: the shared one is asked directly.
    const first = await own.scheduler.select({
      requestId: 'stock-stop-1',
      groupId: group,
      platform: 'anthropic',
    });
    await fx.slots.release(account.id, first.slot!.token);
    await waitFor('the stock to fill', async () => (await stockOn(account.id)).length === 4);
    await own.stop();
    expect(await stockOn(account.id)).toEqual([]);
  });
});

describe('slot stock across two replicas', () => {
  it('never holds more slots than an account allows, stock included', async () => {
    const env = { SCHED_SLOT_STOCK_MIN_CONCURRENCY: '4', SCHED_FALLBACK_MAX_WAITING: '1000' };
    const replicas = [
      await fx.startReplica('stock-conc-a', env, TUNING),
      await fx.startReplica('stock-conc-b', env, TUNING),
    ];
    const concurrency = 16;
    const group = await fx.group();
    const accounts: Account[] = [];
    for (let i = 0; i < 3; i++) accounts.push(await fx.account(group, { concurrency }));
    await fx.snapshots.write(mixedBucket(group), accounts);
    const slotKeys = new Set(accounts.map((a) => fx.keys.slots(a.id)));
    const timeline = new SlotTimeline((key) => slotKeys.has(key));
    await timeline.attach(fx.redis);
    const client = createSchedulerClient(fx.bus.nc, { timeoutMs: 20_000 });
    let fromStock = 0;
    let served = 0;
    // 600 requests, 60 at a time: each holds its slot 1-5 ms; a wait plan or refusal retries.
    const run = async (n: number): Promise<void> => {
      for (;;) {
        let result: SelectResult;
        try {
          result = await client.select({
            requestId: `sc-${n}`,
            groupId: group,
            platform: 'anthropic',
          });
        } catch (error) {
          if (error instanceof BusRemoteError && error.code === 'no_available_accounts') {
            await sleep(5);
            continue;
          }
          throw error;
        }
        if (result.slot === undefined) {
          await sleep(5);
          continue;
        }
        if (isStock(result.slot.token)) fromStock += 1;
        served += 1;
        await sleep(1 + (n % 5));
        expect(await fx.slots.release(result.account.id, result.slot.token)).toBe(true);
        return;
      }
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: 60 }, async () => {
        while (next < 600) await run(next++);
      }),
    );
    await timeline.detach(fx.redis, 'stock-conc-done');
    expect(served).toBe(600);
    expect(fromStock).toBeGreaterThan(0);
    for (const holders of timeline.maxHolders().values()) {
      expect(holders).toBeLessThanOrEqual(concurrency);
    }
    for (const r of [replica, ...replicas]) await r.stop();
    // Stopped replicas leave nothing behind: every slot was released or given back.
    for (const account of accounts) expect(await fx.redis.zcard(fx.keys.slots(account.id))).toBe(0);
  });
});
