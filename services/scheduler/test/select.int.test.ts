import { BusRemoteError, request } from '@switchyard/bus';
import { AccountEventType, Subjects } from '@switchyard/contracts';
import type { SelectRequestInput, SelectResult } from '@switchyard/contracts';
import { sql } from 'kysely';
import type { Account } from '@switchyard/domain';
import { bindResponse, readSessionBinding, sessionBindingKey } from '@switchyard/redis';
import { mixedBucket, startSchedulerFixture, waitFor } from './scheduler-fixture.js';
import type { Replica, SchedulerFixture } from './scheduler-fixture.js';

let fx: SchedulerFixture;
let replica: Replica;

beforeAll(async () => {
  fx = await startSchedulerFixture();
  replica = await fx.startReplica('select-a');
});

afterAll(async () => {
  await fx?.stop();
});

/** Selects and releases at once, `count` times; returns the accounts answered. */
async function selectMany(
  count: number,
  groupId: number,
  extra: Partial<SelectRequestInput> = {},
): Promise<SelectResult[]> {
  const results: SelectResult[] = [];
  for (let i = 0; i < count; i++) {
    const result = await fx.selectIn(groupId, extra);
    results.push(result);
    if (result.slot !== undefined) await fx.slots.release(result.account.id, result.slot.token);
  }
  return results;
}

