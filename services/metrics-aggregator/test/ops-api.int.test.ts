import { serve } from '@switchyard/bus';
import type { MetricsSnapshot } from '@switchyard/contracts';
import { Subjects, metricsRequestSchema } from '@switchyard/contracts';
import { startHarness, type Harness } from '@switchyard/harness';
import type { AccountAvailability, Overview, TrendPoint } from '../src/index.js';
import { floorHour, runDailyRollup, runHourlyAggregation } from '../src/index.js';
import type { RunningAggregator } from './fixture.js';
import { startAggregator } from './fixture.js';
import { listen } from './http-server.js';
import { percentileContOf } from './reference-metrics.js';
import type { Seeded } from './seed.js';
import { seedOpsData } from './seed.js';

describe('ops API', () => {
  let harness: Harness<{ nats: true; redis: true; migrate: true }>;
  let running: RunningAggregator;
  let server: { url: string; close(): Promise<void> };
  let seeded: Seeded;
  const now = Date.now();

  beforeAll(async () => {
    harness = await startHarness({ nats: true, redis: true, migrate: true });
    running = await startAggregator(harness, {
      clock: () => now,
      tuning: { ingest: false, schedulerTimeoutMs: 300 },
    });
    seeded = await seedOpsData(running.db, now);
    await runHourlyAggregation(running.db, running.aggregator.settings, now);
    await runDailyRollup(running.db, running.aggregator.settings, now);
    server = await listen(running.aggregator.handler);
  });
  afterAll(async () => {
    await server?.close();
    await running?.stop();
    await harness?.stop();
  });

  const get = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const res = await fetch(server.url + path);
    return { status: res.status, body: (await res.json()) as T };
  };

  // Everything seeded, and what of it falls in a time range or in the hours the job closed.
  const allUsage = () => [...seeded.history.usage, ...seeded.recent.usage];
  const allErrors = () => [...seeded.history.errors, ...seeded.recent.errors];
  const closedHoursEnd = floorHour(now - 5 * 60_000);

  it('overview: rates and exact percentiles of the last minutes', async () => {
    const { status, body } = await get<Overview>('/api/ops/overview?window=900');
    expect(status).toBe(200);
    const inWindow = (t: number) => t >= now - 900_000 && t < now;
    const usage = allUsage().filter((u) => inWindow(u.occurredAt));
    const errors = allErrors().filter((e) => inWindow(e.occurredAt) && !e.isCountTokens);
    expect(usage.length).toBeGreaterThanOrEqual(seeded.recent.usage.length);
    expect(body.successCount).toBe(usage.length);
    expect(body.errorCount).toBe(errors.length);
    expect(body.qps).toBeCloseTo((usage.length + errors.length) / 900, 9);
    expect(body.errorRate).toBeCloseTo(errors.length / (usage.length + errors.length), 9);
    expect(body.slaErrorCount).toBe(
      errors.filter((e) => e.statusCode >= 400 && !e.isBusinessLimited).length,
    );
    const durations = usage
      .filter((u) => !u.isCountTokens)
      .map((u) => u.durationMs)
      .sort((a, b) => a - b);
    expect(body.durationP50Ms).toBeCloseTo(percentileContOf(durations, 0.5)!, 6);
    expect(body.durationP99Ms).toBeCloseTo(percentileContOf(durations, 0.99)!, 6);
    const tokens = usage.reduce(
      (s, u) => s + u.inputTokens + u.outputTokens + u.cacheCreationTokens + u.cacheReadTokens,
      0,
    );
    expect(body.tokensPerSecond).toBeCloseTo(tokens / 900, 9);
  });

  it('overview: filtered to one platform, unknown included', async () => {
    const { body } = await get<Overview>('/api/ops/overview?window=900&platform=unknown');
    expect(body.successCount).toBe(0);
    expect(body.errorCount).toBe(
      allErrors().filter(
        (e) =>
          e.platform === null &&
          !e.isCountTokens &&
          e.occurredAt >= now - 900_000 &&
          e.occurredAt < now,
      ).length,
    );
  });

  it('trends: hourly and daily points of the requested slice', async () => {
    const hourly = await get<{ points: TrendPoint[] }>('/api/ops/trends?granularity=hour');
    expect(hourly.status).toBe(200);
    expect(hourly.body.points.length).toBeGreaterThanOrEqual(30);
    const aggregated = allUsage().filter((u) => u.occurredAt < closedHoursEnd);
    expect(hourly.body.points.reduce((s, p) => s + p.successCount, 0)).toBe(aggregated.length);
    const daily = await get<{ points: TrendPoint[] }>('/api/ops/trends?granularity=day');
    expect(daily.body.points.reduce((s, p) => s + p.successCount, 0)).toBe(aggregated.length);
    const ungrouped = await get<{ points: TrendPoint[]; platform: string; groupId: number }>(
      '/api/ops/trends?granularity=day&platform=openai&group=0',
    );
    expect(ungrouped.body).toMatchObject({ platform: 'openai', groupId: 0 });
    expect(ungrouped.body.points.reduce((s, p) => s + p.successCount, 0)).toBe(
      aggregated.filter((u) => u.platform === 'openai' && u.groupId === null).length,
    );
    const point = hourly.body.points.find((p) => p.successCount > 0)!;
    expect(point.duration.p99).toBeGreaterThanOrEqual(point.duration.p50!);
  });

  it('answers 400 naming the parameter for a bad query', async () => {
    const noPlatform = await get<{ error: { code: string; message: string } }>(
      '/api/ops/trends?group=1',
    );
    expect(noPlatform.status).toBe(400);
    expect(noPlatform.body.error.message).toMatch(/group needs platform/);
    const badWindow = await get<{ error: { code: string; message: string } }>(
      '/api/ops/overview?window=abc',
    );
    expect(badWindow.status).toBe(400);
    expect(badWindow.body.error).toMatchObject({ code: 'bad_request' });
    expect((await get('/api/ops/nope')).status).toBe(404);
  });

  it('error distribution by status, owner and platform', async () => {
    const from = new Date(now - 3_600_000).toISOString();
    const to = new Date(now).toISOString();
    const { body } = await get<{
      total: number;
      byStatus: { statusCode: number; count: number }[];
      byOwner: { owner: string; count: number }[];
      byPlatform: { platform: string; count: number }[];
    }>(`/api/ops/errors?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    const inWindow = [...seeded.history.errors, ...seeded.recent.errors].filter(
      (e) => !e.isCountTokens && e.occurredAt >= now - 3_600_000 && e.occurredAt < now,
    );
    expect(body.total).toBe(inWindow.length);
    expect(body.byStatus.reduce((s, r) => s + r.count, 0)).toBe(inWindow.length);
    expect(body.byOwner.reduce((s, r) => s + r.count, 0)).toBe(inWindow.length);
    expect(body.byPlatform.find((r) => r.platform === 'unknown')?.count).toBe(
      inWindow.filter((e) => e.platform === null).length,
    );
  });

  it('account availability per platform and group', async () => {
    const { body } = await get<AccountAvailability>('/api/ops/accounts');
    for (const platform of ['anthropic', 'openai', 'gemini']) {
      const row = body.rows.find((r) => r.platform === platform && r.groupId === null)!;
      const mine = seeded.accounts.filter((a) => a.platform === platform);
      expect(row.counts.total).toBe(mine.length);
      for (const state of [
        'schedulable',
        'rate_limited',
        'overloaded',
        'temp_unschedulable',
        'error',
        'disabled',
      ] as const) {
        expect([platform, state, row.counts[state]]).toEqual([
          platform,
          state,
          mine.filter((a) => a.state === state).length,
        ]);
      }
    }
    const ungroupedAnthropic = body.rows.find(
      (r) => r.platform === 'anthropic' && r.groupId === 0,
    )!;
    expect(ungroupedAnthropic.counts).toMatchObject({ total: 1, overloaded: 1 });
    expect(body.unavailable.map((a) => a.state).sort()).toEqual([
      'disabled',
      'error',
      'overloaded',
      'rate_limited',
      'temp_unschedulable',
    ]);
  });

  it('scheduler metrics from every replica, 503 when none answers', async () => {
    const none = await get<{ replicas: unknown[]; error: string | null }>('/api/ops/scheduler');
    expect(none.status).toBe(503);
    expect(none.body.replicas).toEqual([]);
    const snapshot = (replicaId: string): MetricsSnapshot => ({
      replicaId,
      selectTotal: 100,
      previousResponseHits: 5,
      sessionHits: 40,
      loadBalanceSelects: 55,
      switches: 3,
      escapes: 1,
      decisionLatencyAvgUs: 80,
      decisionLatencyP99Us: 400,
      stickyHitRatio: 0.45,
      switchRate: 0.03,
      loadSkewAvg: 0.2,
      accountsWithStats: 9,
    });
    const replicas = ['sched-1', 'sched-2'].map((id) =>
      serve(running.bus.nc, Subjects.schedMetrics, {
        requestSchema: metricsRequestSchema,
        handler: async () => snapshot(id),
      }),
    );
    try {
      await running.bus.nc.flush();
      const { status, body } = await get<{ replicas: MetricsSnapshot[] }>('/api/ops/scheduler');
      expect(status).toBe(200);
      expect(body.replicas.map((r) => r.replicaId).sort()).toEqual(['sched-1', 'sched-2']);
      expect(body.replicas[0]).toMatchObject({ selectTotal: 100, stickyHitRatio: 0.45 });
    } finally {
      replicas.forEach((r) => r.stop());
    }
  });
});
