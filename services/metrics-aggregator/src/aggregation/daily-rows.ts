import type { LatencyHistogram, OpsMetricsRecord, OpsMetricsRow } from '@switchyard/db';
import type { DenseHistogram } from './latency-histogram.js';
import { addHistogram, emptyHistogram, fromStored } from './latency-histogram.js';
import { summarizeHistogram } from './latency-summary.js';
import type { ErrorCounters } from './metrics-row.js';
import { addErrors, compareSlices, toMetricsRow, zeroErrors } from './metrics-row.js';
import type { SliceKey } from './slice-key.js';
import { sliceId } from './slice-key.js';

type LatencyMerge = { count: number; sumMs: number; maxMs: number | null; hist: DenseHistogram };

type DayAccumulator = {
  readonly key: SliceKey;
  successCount: number;
  tokens: number;
  readonly errors: ErrorCounters;
  readonly duration: LatencyMerge;
  readonly ttft: LatencyMerge;
};

function latencyMerge(): LatencyMerge {
  return { count: 0, sumMs: 0, maxMs: null, hist: emptyHistogram() };
}

function mergeLatency(
  into: LatencyMerge,
  count: number,
  sumMs: number,
  maxMs: number | null,
  hist: LatencyHistogram | null,
): void {
  if (count === 0) return;
  into.count += count;
  into.sumMs += sumMs;
  if (maxMs !== null) into.maxMs = into.maxMs === null ? maxMs : Math.max(into.maxMs, maxMs);
  if (hist !== null) addHistogram(into.hist, fromStored(hist));
}

/**
 * The daily rows of one day from that day's hourly rows, slice by slice (an hourly row and the
 * daily row of the same slice share platform and group). Counters, sample counts, sums,
 * averages and maxima are exact; percentiles come from the merged hourly histograms, which is
 * exact to the histogram's bucket (see LATENCY_BOUNDS_MS), where averaging hourly percentiles
 * would be wrong by an unbounded amount. The overall row is always written.
 */
export function buildDailyRows(
  dayStart: Date,
  hourly: readonly OpsMetricsRecord[],
  computedAt: Date,
): OpsMetricsRow[] {
  const overall: SliceKey = { platform: null, groupId: null };
  const days = new Map<string, DayAccumulator>([[sliceId(overall), dayAccumulator(overall)]]);
  for (const row of hourly) {
    const key: SliceKey = { platform: row.platform, groupId: row.group_id };
    const id = sliceId(key);
    let acc = days.get(id);
    if (acc === undefined) days.set(id, (acc = dayAccumulator(key)));
    acc.successCount += row.success_count;
    acc.tokens += row.token_consumed;
    addErrors(acc.errors, {
      total: row.error_count_total,
      sla: row.error_count_sla,
      businessLimited: row.business_limited_count,
      upstreamOther: row.upstream_error_count_excl_429_529,
      upstream429: row.upstream_429_count,
      upstream529: row.upstream_529_count,
    });
    mergeLatency(
      acc.duration,
      row.duration_count,
      row.duration_sum_ms,
      row.duration_max_ms,
      row.duration_hist,
    );
    mergeLatency(acc.ttft, row.ttft_count, row.ttft_sum_ms, row.ttft_max_ms, row.ttft_hist);
  }
  return [...days.values()]
    .sort((a, b) => compareSlices(a.key, b.key))
    .map((acc) =>
      toMetricsRow(
        dayStart,
        {
          key: acc.key,
          successCount: acc.successCount,
          tokens: acc.tokens,
          errors: acc.errors,
          duration: summarizeHistogram(
            acc.duration.hist,
            acc.duration.count,
            acc.duration.sumMs,
            acc.duration.maxMs,
          ),
          ttft: summarizeHistogram(acc.ttft.hist, acc.ttft.count, acc.ttft.sumMs, acc.ttft.maxMs),
        },
        computedAt,
      ),
    );
}

function dayAccumulator(key: SliceKey): DayAccumulator {
  return {
    key,
    successCount: 0,
    tokens: 0,
    errors: zeroErrors(),
    duration: latencyMerge(),
    ttft: latencyMerge(),
  };
}
