import type { OpsMetricsRecord } from '@switchyard/db';

/** One bucket of a trend, as the ops API and the dashboard read it. */
export type TrendPoint = {
  readonly bucketStart: string;
  readonly successCount: number;
  readonly errorCount: number;
  readonly slaErrorCount: number;
  readonly businessLimitedCount: number;
  readonly upstreamErrorCount: number;
  readonly upstream429Count: number;
  readonly upstream529Count: number;
  readonly tokens: number;
  /** errors / (successes + errors); null without traffic. */
  readonly errorRate: number | null;
  readonly slaErrorRate: number | null;
  readonly duration: LatencyPoint;
  readonly ttft: LatencyPoint;
};

export type LatencyPoint = {
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly avg: number | null;
  readonly max: number | null;
};

export function toTrendPoint(row: OpsMetricsRecord): TrendPoint {
  const attempts = row.success_count + row.error_count_total;
  return {
    bucketStart: row.bucket_start.toISOString(),
    successCount: row.success_count,
    errorCount: row.error_count_total,
    slaErrorCount: row.error_count_sla,
    businessLimitedCount: row.business_limited_count,
    upstreamErrorCount: row.upstream_error_count_excl_429_529,
    upstream429Count: row.upstream_429_count,
    upstream529Count: row.upstream_529_count,
    tokens: row.token_consumed,
    errorRate: attempts === 0 ? null : row.error_count_total / attempts,
    slaErrorRate: attempts === 0 ? null : row.error_count_sla / attempts,
    duration: {
      p50: row.duration_p50_ms,
      p90: row.duration_p90_ms,
      p95: row.duration_p95_ms,
      p99: row.duration_p99_ms,
      avg: row.duration_avg_ms,
      max: row.duration_max_ms,
    },
    ttft: {
      p50: row.ttft_p50_ms,
      p90: row.ttft_p90_ms,
      p95: row.ttft_p95_ms,
      p99: row.ttft_p99_ms,
      avg: row.ttft_avg_ms,
      max: row.ttft_max_ms,
    },
  };
}
