import type { ErrorSlice, OpsMetricsRow, UsageSlice } from '@switchyard/db';
import type { DenseHistogram } from './latency-histogram.js';
import { histogramOf, summarizeSamples } from './latency-summary.js';
import type { ErrorCounters } from './metrics-row.js';
import { addErrors, compareSlices, toMetricsRow, zeroErrors } from './metrics-row.js';
import type { SliceKey } from './slice-key.js';
import { errorPlatform, groupKey, sliceId, slicesOf } from './slice-key.js';
import { HOUR_MS, bucketStarts } from './time-buckets.js';
import { sortSamples } from './sorted-samples.js';

type Accumulator = {
  readonly key: SliceKey;
  requests: number;
  tokens: number;
  readonly durations: Int32Array[];
  readonly durationHists: DenseHistogram[];
  readonly ttfts: Int32Array[];
  readonly ttftHists: DenseHistogram[];
  readonly errors: ErrorCounters;
};

function accumulator(key: SliceKey): Accumulator {
  return {
    key,
    requests: 0,
    tokens: 0,
    durations: [],
    durationHists: [],
    ttfts: [],
    ttftHists: [],
    errors: zeroErrors(),
  };
}

const OVERALL: SliceKey = { platform: null, groupId: null };

/**
 * The metrics rows of one hour at the three granularities — overall, per platform, per
 * platform × group — from that hour's usage and error slices. Each usage slice is sorted once
 * and shared by the three rows it belongs to; percentiles of the coarser rows come from the
 * union of their slices without re-sorting. The overall row is always written, even for an
 * hour without traffic, so that an empty hour reads as zero and the catch-up knows it was done.
 */
export function buildHourlyRows(
  bucketStart: Date,
  usage: readonly UsageSlice[],
  errors: readonly ErrorSlice[],
  computedAt: Date,
): OpsMetricsRow[] {
  const slices = new Map<string, Accumulator>([[sliceId(OVERALL), accumulator(OVERALL)]]);
  const at = (key: SliceKey): Accumulator => {
    const id = sliceId(key);
    let acc = slices.get(id);
    if (acc === undefined) slices.set(id, (acc = accumulator(key)));
    return acc;
  };

  for (const slice of usage) {
    const durations = sortSamples(slice.durationsMs);
    const ttfts = sortSamples(slice.ttftsMs);
    const durationHist = histogramOf(durations);
    const ttftHist = histogramOf(ttfts);
    for (const key of slicesOf(slice.platform, groupKey(slice.groupId))) {
      const acc = at(key);
      acc.requests += slice.requests;
      acc.tokens += slice.tokens;
      acc.durations.push(durations);
      acc.durationHists.push(durationHist);
      acc.ttfts.push(ttfts);
      acc.ttftHists.push(ttftHist);
    }
  }
  for (const slice of errors) {
    const counters: ErrorCounters = {
      total: slice.total,
      sla: slice.sla,
      businessLimited: slice.businessLimited,
      upstreamOther: slice.upstreamOther,
      upstream429: slice.upstream429,
      upstream529: slice.upstream529,
    };
    for (const key of slicesOf(errorPlatform(slice.platform), groupKey(slice.groupId))) {
      addErrors(at(key).errors, counters);
    }
  }

  return [...slices.values()]
    .sort((a, b) => compareSlices(a.key, b.key))
    .map((acc) =>
      toMetricsRow(
        bucketStart,
        {
          key: acc.key,
          successCount: acc.requests,
          tokens: acc.tokens,
          errors: acc.errors,
          duration: summarizeSamples(acc.durations, acc.durationHists),
          ttft: summarizeSamples(acc.ttfts, acc.ttftHists),
        },
        computedAt,
      ),
    );
}

/** Hourly rows for every hour in [from, to) (both hour-aligned, epoch ms). */
export function buildHourlyRowsForRange(
  from: number,
  to: number,
  usage: readonly UsageSlice[],
  errors: readonly ErrorSlice[],
  computedAt: Date,
): OpsMetricsRow[] {
  const usageByHour = groupByTime(usage);
  const errorsByHour = groupByTime(errors);
  return bucketStarts(from, to, HOUR_MS).flatMap((start) =>
    buildHourlyRows(
      new Date(start),
      usageByHour.get(start) ?? [],
      errorsByHour.get(start) ?? [],
      computedAt,
    ),
  );
}

function groupByTime<T extends { readonly bucketStart: Date }>(
  items: readonly T[],
): Map<number, T[]> {
  const byTime = new Map<number, T[]>();
  for (const item of items) {
    const t = item.bucketStart.getTime();
    const list = byTime.get(t);
    if (list === undefined) byTime.set(t, [item]);
    else list.push(item);
  }
  return byTime;
}
