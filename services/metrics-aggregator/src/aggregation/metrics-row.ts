import type { OpsMetricsRow } from '@switchyard/db';
import type { LatencySummary } from './latency-summary.js';
import type { SliceKey } from './slice-key.js';

/** Error counters of a metrics row (count_tokens attempts already left out). */
export type ErrorCounters = {
  total: number;
  sla: number;
  businessLimited: number;
  upstreamOther: number;
  upstream429: number;
  upstream529: number;
};

export function zeroErrors(): ErrorCounters {
  return { total: 0, sla: 0, businessLimited: 0, upstreamOther: 0, upstream429: 0, upstream529: 0 };
}

export function addErrors(into: ErrorCounters, other: ErrorCounters): void {
  into.total += other.total;
  into.sla += other.sla;
  into.businessLimited += other.businessLimited;
  into.upstreamOther += other.upstreamOther;
  into.upstream429 += other.upstream429;
  into.upstream529 += other.upstream529;
}

/** Everything a metrics row holds, before it is spelled as table columns. */
export type MetricsValues = {
  readonly key: SliceKey;
  readonly successCount: number;
  readonly tokens: number;
  readonly errors: ErrorCounters;
  readonly duration: LatencySummary;
  readonly ttft: LatencySummary;
};

/** Spells a bucket's values as an `ops_metrics_hourly` / `ops_metrics_daily` row. */
export function toMetricsRow(
  bucketStart: Date,
  values: MetricsValues,
  computedAt: Date,
): OpsMetricsRow {
  const { duration: d, ttft: t, errors: e } = values;
  return {
    bucket_start: bucketStart,
    platform: values.key.platform,
    group_id: values.key.groupId,
    success_count: values.successCount,
    error_count_total: e.total,
    error_count_sla: e.sla,
    business_limited_count: e.businessLimited,
    upstream_error_count_excl_429_529: e.upstreamOther,
    upstream_429_count: e.upstream429,
    upstream_529_count: e.upstream529,
    token_consumed: values.tokens,
    duration_count: d.count,
    duration_sum_ms: d.sumMs,
    duration_p50_ms: d.p50Ms,
    duration_p90_ms: d.p90Ms,
    duration_p95_ms: d.p95Ms,
    duration_p99_ms: d.p99Ms,
    duration_avg_ms: d.avgMs,
    duration_max_ms: d.maxMs,
    duration_hist: d.hist,
    ttft_count: t.count,
    ttft_sum_ms: t.sumMs,
    ttft_p50_ms: t.p50Ms,
    ttft_p90_ms: t.p90Ms,
    ttft_p95_ms: t.p95Ms,
    ttft_p99_ms: t.p99Ms,
    ttft_avg_ms: t.avgMs,
    ttft_max_ms: t.maxMs,
    ttft_hist: t.hist,
    computed_at: computedAt,
  };
}

/** Rows in a stable order: overall, then platforms, then platform × group. */
export function compareSlices(a: SliceKey, b: SliceKey): number {
  const level = (k: SliceKey) => (k.platform === null ? 0 : k.groupId === null ? 1 : 2);
  return (
    level(a) - level(b) ||
    (a.platform ?? '').localeCompare(b.platform ?? '') ||
    (a.groupId ?? -1) - (b.groupId ?? -1)
  );
}
