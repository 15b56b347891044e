import { BusRemoteError, createSchedulerClient } from '@switchyard/bus';
import type { SelectResult } from '@switchyard/contracts';
import type { Account } from '@switchyard/domain';
import { mixedBucket, startSchedulerFixture, sleep } from './scheduler-fixture.js';
import type { Replica, SchedulerFixture } from './scheduler-fixture.js';
import { SlotTimeline } from './slot-timeline.js';

const REQUESTS = 2000;
const ACCOUNTS = 5;
const CONCURRENCY = 3;

let fx: SchedulerFixture;
let replicas: Replica[];

beforeAll(async () => {
  fx = await startSchedulerFixture();
  // Queues as long as the burst: every request gets a slot or a place in a queue, none is
  // refused and sent round again (which would only multiply Redis traffic in this test).
  const env = { SCHED_FALLBACK_MAX_WAITING: String(REQUESTS) };
  replicas = [await fx.startReplica('conc-a', env), await fx.startReplica('conc-b', env)];
});

afterAll(async () => {
  await fx?.stop();
});

/** A random integer in [min, max]. */
function between(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}

describe('concurrency across two scheduler replicas', () => {
  it(`never holds more than ${CONCURRENCY} slots on any account, over ${REQUESTS} concurrent selects`, async () => {
    const group = await fx.group();
    const accounts: Account[] = [];
    for (let i = 0; i < ACCOUNTS; i++) {
      accounts.push(await fx.account(group, { concurrency: CONCURRENCY }));
    }
    const bucket = mixedBucket(group);
    await fx.snapshots.write(bucket, accounts);
    const slotKeys = new Set(accounts.map((a) => fx.keys.slots(a.id)));
    const timeline = new SlotTimeline((key) => slotKeys.has(key));
    await timeline.attach(fx.redis);

    // A generous budget: 2,000 selects in one burst on a shared 2-core machine queue up.
    const client = createSchedulerClient(fx.bus.nc, { timeoutMs: 20_000 });
    const served = new Map<string, number>();
    const outcomes = { slot: 0, waited: 0, refused: 0 };

    // Waiters queue in memory per account and are woken when a holder releases there, with a
    // slow poll as a safety net; every slot is still taken through the Redis scripts.
    const wakeups = new Map<number, (() => void)[]>();
    const nap = (accountId: number) =>
      new Promise<void>((resolve) => {
        const list = wakeups.get(accountId) ?? [];
        wakeups.set(accountId, list);
        const wake = () => {
          clearTimeout(timer);
          list.splice(list.indexOf(wake) >>> 0, 1);
          resolve();
        };
        const timer = setTimeout(wake, between(500, 1000));
        list.push(wake);
      });
    const release = async (accountId: number, token: string) => {
      expect(await fx.slots.release(accountId, token)).toBe(true);
      wakeups.get(accountId)?.[0]?.();
    };

    // One client request, as a gateway runs it: select; hold the slot a few ms; release. A wait
    // plan means queueing on that account and taking a slot when one frees; a refusal means
    // asking again a little later.
    const run = async (n: number): Promise<void> => {
      const requestId = `conc-${n}`;
      for (;;) {
        let result: SelectResult;
        try {
          result = await client.select({ requestId, groupId: group, platform: 'anthropic' });
        } catch (error) {
          if (error instanceof BusRemoteError && error.code === 'no_available_accounts') {
            outcomes.refused += 1;
            await sleep(between(20, 50));
            continue;
          }
          throw error;
        }
        let accountId = result.account.id;
        if (result.slot !== undefined) {
          outcomes.slot += 1;
        } else {
          const plan = result.waitPlan;
          accountId = plan.accountId;
          if (!(await fx.slots.enterWait(accountId, requestId, plan))) {
            outcomes.refused += 1;
            await sleep(between(20, 50));
            continue;
          }
          outcomes.waited += 1;
          while ((await fx.slots.acquire(accountId, requestId, plan.maxConcurrency)) === null) {
            await nap(accountId);
          }
          await fx.slots.leaveWait(accountId, requestId);
        }
        served.set(requestId, accountId);
        await sleep(between(1, 5));
        await release(accountId, requestId);
        return;
      }
    };
    await Promise.all(Array.from({ length: REQUESTS }, (_, n) => run(n)));
    await timeline.detach(fx.redis, 'conc-done');

    expect(served.size).toBe(REQUESTS);
    expect(outcomes.slot + outcomes.waited).toBe(REQUESTS);
    // Every request took exactly one slot, and at no instant did an account hold more than 3.
    expect(timeline.admissions).toBe(REQUESTS);
    const max = timeline.maxHolders();
    expect([...max.keys()].sort()).toEqual([...slotKeys].sort());
    for (const holders of max.values()) expect(holders).toBeLessThanOrEqual(CONCURRENCY);
    // The limit was actually contended, not trivially respected.
    expect(Math.max(...max.values())).toBe(CONCURRENCY);
    expect(outcomes.waited).toBeGreaterThan(0);
    // Both replicas answered selects.
    for (const replica of replicas) {
      expect(replica.scheduler.metrics().selectTotal).toBeGreaterThan(0);
    }
    for (const account of accounts) {
      expect(await fx.redis.zcard(fx.keys.slots(account.id))).toBe(0);
    }
  });
});
