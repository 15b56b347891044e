import { createSchedulerClient } from '@switchyard/bus';
import type { SelectResult } from '@switchyard/contracts';
import { DEFAULT_SCHEDULER_TUNING } from '@switchyard/scheduler';
import type { Account } from '@switchyard/domain';
import { mixedBucket, startSchedulerFixture, waitFor } from './scheduler-fixture.js';
import { spawnSchedulerProcess } from './scheduler-process.js';
import type { SchedulerFixture } from './scheduler-fixture.js';

let fx: SchedulerFixture;

beforeAll(async () => {
  fx = await startSchedulerFixture();
});

afterAll(async () => {
  await fx?.stop();
});

async function seedGroup(
  count: number,
  concurrency: number,
): Promise<{ group: number; accounts: Account[] }> {
  const group = await fx.group();
  const accounts: Account[] = [];
  for (let i = 0; i < count; i++) accounts.push(await fx.account(group, { concurrency }));
  await fx.snapshots.write(mixedBucket(group), accounts);
  return { group, accounts };
}

describe('two scheduler replicas', () => {
  it('applies a report sent once on both replicas', async () => {
    const a = await fx.startReplica('fan-a');
    const b = await fx.startReplica('fan-b');
    const { accounts } = await seedGroup(1, 3);
    const id = accounts[0]!.id;
    const before = [
      (await fx.client.metrics('fan-a')).accountsWithStats,
      (await fx.client.metrics('fan-b')).accountsWithStats,
    ];

    fx.client.report({ accountId: id, success: false, firstTokenMs: 900, statusCode: 529 });

    await waitFor(
      'both replicas to apply it',
      () => a.scheduler.stats(id) !== null && b.scheduler.stats(id) !== null,
    );
    for (const replica of [a, b]) {
      expect(replica.scheduler.stats(id)).toMatchObject({
        samples: 1,
        errorRate: 0.2,
        ttftMs: 900,
      });
    }
    const after = [
      (await fx.client.metrics('fan-a')).accountsWithStats,
      (await fx.client.metrics('fan-b')).accountsWithStats,
    ];
    expect(after).toEqual([before[0]! + 1, before[1]! + 1]);
    await a.stop();
    await b.stop();
  });

  it('loses no select when one replica is killed mid-run: the client retries on the other', async () => {
    const { group, accounts } = await seedGroup(10, 100);
    const bucket = mixedBucket(group);
    const doomed = await spawnSchedulerProcess(
      {
        NATS_URL: fx.harness.natsUrl,
        REDIS_URL: fx.harness.redisUrl,
        DATABASE_URL: fx.harness.databaseUrl,
        SERVICE_INSTANCE_ID: 'kill-a',
      },
      fx.client,
    );
    const survivor = await fx.startReplica('kill-b');
    await survivor.scheduler.preload([bucket]);
    // Counts what the client puts on the wire: more requests than selects means retries.
    let sent = 0;
    const nc = new Proxy(fx.bus.nc, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop);
        if (prop === 'publish') {
          return (...args: Parameters<typeof target.publish>) => {
            if (args[0] === 'sched.v1.select') sent += 1;
            return target.publish(...args);
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const client = createSchedulerClient(nc, { timeoutMs: 1500 });
    const total = 600;
    const results: SelectResult[] = [];
    let started = 0;
    // 30 selects in flight at any time; the doomed replica is SIGKILLed a third of the way
    // through, with requests of its own in flight.
    const worker = async (): Promise<void> => {
      while (started < total) {
        const n = started++;
        if (n === total / 3) doomed.kill();
        results.push(
          await client.select({ requestId: `kill-${n}`, groupId: group, platform: 'anthropic' }),
        );
      }
    };
    await Promise.all(Array.from({ length: 30 }, worker));
    await doomed.exited;

    expect(results).toHaveLength(total);
    expect(results.every((r) => r.slot !== undefined)).toBe(true);
    expect(sent).toBeGreaterThan(total);
    // Each request holds exactly one slot, also those whose first reply died with the replica:
    // the retry found the slot the first attempt took instead of taking a second.
    const held = new Map<string, number>();
    for (const account of accounts) {
      const members = await fx.redis.zrange(fx.keys.slots(account.id), 0, -1, 'WITHSCORES');
      for (let i = 0; i < members.length; i += 2) {
        held.set(`${account.id}/${members[i]!}`, Number(members[i + 1]));
      }
    }
    const answered = results.map((r) => `${r.account.id}/${r.slot!.token}`);
    expect(new Set(answered).size).toBe(total);
    expect(answered.filter((slot) => !held.has(slot))).toEqual([]);
    // Every other slot is replica stock (SlotStock): short-lived, so stock orphaned by the
    // killed replica frees itself within the stock's life; none is a request's second slot.
    const now = Date.now();
    const others = [...held.entries()].filter(([slot]) => !answered.includes(slot));
    expect(others.filter(([slot]) => !slot.includes('/stock:'))).toEqual([]);
    const stockLife = DEFAULT_SCHEDULER_TUNING.stockTtlMs;
    expect(others.filter(([, expiresAt]) => expiresAt > now + stockLife)).toEqual([]);
    await survivor.stop();
  });
});
