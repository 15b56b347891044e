import { performance } from 'node:perf_hooks';
import type { Bus } from '@switchyard/bus';
import { connectBus, publishDurable } from '@switchyard/bus';
import { loadMetricsAggregatorConfig } from '@switchyard/config';
import type { UsageRecorded } from '@switchyard/contracts';
import { Subjects } from '@switchyard/contracts';
import type { Db } from '@switchyard/db';
import { createDb, selectOpsMetrics } from '@switchyard/db';
import { startHarness } from '@switchyard/harness';
import type { AggregatorTuning, MetricsAggregator } from '@switchyard/metrics-aggregator';
import {
  HOUR_MS,
  createMetricsAggregator,
  ensureUsageEventsStream,
  floorHour,
  resolveUplotDir,
  runHourlyAggregation,
} from '@switchyard/metrics-aggregator';
import { closeRedis, createRedis } from '@switchyard/redis';
import { createLogger } from '@switchyard/telemetry';
import type { Bench } from '../bench.js';
import type { BenchRow } from '../report.js';

// Ingest: events per run. Enough for several seconds of sustained writing at the target rate.
const INGEST_EVENTS = 150_000;
const PUBLISH_CONCURRENCY = 512;
// Pre-aggregation: the sizes the issue asks for, in one hour.
const USAGE_ROWS = 1_000_000;
const ERROR_ROWS = 100_000;
const AGGREGATION_RUNS = 3;

const silent = createLogger({
  service: 'bench',
  level: 'error',
  destination: { write: () => true },
});

function usageEvent(i: number, prefix: string, now: number): UsageRecorded {
  return {
    requestId: `${prefix}-${i}`,
    apiKeyId: 1 + (i % 50),
    userId: 7,
    groupId: i % 11 === 0 ? null : 1 + (i % 6),
    accountId: 1 + (i % 40),
    platform: (['anthropic', 'openai', 'gemini', 'antigravity'] as const)[i % 4]!,
    requestedModel: 'claude-sonnet-4',
    upstreamModel: 'claude-sonnet-4-20250514',
    inputTokens: 1200 + (i % 800),
    outputTokens: 300 + (i % 200),
    cacheCreationTokens: 0,
    cacheReadTokens: i % 3 === 0 ? 4000 : 0,
    stream: i % 2 === 0,
    durationMs: 500 + ((i * 7919) % 20_000),
    firstTokenMs: i % 2 === 0 ? 100 + ((i * 104729) % 3000) : null,
    isCountTokens: i % 97 === 0,
    occurredAt: now - (i % 60_000),
  };
}

async function publishAll(bus: Bus, events: readonly UsageRecorded[]): Promise<number> {
  const js = bus.js();
  const started = performance.now();
  for (let i = 0; i < events.length; i += PUBLISH_CONCURRENCY) {
    await Promise.all(
      events
        .slice(i, i + PUBLISH_CONCURRENCY)
        .map((e) => publishDurable(js, Subjects.usageRecorded, e, { msgId: e.requestId })),
    );
  }
  return events.length / ((performance.now() - started) / 1000);
}

async function inserted(aggregator: MetricsAggregator): Promise<number> {
  const { values } = await aggregator.metrics.events.get();
  return values.filter((v) => v.labels.outcome === 'inserted').reduce((sum, v) => sum + v.value, 0);
}

type Urls = { natsUrl: string; redisUrl: string; databaseUrl: string };

/**
 * Publishes a backlog, then starts an aggregator and times it from start until every event is
 * committed (the counter moves only after a batch's insert returned): the sustained rate of
 * consume → validate → one insert per batch → ack.
 */
