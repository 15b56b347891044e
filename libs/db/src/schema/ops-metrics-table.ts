import type { ColumnType } from 'kysely';
import type { Id, Nullable, NullableJson, WithDefault } from './column-types.js';

/**
 * Fixed-bucket latency histogram stored in `duration_hist` / `ttft_hist`. `counts[i]` counts
 * samples `<= bounds_ms[i]` (and above the previous bound); the extra last count holds samples
 * above the last bound. Histograms with equal bounds merge by adding counts, which is how the
 * daily roll-up gets exact-to-the-bucket percentiles from hourly rows without rereading logs.
 */
export type LatencyHistogram = {
  readonly bounds_ms: readonly number[];
  readonly counts: readonly number[];
};

/**
 * Shared shape of `ops_metrics_hourly` and `ops_metrics_daily`. A row is one bucket for one
 * (platform, group) slice; `platform` NULL is the overall row across platforms and `group_id`
 * NULL is the row across all groups.
 */
export interface OpsMetricsTable {
  id: Id;
  bucket_start: ColumnType<Date, Date | string, Date | string>;
  platform: Nullable<string>;
  group_id: Nullable<number>;
  success_count: WithDefault<number>;
  error_count_total: WithDefault<number>;
  /** Errors that count against the SLA: client status >= 400 and not business-limited. */
  error_count_sla: WithDefault<number>;
  business_limited_count: WithDefault<number>;
  upstream_error_count_excl_429_529: WithDefault<number>;
  upstream_429_count: WithDefault<number>;
  upstream_529_count: WithDefault<number>;
  token_consumed: WithDefault<number>;
  /** Sample count and sum keep the average mergeable across buckets. */
  duration_count: WithDefault<number>;
  duration_sum_ms: WithDefault<number>;
  duration_p50_ms: Nullable<number>;
  duration_p90_ms: Nullable<number>;
  duration_p95_ms: Nullable<number>;
  duration_p99_ms: Nullable<number>;
  duration_avg_ms: Nullable<number>;
  duration_max_ms: Nullable<number>;
  duration_hist: NullableJson<LatencyHistogram>;
  ttft_count: WithDefault<number>;
  ttft_sum_ms: WithDefault<number>;
  ttft_p50_ms: Nullable<number>;
  ttft_p90_ms: Nullable<number>;
  ttft_p95_ms: Nullable<number>;
  ttft_p99_ms: Nullable<number>;
  ttft_avg_ms: Nullable<number>;
  ttft_max_ms: Nullable<number>;
  ttft_hist: NullableJson<LatencyHistogram>;
  computed_at: ColumnType<Date, Date | string | undefined, Date | string>;
}
