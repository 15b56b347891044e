import type { OpsMetricsRecord } from '@switchyard/db';
import { selectOpsMetrics } from '@switchyard/db';
import { startHarness, type Harness } from '@switchyard/harness';
import { DAY_MS, HOUR_MS, LATENCY_BOUNDS_MS, floorDay, floorHour } from '../src/index.js';
import type { RunningAggregator } from './fixture.js';
import { countRows, publishEvents, startAggregator, waitFor } from './fixture.js';
import type { GeneratedEvents } from './generate-events.js';
import { generateEvents } from './generate-events.js';
import type { ExpectedLatency, ExpectedRow } from './reference-metrics.js';
import { expectedRows, rowId } from './reference-metrics.js';

// Generated traffic goes through the real path — JetStream, ingest, Postgres, the jobs — and
// every hourly and daily row that comes out is compared with a plain computation over the
// generated events.
describe('pre-aggregation over ingested events', () => {
  let harness: Harness<{ nats: true; redis: true; migrate: true }>;
  let running: RunningAggregator;
  let events: GeneratedEvents;
  const now = Date.now();
  // Hours that are closed for the hourly job at `now` (5 min safe delay), over about two days.
  const hourlyTo = floorHour(now - 5 * 60_000);
  const eventsTo = hourlyTo - HOUR_MS;
  const eventsFrom = eventsTo - 30 * HOUR_MS;

  beforeAll(async () => {
    harness = await startHarness({ nats: true, redis: true, migrate: true });
    running = await startAggregator(harness);
    events = generateEvents({
      from: eventsFrom,
      to: eventsTo,
      usage: 4000,
      errors: 1200,
      seed: 42,
    });
    await publishEvents(running.bus, events);
    await waitFor(
      () => countRows(running.db),
      (c) => c.usage === events.usage.length && c.errors === events.errors.length,
    );
    const hourly = await running.aggregator.jobs.hourly.tick(now);
    const daily = await running.aggregator.jobs.daily.tick(now);
    expect([hourly.ran, daily.ran]).toEqual([true, true]);
  });

  afterAll(async () => {
    await running?.stop();
    await harness?.stop();
  });

  function compareLatency(
    actual: OpsMetricsRecord,
    prefix: 'duration' | 'ttft',
    want: ExpectedLatency,
    exact: boolean,
  ): void {
    const col = (name: string) =>
      actual[`${prefix}_${name}` as keyof OpsMetricsRecord] as number | null;
    expect(col('count')).toBe(want.count);
    expect(col('sum_ms')).toBe(want.sum);
    expect(col('max_ms')).toBe(want.max);
    expect(col('avg_ms')).toBe(want.count === 0 ? null : want.sum / want.count);
    ['p50', 'p90', 'p95', 'p99'].forEach((p, i) => {
      const got = col(`${p}_ms`);
      const expected = want.percentiles[i]!;
      if (expected === null) expect(got).toBeNull();
      else expect(got).toBeCloseTo(expected, 6);
      // Daily percentiles come from histograms: within a bucket (2 %, or 1 ms below 100 ms)
      // of the exact value.
      const exactValue = want.exact[i]!;
      if (!exact && exactValue !== null) {
        expect(Math.abs(got! - exactValue)).toBeLessThanOrEqual(want.tolerance[i]!);
      }
    });
    const hist = actual[`${prefix}_hist` as keyof OpsMetricsRecord] as { counts: number[] } | null;
    if (want.count === 0) expect(hist).toBeNull();
    else expect(hist!.counts.reduce((s, c) => s + c, 0)).toBe(want.count);
  }

  function compareRows(actual: OpsMetricsRecord[], expected: ExpectedRow[], exact: boolean): void {
    const byId = new Map(
      expected.map((row) => [rowId(row.bucketStart, row.platform, row.groupId), row]),
    );
    const actualIds = actual.map((r) => rowId(r.bucket_start.getTime(), r.platform, r.group_id));
    expect(new Set(actualIds)).toEqual(new Set(byId.keys()));
    expect(actualIds).toHaveLength(byId.size);
    for (const row of actual) {
      const want = byId.get(rowId(row.bucket_start.getTime(), row.platform, row.group_id))!;
      expect({
        slice: [row.platform, row.group_id],
        success: row.success_count,
        tokens: row.token_consumed,
        errorTotal: row.error_count_total,
        errorSla: row.error_count_sla,
        businessLimited: row.business_limited_count,
        upstreamOther: row.upstream_error_count_excl_429_529,
        upstream429: row.upstream_429_count,
        upstream529: row.upstream_529_count,
      }).toEqual({
        slice: [want.platform, want.groupId],
        success: want.success,
        tokens: want.tokens,
        errorTotal: want.errorTotal,
        errorSla: want.errorSla,
        businessLimited: want.businessLimited,
        upstreamOther: want.upstreamOther,
        upstream429: want.upstream429,
        upstream529: want.upstream529,
      });
      compareLatency(row, 'duration', want.duration, exact);
      compareLatency(row, 'ttft', want.ttft, exact);
    }
  }

  it('writes every hourly row exactly as computed from the raw events, percentiles included', async () => {
    const from = floorHour(
      Math.min(...events.usage.map((u) => u.occurredAt), ...events.errors.map((e) => e.occurredAt)),
    );
    const actual = await selectOpsMetrics(running.db.db, 'ops_metrics_hourly', {
      from: new Date(0),
      to: new Date(now + DAY_MS),
    });
    compareRows(actual, expectedRows(events, from, hourlyTo, HOUR_MS, null), true);
  });

  it('writes every daily row from the raw events: counters exact, percentiles by the histogram method', async () => {
    const from = floorDay(
      Math.min(...events.usage.map((u) => u.occurredAt), ...events.errors.map((e) => e.occurredAt)),
    );
    const to = floorDay(hourlyTo - 1) + DAY_MS;
    const actual = await selectOpsMetrics(running.db.db, 'ops_metrics_daily', {
      from: new Date(0),
      to: new Date(now + 2 * DAY_MS),
    });
    compareRows(actual, expectedRows(events, from, to, DAY_MS, LATENCY_BOUNDS_MS), false);
  });

  it('puts errors without platform in an unknown row, never in the overall row, and ignores count_tokens errors', async () => {
    const rows = await selectOpsMetrics(running.db.db, 'ops_metrics_daily', {
      from: new Date(0),
      to: new Date(now + 2 * DAY_MS),
    });
    const unknown = rows.filter((r) => r.platform === 'unknown' && r.group_id === null);
    const nullPlatformErrors = events.errors.filter(
      (e) => e.platform === null && !e.isCountTokens,
    ).length;
    expect(nullPlatformErrors).toBeGreaterThan(0);
    expect(unknown.reduce((s, r) => s + r.error_count_total, 0)).toBe(nullPlatformErrors);
    const overallErrors = rows
      .filter((r) => r.platform === null)
      .reduce((s, r) => s + r.error_count_total, 0);
    expect(overallErrors).toBe(events.errors.filter((e) => !e.isCountTokens).length);
    expect(events.errors.some((e) => e.isCountTokens)).toBe(true);
  });

  it.each(['ops_metrics_hourly', 'ops_metrics_daily'] as const)(
    'in %s the platform rows sum to the overall row and the group rows to their platform row',
    async (table) => {
      const rows = await selectOpsMetrics(running.db.db, table, {
        from: new Date(0),
        to: new Date(now + 2 * DAY_MS),
      });
      const additive = [
        'success_count',
        'error_count_total',
        'error_count_sla',
        'business_limited_count',
        'upstream_error_count_excl_429_529',
        'upstream_429_count',
        'upstream_529_count',
        'token_consumed',
        'duration_count',
        'duration_sum_ms',
        'ttft_count',
        'ttft_sum_ms',
      ] as const;
      const sums = (subset: OpsMetricsRecord[]) =>
        Object.fromEntries(additive.map((c) => [c, subset.reduce((s, r) => s + r[c], 0)]));
      const buckets = [...new Set(rows.map((r) => r.bucket_start.getTime()))];
      for (const bucket of buckets) {
        const inBucket = rows.filter((r) => r.bucket_start.getTime() === bucket);
        const overall = inBucket.filter((r) => r.platform === null);
        const platforms = inBucket.filter((r) => r.platform !== null && r.group_id === null);
        expect(overall).toHaveLength(1);
        expect(sums(platforms)).toEqual(sums(overall));
        for (const platform of platforms) {
          const groups = inBucket.filter(
            (r) => r.platform === platform.platform && r.group_id !== null,
          );
          expect(sums(groups)).toEqual(sums([platform]));
        }
      }
      // Ungrouped usage has its own group 0 rows, apart from the platform's all-groups row.
      expect(rows.some((r) => r.group_id === 0 && r.success_count > 0)).toBe(true);
    },
  );

  it('recomputes the same rows when the job runs again (idempotent upsert)', async () => {
    // Up to the hours closed at `now`: ten minutes later one more (empty) hour may have closed.
    const closed = { from: new Date(0), to: new Date(hourlyTo) };
    const before = await selectOpsMetrics(running.db.db, 'ops_metrics_hourly', closed);
    const later = now + 10 * 60_000;
    expect(await running.aggregator.jobs.hourly.tick(later)).toEqual({ ran: true, via: 'redis' });
    const after = await selectOpsMetrics(running.db.db, 'ops_metrics_hourly', closed);
    const strip = (rows: OpsMetricsRecord[]) =>
      rows.map(({ id: _id, computed_at: _c, ...rest }) => rest);
    expect(strip(after)).toEqual(strip(before));
  });
});