async function ingestRun(
  urls: Urls,
  bus: Bus,
  label: string,
  env: Record<string, string>,
  tuning: Partial<AggregatorTuning>,
): Promise<BenchRow[]> {
  const now = Date.now();
  const events = Array.from({ length: INGEST_EVENTS }, (_, i) => usageEvent(i, label, now));
  const publishRate = await publishAll(bus, events);
  const config = loadMetricsAggregatorConfig({
    NATS_URL: urls.natsUrl,
    REDIS_URL: urls.redisUrl,
    DATABASE_URL: urls.databaseUrl,
    ...env,
  });
  const consumerBus = await connectBus({ servers: urls.natsUrl, name: `bench-${label}` });
  const redis = createRedis({ url: urls.redisUrl });
  const db = createDb({ url: urls.databaseUrl });
  const aggregator = createMetricsAggregator({
    config,
    bus: consumerBus,
    redis,
    db,
    logger: silent,
    uplotDir: resolveUplotDir(process.argv[1] ?? ''),
    tuning: { schedule: false, ...tuning },
  });
  try {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    await aggregator.start();
    while ((await inserted(aggregator)) < INGEST_EVENTS) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = (performance.now() - started) / 1000;
    // This process's CPU per event (the aggregator's share; NATS and Postgres are separate
    // processes): a figure that does not move with whatever else the machine is running.
    const cpu = process.cpuUsage(cpuBefore);
    const cpuUsPerEvent = (cpu.user + cpu.system) / INGEST_EVENTS;
    return [
      {
        case: `publish to JetStream, PubAck each (${label})`,
        throughputPerSec: publishRate,
        note: `${INGEST_EVENTS} events, ${PUBLISH_CONCURRENCY} in flight`,
      },
      {
        case: `ingest into Postgres, sustained (${label})`,
        throughputPerSec: INGEST_EVENTS / seconds,
        target: '>= 20000/s',
        note: `${INGEST_EVENTS} events committed in ${seconds.toFixed(2)} s; aggregator CPU ${cpuUsPerEvent.toFixed(1)} µs/event`,
      },
    ];
  } finally {
    await aggregator.stop();
    await consumerBus.close();
    await closeRedis(redis);
    await db.destroy();
  }
}

/** 1 M usage and 100 k error rows in one hour, generated in SQL (seconds, not minutes). */
async function generateHour(db: Db, hour: Date): Promise<void> {
  await db.sql`
    insert into usage_logs (request_id, api_key_id, user_id, group_id, account_id, platform, model,
      requested_model, upstream_model, input_tokens, output_tokens, cache_creation_tokens,
      cache_read_tokens, stream, is_count_tokens, duration_ms, first_token_ms, created_at)
    select 'agg-u-' || i, 1 + i % 50, 7, case when i % 11 = 0 then null else 1 + (i / 4) % 6 end,
      1 + i % 40, (array['anthropic','openai','gemini','antigravity'])[1 + i % 4], 'm', 'm', 'm',
      (random() * 4000)::int, (random() * 1500)::int, 0, (random() * 2000)::int, i % 2 = 0,
      i % 97 = 0,
      -- log-uniform 200 ms .. 120 s and 50 ms .. 10 s: realistic spread, many distinct values
      (exp(ln(200) + random() * ln(600)))::int,
      case when i % 5 = 0 then null else (exp(ln(50) + random() * ln(200)))::int end,
      ${hour}::timestamptz + (i % 3600000) * interval '1 millisecond'
    from generate_series(1, ${USAGE_ROWS}) as i`;
  await db.sql`
    insert into ops_error_logs (request_id, attempt_id, phase, status_code, upstream_status_code,
      error_owner, is_business_limited, is_count_tokens, platform, group_id, account_id,
      api_key_id, retry_count, message, created_at)
    select 'agg-r-' || i, 'agg-a-' || i, (array['upstream','routing','response'])[1 + i % 3],
      (array[400, 429, 500, 502, 503, 529])[1 + i % 6],
      case when i % 3 = 1 then null else (array[400, 429, 500, 529, 503])[1 + i % 5] end,
      (array['client','provider','platform'])[1 + i % 3], i % 13 = 0, i % 17 = 0,
      case when i % 9 = 0 then null else (array['anthropic','openai','gemini','antigravity'])[1 + i % 4] end,
      case when i % 7 = 0 then null else 1 + (i / 4) % 6 end, 1 + i % 40, 1 + i % 50, 0, 'bench',
      ${hour}::timestamptz + (i % 100000) * interval '36 millisecond'
    from generate_series(1, ${ERROR_ROWS}) as i`;
  await db.sql`analyze usage_logs`;
  await db.sql`analyze ops_error_logs`;
}