describe('sched.v1.select', () => {
  it('answers with a slot on an account of the bucket, read from Postgres when there is no snapshot', async () => {
    const group = await fx.group();
    const a = await fx.account(group);
    await fx.account(null); // ungrouped: not in this group's bucket
    const result = await fx.selectIn(group);
    expect(result.account).toEqual({
      id: a.id,
      platform: 'anthropic',
      type: 'apikey',
      concurrency: 3,
    });
    expect(result.slot).toMatchObject({ acquired: true, token: fx.lastRequestId });
    expect(result.decision).toMatchObject({ layer: 'load_balance', candidateCount: 1, topK: 1 });
    expect(result.decision.score?.total).toBeGreaterThan(0);
    expect(replica.scheduler.bucketVersion(mixedBucket(group))).toBe(0);
    expect(await fx.redis.zscore(fx.keys.slots(a.id), fx.lastRequestId)).not.toBeNull();
  });

  it('never selects an account the snapshot still lists as rate-limited, overloaded or temporarily out', async () => {
    const group = await fx.group();
    const now = Date.now();
    const good = await fx.account(group);
    const limited = { ...(await fx.account(group)), rateLimitResetAt: now + 600_000 };
    const overloaded = { ...(await fx.account(group)), overloadUntil: now + 600_000 };
    const out = { ...(await fx.account(group)), tempUnschedulableUntil: now + 600_000 };
    await fx.snapshots.write(mixedBucket(group), [good, limited, overloaded, out]);
    const results = await selectMany(40, group);
    expect(new Set(results.map((r) => r.account.id))).toEqual(new Set([good.id]));
    expect(results.every((r) => r.decision.candidateCount === 1)).toBe(true);
  });

  it('stops selecting an account the moment an account_state event says it is rate limited', async () => {
    const group = await fx.group();
    const a = await fx.account(group);
    const b = await fx.account(group);
    await fx.snapshots.write(mixedBucket(group), [a, b]);
    await selectMany(1, group);
    expect(replica.scheduler.isSelectable(a.id, mixedBucket(group))).toBe(true);
    fx.bus.nc.publish(
      Subjects.accountEvent(AccountEventType.AccountState),
      JSON.stringify({
        type: AccountEventType.AccountState,
        eventId: `evt-${a.id}`,
        occurredAt: Date.now(),
        accountId: a.id,
        rateLimitResetAt: Date.now() + 600_000,
        observedAt: Date.now(),
      }),
    );
    await waitFor(
      'the event to apply',
      () => !replica.scheduler.isSelectable(a.id, mixedBucket(group)),
    );
    const results = await selectMany(30, group);
    expect(results.every((r) => r.account.id === b.id)).toBe(true);
  });

  it('reloads a bucket on snap.v1.updated', async () => {
    const group = await fx.group();
    const a = await fx.account(group);
    const b = await fx.account(group);
    const first = await fx.snapshots.write(mixedBucket(group), [a]);
    await selectMany(1, group);
    expect(replica.scheduler.bucketVersion(mixedBucket(group))).toBe(first.version);
    const second = await fx.snapshots.write(mixedBucket(group), [b]);
    fx.bus.nc.publish(
      Subjects.snapUpdated(mixedBucket(group)),
      JSON.stringify({ bucket: mixedBucket(group), version: second.version, accountCount: 1 }),
    );
    await waitFor(
      'the reload',
      () => replica.scheduler.bucketVersion(mixedBucket(group)) === second.version,
    );
    const results = await selectMany(5, group);
    expect(results.every((r) => r.account.id === b.id)).toBe(true);
  });

  it('keeps a session on one account over 20 selects', async () => {
    const group = await fx.group();
    for (let i = 0; i < 5; i++) await fx.account(group);
    const results = await selectMany(20, group, { sessionHash: 'session-20' });
    const first = results[0]!;
    expect(first.decision.layer).toBe('load_balance');
    expect(results.every((r) => r.account.id === first.account.id)).toBe(true);
    expect(results.slice(1).every((r) => r.decision.layer === 'session')).toBe(true);
    expect(await readSessionBinding(fx.redis, fx.keys, group, 'session-20')).toBe(first.account.id);
  });

  it('leases the bound account of a session with its answers, and nothing else', async () => {
    const group = await fx.group();
    for (let i = 0; i < 3; i++) await fx.account(group);
    const results = await selectMany(5, group, { sessionHash: 'session-lease' });
    // The first select binds the session, so every answer carries the default lease (10 s).
    for (const result of results) expect(result.lease).toEqual({ ttlMs: 10_000 });
    const [plain] = await selectMany(1, group);
    expect(plain!.lease).toBeUndefined();
    const [failover] = await selectMany(1, group, {
      sessionHash: 'session-lease',
      excludedAccountIds: [results[0]!.account.id],
    });
    expect(failover!.account.id).not.toBe(results[0]!.account.id);
    expect(failover!.lease).toBeUndefined();
    const [following] = await selectMany(1, group, {
      sessionHash: 'session-lease-2',
      previousResponseId: 'resp_none',
    });
    expect(following!.lease).toBeUndefined();
  });

  it('grants no lease with SCHED_SESSION_LEASE_MS=0', async () => {
    const off = await fx.startReplica('lease-off', { SCHED_SESSION_LEASE_MS: '0' });
    const group = await fx.group();
    await fx.account(group);
    for (let i = 0; i < 3; i++) {
      const result = await off.scheduler.select({
        requestId: `lease-off-${i}`,
        groupId: group,
        platform: 'anthropic',
        sessionHash: 'no-lease',
      });
      expect(result.slot).toBeDefined();
      expect(result.lease).toBeUndefined();
      await fx.slots.release(result.account.id, result.slot!.token);
    }
    await off.stop();
  });

  it('follows a session that another replica rebound since this one last saw it', async () => {
    const group = await fx.group();
    const a = await fx.account(group);
    const b = await fx.account(group);
    const inProcess = (req: SelectRequestInput) => replica.scheduler.select(req);
    const first = await inProcess({
      requestId: 'moved-1',
      groupId: group,
      platform: 'anthropic',
      sessionHash: 'moved',
    });
    await fx.slots.release(first.account.id, 'moved-1');
    const other = first.account.id === a.id ? b : a;
    // What another replica would have written: the session now lives on the other account.
    await fx.redis.set(sessionBindingKey(fx.keys, group, 'moved'), String(other.id));
    const second = await inProcess({
      requestId: 'moved-2',
      groupId: group,
      platform: 'anthropic',
      sessionHash: 'moved',
    });
    expect(second.account.id).toBe(other.id);
    expect(second.decision.layer).toBe('session');
    // And one that was dropped elsewhere: load balance again, and bind anew.
    await fx.slots.release(second.account.id, 'moved-2');
    await fx.redis.del(sessionBindingKey(fx.keys, group, 'moved'));
    const third = await inProcess({
      requestId: 'moved-3',
      groupId: group,
      platform: 'anthropic',
      sessionHash: 'moved',
    });
    expect(third.decision.layer).toBe('load_balance');
    expect(await readSessionBinding(fx.redis, fx.keys, group, 'moved')).toBe(third.account.id);
  });

  it('sends a previous response to its account even when the session is bound elsewhere', async () => {
    const group = await fx.group();
    const a = await fx.account(group);
    const b = await fx.account(group);
    const [bound] = await selectMany(1, group, { sessionHash: 'conv-1' });
    const other = bound!.account.id === a.id ? b : a;
    await bindResponse(fx.redis, fx.keys, {
      groupId: group,
      responseId: 'resp_abc',
      accountId: other.id,
    });
    const [result] = await selectMany(1, group, {
      sessionHash: 'conv-1',
      previousResponseId: 'resp_abc',
    });
    expect(result!.account.id).toBe(other.id);
    expect(result!.decision.layer).toBe('previous_response');
    // The session follows the conversation's account.
    expect(await readSessionBinding(fx.redis, fx.keys, group, 'conv-1')).toBe(other.id);
  });

  it('returns the slot it already holds when a select is retried with the same request id', async () => {
    const group = await fx.group();
    const accounts: Account[] = [];
    for (let i = 0; i < 4; i++) accounts.push(await fx.account(group));
    const req = { requestId: 'retried-1', groupId: group, platform: 'anthropic' as const };
    const first = await fx.client.select(req);
    const second = await fx.client.select(req);
    expect(second.account.id).toBe(first.account.id);
    expect(second.slot?.token).toBe(first.slot?.token);
    const holders = async () => {
      const held: number[] = [];
      for (const { id } of accounts) {
        if ((await fx.redis.zscore(fx.keys.slots(id), 'retried-1')) !== null) held.push(id);
      }
      return held;
    };
    expect(await holders()).toEqual([first.account.id]);
    // A failover (the first account excluded) moves the request and frees the first slot.
    const moved = await fx.client.select({ ...req, excludedAccountIds: [first.account.id] });
    expect(moved.account.id).not.toBe(first.account.id);
    expect(await holders()).toEqual([moved.account.id]);
  });

  it('answers a wait plan with the fallback limits when every account is full', async () => {
    const group = await fx.group();
    await fx.account(group, { concurrency: 1 });
    await fx.account(group, { concurrency: 1 });
    const taken = [await fx.selectIn(group), await fx.selectIn(group)];
    expect(taken.every((r) => r.slot !== undefined)).toBe(true);
    const waiting = await fx.selectIn(group);
    expect(waiting.slot).toBeUndefined();
    expect(waiting.waitPlan).toMatchObject({
      maxConcurrency: 1,
      timeoutMs: 30_000,
      maxWaiting: 100,
    });
    expect(taken.map((r) => r.account.id)).toContain(waiting.waitPlan?.accountId);
  });

  it('answers the sticky wait plan when the session account is full', async () => {
    const group = await fx.group();
    const a = await fx.account(group, { concurrency: 1 });
    await fx.snapshots.write(mixedBucket(group), [a]);
    const first = await fx.selectIn(group, { sessionHash: 'busy' });
    expect(first.slot).toBeDefined();
    const second = await fx.selectIn(group, { sessionHash: 'busy' });
    expect(second.decision.layer).toBe('session');
    expect(second.waitPlan).toEqual({
      accountId: a.id,
      maxConcurrency: 1,
      timeoutMs: 120_000,
      maxWaiting: 3,
    });
  });

  it('answers no_available_accounts when every account is excluded', async () => {
    const group = await fx.group();
    const a = await fx.account(group);
    await expect(fx.selectIn(group, { excludedAccountIds: [a.id] })).rejects.toMatchObject({
      name: 'BusRemoteError',
      code: 'no_available_accounts',
      retryable: false,
    });
  });

  it('answers invalid_request for a malformed select', async () => {
    const error = await request(
      fx.bus.nc,
      Subjects.schedSelect,
      { requestId: '' },
      { timeoutMs: 2000 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BusRemoteError);
    expect(error).toMatchObject({ code: 'invalid_request', retryable: false });
  });

  it('counts selects in the metrics snapshot, on the shared subject and its own', async () => {
    const shared = await fx.client.metrics();
    const own = await fx.client.metrics('select-a');
    expect(shared.replicaId).toBe('select-a');
    expect(own.selectTotal).toBeGreaterThan(0);
    expect(own.loadBalanceSelects + own.sessionHits + own.previousResponseHits).toBeLessThanOrEqual(
      own.selectTotal,
    );
    expect(own.sessionHits).toBeGreaterThanOrEqual(19);
    expect(own.previousResponseHits).toBeGreaterThanOrEqual(1);
    expect(own.decisionLatencyP99Us).toBeGreaterThan(0);
    expect(own.stickyHitRatio).toBeCloseTo(
      (own.sessionHits + own.previousResponseHits) / own.selectTotal,
    );
  });
});

describe('Postgres fallback', () => {
  it('refuses to read Postgres faster than SCHED_DB_FALLBACK_MAX_QPS', async () => {
    const limited = await fx.startReplica('fallback-limited', {
      SCHED_DB_FALLBACK_MAX_QPS: '0.001',
    });
    const g1 = await fx.group();
    const g2 = await fx.group();
    await fx.account(g1);
    await fx.account(g2);
    await limited.scheduler.preload([mixedBucket(g1)]);
    await expect(limited.scheduler.preload([mixedBucket(g2)])).rejects.toMatchObject({
      code: 'unavailable',
      retryable: true,
    });
    // A snapshot needs no Postgres read.
    const a = await fx.account(g2);
    await fx.snapshots.write(mixedBucket(g2), [a]);
    await limited.scheduler.preload([mixedBucket(g2)]);
    expect(limited.scheduler.isSelectable(a.id, mixedBucket(g2))).toBe(true);
    await limited.stop();
  });

  it('gives up on a Postgres read after SCHED_DB_FALLBACK_TIMEOUT_MS', async () => {
    const slow = await fx.startReplica('fallback-slow', { SCHED_DB_FALLBACK_TIMEOUT_MS: '200' });
    const group = await fx.group();
    await fx.account(group);
    // Hold a lock the bucket query must wait for, as a stuck database would make it wait.
    let unlock!: () => void;
    const unlocked = new Promise<void>((resolve) => (unlock = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = fx.db.db.transaction().execute(async (trx) => {
      await sql`lock table account_groups in access exclusive mode`.execute(trx);
      locked();
      await unlocked;
    });
    await isLocked;
    try {
      await expect(slow.scheduler.preload([mixedBucket(group)])).rejects.toMatchObject({
        code: 'timeout',
        retryable: true,
      });
    } finally {
      unlock();
      await holder;
    }
    await slow.stop();
  });
});
