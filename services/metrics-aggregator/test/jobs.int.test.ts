import { readdir } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startHarness, type Harness } from '@switchyard/harness';
import {
  insertOpsErrorLogs,
  insertUsageLogs,
  selectOpsMetrics,
  upsertOpsMetrics,
} from '@switchyard/db';
import type { JobRunOutcome, LockedJob } from '../src/index.js';
import { DAY_MS, HOUR_MS, errorRow, floorHour, usageRow } from '../src/index.js';
import type { RunningAggregator } from './fixture.js';
import { startAggregator } from './fixture.js';
import { generateEvents } from './generate-events.js';

type Jobs = RunningAggregator['aggregator']['jobs'];
const LOCKED_JOBS = ['hourly', 'daily', 'retention'] as const;

function ranCount(outcomes: readonly JobRunOutcome[]): number {
  return outcomes.filter((o) => o.ran).length;
}

describe('periodic jobs', () => {
  let harness: Harness<{ nats: true; redis: true; migrate: true }>;
  const running: RunningAggregator[] = [];
  let reportsDir: string;

  beforeEach(async () => {
    harness = await startHarness({ nats: true, redis: true, migrate: true });
    reportsDir = mkdtempSync(join(tmpdir(), 'switchyard-reports-'));
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.stop()));
    await harness.stop();
    rmSync(reportsDir, { recursive: true, force: true });
  });

  async function twoAggregators(redisUrl?: string): Promise<[Jobs, Jobs]> {
    const everyMinute = {
      REPORTS_DIR: reportsDir,
      REPORT_DAILY_SUMMARY_CRON: '* * * * *',
      REPORT_ERROR_DIGEST_CRON: '* * * * *',
      REPORT_ACCOUNT_HEALTH_CRON: '* * * * *',
    };
    const options = (id: string) => ({
      instanceId: id,
      env: everyMinute,
      tuning: { ingest: false },
      ...(redisUrl === undefined ? {} : { redisUrl }),
    });
    const a = await startAggregator(harness, options('aggregator-a'));
    running.push(a);
    const b = await startAggregator(harness, options('aggregator-b'));
    running.push(b);
    return [a.aggregator.jobs, b.aggregator.jobs];
  }

  it('two aggregators run each job once per window', async () => {
    const [a, b] = await twoAggregators();
    const now = Date.now();
    for (const name of LOCKED_JOBS) {
      const job: LockedJob = a[name];
      // Both fire together, then a late timer in the same window, then the next window.
      const together = await Promise.all([a[name].tick(now), b[name].tick(now)]);
      expect(ranCount(together)).toBe(1);
      expect(together.find((o) => o.ran)).toEqual({ ran: true, via: 'redis' });
      const late = [await a[name].tick(now + 1_000), await b[name].tick(now + 2_000)];
      expect(late).toEqual([
        { ran: false, reason: 'window_taken' },
        { ran: false, reason: 'window_taken' },
      ]);
      const next = now + job.intervalMs;
      expect(ranCount(await Promise.all([b[name].tick(next), a[name].tick(next)]))).toBe(1);
    }
    // Reports: each due report is produced by one of the two, once.
    const ticks = await Promise.all([a.reports.tick(now), b.reports.tick(now)]);
    for (const kind of ['daily-summary', 'error-digest', 'account-health'] as const) {
      expect(ranCount(ticks.map((t) => t[kind]!))).toBe(1);
    }
    expect((await readdir(reportsDir)).sort()).toEqual(
      ['account-health', 'daily-summary', 'error-digest'].map(
        (kind) => `${kind}-${new Date(now).toISOString().slice(0, 16).replace(/[-:]/g, '')}Z.md`,
      ),
    );
  });

  it('falls back to a Postgres advisory lock when Redis is down, still one run per window', async () => {
    const deadRedis = `redis://127.0.0.1:${await freePort()}`;
    const [a, b] = await twoAggregators(deadRedis);
    const now = Date.now();
    const together = await Promise.all([a.hourly.tick(now), b.hourly.tick(now)]);
    expect(together.filter((o) => o.ran)).toEqual([{ ran: true, via: 'postgres' }]);
    expect(together.filter((o) => !o.ran)).toEqual([{ ran: false, reason: 'busy' }]);
    // The holder keeps the advisory lock until the window ends.
    expect(await b.hourly.tick(now + 1_000)).toEqual({ ran: false, reason: 'busy' });
    expect(await a.hourly.tick(now + 1_000)).toEqual({ ran: false, reason: 'busy' });
    // Other jobs have locks of their own.
    expect(ranCount(await Promise.all([a.daily.tick(now), b.daily.tick(now)]))).toBe(1);
  });

  it('catches up every hour missed since the last one written', async () => {
    const [jobs] = await twoAggregators();
    const db = running[0]!.db;
    const now = Date.now();
    const closed = floorHour(now - 5 * 60_000);
    const events = generateEvents({
      from: closed - 12 * HOUR_MS,
      to: closed,
      usage: 600,
      errors: 200,
      seed: 3,
    });
    await insertUsageLogs(db.db, events.usage.map(usageRow));
    await insertOpsErrorLogs(db.db, events.errors.map(errorRow));

    // A run nine hours ago, then nothing until now (say the aggregators were down).
    const earlier = now - 9 * HOUR_MS;
    expect((await jobs.hourly.tick(earlier)).ran).toBe(true);
    const before = await selectOpsMetrics(
      db.db,
      'ops_metrics_hourly',
      { from: new Date(0), to: new Date(now) },
      { platform: null },
    );
    expect(Math.max(...before.map((r) => r.bucket_start.getTime()))).toBe(
      floorHour(earlier - 5 * 60_000) - HOUR_MS,
    );

    expect((await jobs.hourly.tick(now)).ran).toBe(true);
    const overall = await selectOpsMetrics(
      db.db,
      'ops_metrics_hourly',
      { from: new Date(0), to: new Date(now) },
      { platform: null },
    );
    const hours = overall.map((r) => r.bucket_start.getTime());
    const expectedHours = Array.from({ length: 12 }, (_, i) => closed - 12 * HOUR_MS + i * HOUR_MS);
    expect(hours).toEqual(expectedHours);
    expect(overall.reduce((s, r) => s + r.success_count, 0)).toBe(600);
    expect(overall.reduce((s, r) => s + r.error_count_total, 0)).toBe(
      events.errors.filter((e) => !e.isCountTokens).length,
    );
  });

  it('deletes what is older than each retention and keeps the rest', async () => {
    const [jobs] = await twoAggregators();
    const db = running[0]!.db;
    const now = Date.now();
    const ago = (days: number) => now - days * DAY_MS;
    const old = generateEvents({
      from: ago(95),
      to: ago(91),
      usage: 30,
      errors: 10,
      seed: 4,
      prefix: 'old',
    });
    const recent = generateEvents({
      from: ago(2),
      to: ago(1),
      usage: 20,
      errors: 5,
      seed: 5,
      prefix: 'new',
    });
    for (const set of [old, recent]) {
      await insertUsageLogs(db.db, set.usage.map(usageRow));
      await insertOpsErrorLogs(db.db, set.errors.map(errorRow));
    }
    const metricsRow = (start: number) => ({
      bucket_start: new Date(start),
      platform: null,
      group_id: null,
    });
    await upsertOpsMetrics(db.db, 'ops_metrics_hourly', [
      metricsRow(floorHour(ago(181))),
      metricsRow(floorHour(ago(179))),
    ]);
    await upsertOpsMetrics(db.db, 'ops_metrics_daily', [
      metricsRow(ago(731)),
      metricsRow(ago(729)),
    ]);

    expect((await jobs.retention.tick(now)).ran).toBe(true);

    const [left] = await db.sql<{ usage: number; errors: number; hourly: number; daily: number }[]>`
      select (select count(*) from usage_logs)::int as usage,
             (select count(*) from ops_error_logs)::int as errors,
             (select count(*) from ops_metrics_hourly)::int as hourly,
             (select count(*) from ops_metrics_daily)::int as daily`;
    expect(left).toEqual({ usage: 20, errors: 5, hourly: 1, daily: 1 });
  });
});