type BaselineRow = {
  platform: string | null;
  group_key: number | null;
  success: number;
  errors: number;
  duration_p: number[] | null;
  ttft_p: number[] | null;
};

/**
 * The plain way: one GROUPING SETS statement over the raw rows with percentile_cont, the same
 * rules as ours (unknown platform, group 0, count_tokens out of errors and latencies). Read
 * only: it writes nothing, which flatters it against our figure, which includes the upsert.
 */
async function baseline(db: Db, from: Date, to: Date): Promise<BaselineRow[]> {
  return db.sql<BaselineRow[]>`
    with raw as (
      select platform, coalesce(group_id, 0) as group_key, true as is_usage,
        is_count_tokens as is_ct, duration_ms, first_token_ms,
        input_tokens + output_tokens + cache_creation_tokens + cache_read_tokens as tokens,
        null::int as status_code, null::int as upstream_status, null::text as phase,
        false as is_bl
      from usage_logs where created_at >= ${from} and created_at < ${to}
      union all
      select coalesce(platform, 'unknown'), coalesce(group_id, 0), false, false, null, null, 0,
        status_code, upstream_status_code, phase, is_business_limited
      from ops_error_logs
      where created_at >= ${from} and created_at < ${to} and not is_count_tokens
    )
    select platform, group_key,
      count(*) filter (where is_usage)::int8 as success,
      count(*) filter (where not is_usage)::int8 as errors,
      count(*) filter (where not is_usage and status_code >= 400 and not is_bl)::int8 as sla,
      count(*) filter (where is_bl)::int8 as business_limited,
      count(*) filter (where (upstream_status is not null or phase = 'upstream')
        and coalesce(upstream_status, 0) not in (429, 529))::int8 as upstream_other,
      count(*) filter (where upstream_status = 429)::int8 as upstream_429,
      count(*) filter (where upstream_status = 529)::int8 as upstream_529,
      sum(tokens)::int8 as tokens,
      percentile_cont(array[0.5, 0.9, 0.95, 0.99]) within group (order by duration_ms)
        filter (where is_usage and not is_ct) as duration_p,
      avg(duration_ms) filter (where is_usage and not is_ct) as duration_avg,
      max(duration_ms) filter (where is_usage and not is_ct) as duration_max,
      percentile_cont(array[0.5, 0.9, 0.95, 0.99]) within group (order by first_token_ms)
        filter (where is_usage and not is_ct and first_token_ms is not null) as ttft_p,
      avg(first_token_ms) filter (where is_usage and not is_ct) as ttft_avg,
      max(first_token_ms) filter (where is_usage and not is_ct) as ttft_max
    from raw
    group by grouping sets ((), (platform), (platform, group_key))`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function aggregationRows(urls: Urls): Promise<BenchRow[]> {
  const db = createDb({ url: urls.databaseUrl });
  try {
    const hour = new Date(floorHour(Date.now()) - 3 * HOUR_MS);
    const genStarted = performance.now();
    await generateHour(db, hour);
    const genSeconds = (performance.now() - genStarted) / 1000;
    // The job's `now`: the generated hour has just closed (safe delay passed).
    const now = hour.getTime() + HOUR_MS + 6 * 60_000;
    const settings = {
      hourlyIntervalMs: 10 * 60_000,
      hourlySafeDelayMs: 5 * 60_000,
      hourlyOverlapHours: 2,
      dailyIntervalMs: HOUR_MS,
      retentionIntervalMs: HOUR_MS,
      retentionDays: { usage: 90, error: 90, hourly: 180, daily: 730 },
    };
    const ours: number[] = [];
    const plain: number[] = [];
    let plainRows: BaselineRow[] = [];
    for (let run = 0; run < AGGREGATION_RUNS; run++) {
      let t = performance.now();
      await runHourlyAggregation(db, settings, now);
      ours.push(performance.now() - t);
      t = performance.now();
      plainRows = await baseline(db, hour, new Date(hour.getTime() + HOUR_MS));
      plain.push(performance.now() - t);
    }
    // Same answers: every slice's counts and percentiles agree with the baseline's.
    const written = await selectOpsMetrics(db.db, 'ops_metrics_hourly', {
      from: hour,
      to: new Date(hour.getTime() + HOUR_MS),
    });
    const mismatches = plainRows.filter((b) => {
      const row = written.find((w) => w.platform === b.platform && w.group_id === b.group_key);
      if (row === undefined) return true;
      const close = (x: number | null, y: number | null | undefined) =>
        x === null || y === null || y === undefined ? x === (y ?? null) : Math.abs(x - y) < 1e-6;
      return (
        row.success_count !== b.success ||
        row.error_count_total !== b.errors ||
        !close(row.duration_p50_ms, b.duration_p?.[0]) ||
        !close(row.duration_p99_ms, b.duration_p?.[3]) ||
        !close(row.ttft_p90_ms, b.ttft_p?.[1])
      );
    }).length;
    const slices = `${plainRows.length} rows (3 granularities)`;
    return [
      {
        case: 'hourly pre-aggregation: baseline, GROUPING SETS + percentile_cont',
        p50Us: Math.round(median(plain) * 1000),
        note: `median of ${AGGREGATION_RUNS}; read only; ${slices}`,
      },
      {
        case: 'hourly pre-aggregation: ours (read, build, upsert)',
        p50Us: Math.round(median(ours) * 1000),
        baseline: 'hourly pre-aggregation: baseline, GROUPING SETS + percentile_cont',
        note: `median of ${AGGREGATION_RUNS}; ${mismatches === 0 ? 'same values as baseline' : `${mismatches} slices DIFFER from baseline`}`,
      },
      {
        case: 'generate 1 M usage + 100 k error rows (INSERT ... SELECT generate_series)',
        p50Us: Math.round(genSeconds * 1_000_000),
        note: 'setup, for scale',
      },
    ];
  } finally {
    await db.destroy();
  }
}

/**
 * The metrics aggregator's two hot paths against real NATS and Postgres: sustained ingest
 * (target >= 20,000 events/s) and the hourly pre-aggregation over 1 M usage + 100 k error rows,
 * beside the plain single-statement baseline timed on the same data in the same run.
 */
export const metricsBench: Bench = {
  name: 'metrics',
  description:
    'metrics-aggregator: sustained ingest into Postgres; hourly pre-aggregation vs one GROUPING SETS + percentile_cont statement',
  async run() {
    const harness = await startHarness({ nats: true, redis: true, migrate: true });
    const urls = {
      natsUrl: harness.natsUrl,
      redisUrl: harness.redisUrl,
      databaseUrl: harness.databaseUrl,
    };
    const bus = await connectBus({ servers: harness.natsUrl, name: 'bench-publisher' });
    try {
      await ensureUsageEventsStream(bus);
      const rows = [
        ...(await ingestRun(urls, bus, 'defaults: batch 1000 / 200 ms, 4 in flight', {}, {})),
        ...(await ingestRun(
          urls,
          bus,
          'smaller: batch 500, 2 in flight',
          { METRICS_BATCH_SIZE: '500' },
          { maxInFlight: 2 },
        )),
        ...(await aggregationRows(urls)),
      ];
      return { rows };
    } finally {
      await bus.close();
      await harness.stop();
    }
  },
};
