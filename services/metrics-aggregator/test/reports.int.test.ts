import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { startHarness, type Harness } from '@switchyard/harness';
import { DAY_MS, floorDay, runDailyRollup, runHourlyAggregation } from '../src/index.js';
import type { RunningAggregator } from './fixture.js';
import { startAggregator } from './fixture.js';
import { listen } from './http-server.js';
import type { Seeded } from './seed.js';
import { seedOpsData } from './seed.js';

type Posted = { report: string; generatedAt: string; markdown: string };

describe('scheduled reports', () => {
  let harness: Harness<{ nats: true; redis: true; migrate: true }>;
  let running: RunningAggregator;
  let webhook: { url: string; close(): Promise<void> };
  let dir: string;
  let seeded: Seeded;
  const posted: Posted[] = [];
  let webhookStatus = 200;
  const now = Date.now();
  const due = Math.floor(now / 60_000) * 60_000 + 60_000;
  const dueMinute = new Date(due).getUTCMinutes();
  const dueHour = new Date(due).getUTCHours();

  beforeAll(async () => {
    harness = await startHarness({ nats: true, redis: true, migrate: true });
    const receiver = express();
    receiver.post('/hook/:token', express.json({ limit: '1mb' }), (req, res) => {
      posted.push(req.body as Posted);
      res.status(webhookStatus).end();
    });
    webhook = await listen(receiver);
    dir = mkdtempSync(join(tmpdir(), 'switchyard-reports-'));
    running = await startAggregator(harness, {
      clock: () => now,
      tuning: { ingest: false },
      env: {
        REPORTS_DIR: dir,
        REPORTS_WEBHOOK_URL: `${webhook.url}/hook/secret-token`,
        // Summary and health at the next whole minute, the digest every minute.
        REPORT_DAILY_SUMMARY_CRON: `${dueMinute} ${dueHour} * * *`,
        REPORT_ERROR_DIGEST_CRON: '* * * * *',
        REPORT_ACCOUNT_HEALTH_CRON: `${dueMinute} ${dueHour} * * 1-5,0,6`,
      },
    });
    seeded = await seedOpsData(running.db, now);
    await runHourlyAggregation(running.db, running.aggregator.settings, now);
    await runDailyRollup(running.db, running.aggregator.settings, now);
  });
  afterAll(async () => {
    await running?.stop();
    await webhook?.close();
    await harness?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('produces the reports whose cron matches, to the directory and the webhook', async () => {
    const tick = await running.aggregator.jobs.reports.tick(due + 20_000);
    expect(Object.keys(tick).sort()).toEqual(['account-health', 'daily-summary', 'error-digest']);
    expect(Object.values(tick).every((o) => o.ran)).toBe(true);

    expect(posted.map((p) => p.report).sort()).toEqual([
      'account-health',
      'daily-summary',
      'error-digest',
    ]);
    const stamp = new Date(due).toISOString().slice(0, 16).replace(/[-:]/g, '');
    const files = readdirSync(dir).sort();
    expect(files).toEqual(
      ['account-health', 'daily-summary', 'error-digest'].map((k) => `${k}-${stamp}Z.md`),
    );
    for (const p of posted) {
      expect(readFileSync(join(dir, `${p.report}-${stamp}Z.md`), 'utf8')).toBe(p.markdown);
    }

    // The summary covers yesterday: its all-platforms row counts every request of that day.
    const yesterday = floorDay(due) - DAY_MS;
    const inYesterday = (t: number) => floorDay(t) === yesterday;
    const all = [seeded.history, seeded.recent];
    const attempts =
      all.flatMap((e) => e.usage).filter((u) => inYesterday(u.occurredAt)).length +
      all.flatMap((e) => e.errors).filter((e) => inYesterday(e.occurredAt) && !e.isCountTokens)
        .length;
    const summary = posted.find((p) => p.report === 'daily-summary')!.markdown;
    expect(summary).toContain(
      `# Daily summary — ${new Date(yesterday).toISOString().slice(0, 10)} (UTC)`,
    );
    expect(summary).toContain(`| all platforms | ${attempts.toLocaleString('en-US')} |`);

    const health = posted.find((p) => p.report === 'account-health')!.markdown;
    expect(health).toContain('| anthropic | 4 | 2 | 1 | 1 | 0 | 0 | 0 |');
    expect(health).toContain('| acct-5 (#6) | openai | temp_unschedulable |');

    const digest = posted.find((p) => p.report === 'error-digest')!.markdown;
    const lastHour = all
      .flatMap((e) => e.errors)
      .filter((e) => !e.isCountTokens && e.occurredAt >= due + 20_000 - 3_600_000);
    expect(digest).toContain(
      `${lastHour.length.toLocaleString('en-US')} errors (count_tokens probes excluded)`,
    );
    expect(digest).toContain('## By owner');
  });

  it('runs only what is due, and a webhook failure is counted without losing the file', async () => {
    posted.length = 0;
    webhookStatus = 500;
    const minuteLater = due + 60_000;
    const tick = await running.aggregator.jobs.reports.tick(minuteLater);
    expect(Object.keys(tick)).toEqual([]);
    // The failed delivery does not mark the report as run: the window is given back.
    expect(posted.map((p) => p.report)).toEqual(['error-digest']);
    const stamp = new Date(minuteLater).toISOString().slice(0, 16).replace(/[-:]/g, '');
    expect(readdirSync(dir).filter((f) => f.includes(stamp))).toEqual([
      `error-digest-${stamp}Z.md`,
    ]);
    const failures = (await running.aggregator.metrics.reports.get()).values.filter(
      (v) => v.labels.outcome === 'failed',
    );
    expect(failures).toEqual([
      expect.objectContaining({
        value: 1,
        labels: { report: 'error-digest', target: 'webhook', outcome: 'failed' },
      }),
    ]);
    webhookStatus = 200;
  });
});
