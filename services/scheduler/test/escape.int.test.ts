import type { SelectRequestInput, SelectResult } from '@switchyard/contracts';
import { readSessionBinding } from '@switchyard/redis';
import { startSchedulerFixture, waitFor } from './scheduler-fixture.js';
import type { Replica, SchedulerFixture } from './scheduler-fixture.js';

let fx: SchedulerFixture;
let replica: Replica;
let requestNo = 0;

beforeAll(async () => {
  fx = await startSchedulerFixture();
  // Top K = 1: the load balancer then always takes the best score, so where an escaped request
  // goes is deterministic (with K > 1 the weighted draw may still land on the escaped account,
  // which stays a candidate — only its binding is skipped).
  replica = await fx.startReplica('escape-a', { SCHED_TOP_K: '1' });
});

afterAll(async () => {
  await fx?.stop();
});

async function selectReleased(
  groupId: number,
  sessionHash: string,
  select: (req: SelectRequestInput) => Promise<SelectResult> = (req) => fx.client.select(req),
): Promise<SelectResult> {
  requestNo += 1;
  const result = await select({
    requestId: `esc-${requestNo}`,
    groupId,
    platform: 'anthropic',
    sessionHash,
  });
  if (result.slot !== undefined) await fx.slots.release(result.account.id, result.slot.token);
  return result;
}

/** A group of three accounts and a session bound to one of them. */
async function boundSession(
  sessionHash: string,
): Promise<{ group: number; bound: number; others: number[] }> {
  const group = await fx.group();
  const ids: number[] = [];
  for (let i = 0; i < 3; i++) ids.push((await fx.account(group)).id);
  const first = await selectReleased(group, sessionHash);
  const bound = first.account.id;
  return { group, bound, others: ids.filter((id) => id !== bound) };
}

describe('sticky escape, end to end with reports', () => {
  it('skips a session account whose EWMA TTFT is above the threshold, keeps the binding and logs it', async () => {
    const { group, bound, others } = await boundSession('slow-session');
    fx.client.report({ accountId: bound, success: true, firstTokenMs: 20_000 });
    for (const id of others) fx.client.report({ accountId: id, success: true, firstTokenMs: 500 });
    await waitFor('the reports', () =>
      [bound, ...others].every((id) => replica.scheduler.stats(id) !== null),
    );
    expect(replica.scheduler.stats(bound)?.ttftMs).toBe(20_000);

    const escaped = await selectReleased(group, 'slow-session');
    expect(escaped.account.id).not.toBe(bound);
    expect(escaped.decision).toMatchObject({ layer: 'load_balance', escapeReason: 'ttft' });
    // Served elsewhere for now, the session keeps its binding: no lease on either account.
    expect(escaped.lease).toBeUndefined();
    expect(await readSessionBinding(fx.redis, fx.keys, group, 'slow-session')).toBe(bound);
    expect(replica.logs).toContainEqual(
      expect.objectContaining({
        msg: 'sticky_escape_triggered',
        accountId: bound,
        reason: 'ttft',
        ttftMs: 20_000,
        errorRate: 0,
      }),
    );
    const metrics = await fx.client.metrics('escape-a');
    expect(metrics.escapes).toBeGreaterThanOrEqual(1);
    expect(metrics.switches).toBeGreaterThanOrEqual(1);
  });

  it('skips a session account whose EWMA error rate is above the threshold', async () => {
    const { group, bound } = await boundSession('failing-session');
    // 1 − 0.8⁴ ≈ 0.59 > 0.5 after four failures in a row (α = 0.2).
    for (let i = 0; i < 4; i++)
      fx.client.report({ accountId: bound, success: false, statusCode: 500 });
    await waitFor('the reports', () => replica.scheduler.stats(bound)?.samples === 4);
    expect(replica.scheduler.stats(bound)?.errorRate).toBeCloseTo(1 - 0.8 ** 4);

    const escaped = await selectReleased(group, 'failing-session');
    expect(escaped.account.id).not.toBe(bound);
    expect(escaped.decision.escapeReason).toBe('error_rate');
    expect(await readSessionBinding(fx.redis, fx.keys, group, 'failing-session')).toBe(bound);
  });

  it('returns to the bound account once its statistics recover', async () => {
    const { group, bound } = await boundSession('recovering-session');
    for (let i = 0; i < 4; i++) fx.client.report({ accountId: bound, success: false });
    await waitFor('the failures', () => replica.scheduler.stats(bound)?.samples === 4);
    expect((await selectReleased(group, 'recovering-session')).account.id).not.toBe(bound);
    for (let i = 0; i < 3; i++) fx.client.report({ accountId: bound, success: true });
    await waitFor('the successes', () => replica.scheduler.stats(bound)?.samples === 7);
    const back = await selectReleased(group, 'recovering-session');
    expect(back.account.id).toBe(bound);
    expect(back.decision.layer).toBe('session');
  });

  it('does not escape when SCHED_STICKY_ESCAPE_ENABLED is false', async () => {
    const strict = await fx.startReplica('escape-off', { SCHED_STICKY_ESCAPE_ENABLED: 'false' });
    const { group, bound } = await boundSession('strict-session');
    fx.client.report({ accountId: bound, success: false, firstTokenMs: 60_000 });
    await waitFor('the report', () => strict.scheduler.stats(bound) !== null);
    // In process, so the selects reach this replica and not the queue group.
    for (let i = 0; i < 5; i++) {
      const result = await selectReleased(group, 'strict-session', (req) =>
        strict.scheduler.select(req),
      );
      expect(result.account.id).toBe(bound);
      expect(result.decision).toMatchObject({ layer: 'session', escapeReason: null });
    }
    await strict.stop();
  });
});
