import type { LatencyHistogram } from '@switchyard/db';
import type { DenseHistogram } from './latency-histogram.js';
import { addSorted, emptyHistogram, estimatePercentile, toStored } from './latency-histogram.js';
import { maxOf, percentileCont, sumOf, totalCount } from './sorted-samples.js';

/** The percentiles every metrics row carries. */
export const PERCENTILES = [0.5, 0.9, 0.95, 0.99] as const;

/** One latency metric (duration or TTFT) of one metrics row. */
export type LatencySummary = {
  readonly count: number;
  readonly sumMs: number;
  readonly p50Ms: number | null;
  readonly p90Ms: number | null;
  readonly p95Ms: number | null;
  readonly p99Ms: number | null;
  readonly avgMs: number | null;
  readonly maxMs: number | null;
  /** Null when there are no samples. */
  readonly hist: LatencyHistogram | null;
};

/** Exact summary of the union of sorted sample slices (hourly rows). */
export function summarizeSamples(
  parts: readonly Int32Array[],
  hists: readonly DenseHistogram[],
): LatencySummary {
  const count = totalCount(parts);
  if (count === 0) return EMPTY;
  const sumMs = sumOf(parts);
  const hist = emptyHistogram();
  for (const part of hists) for (let i = 0; i < hist.length; i++) hist[i]! += part[i]!;
  const [p50Ms, p90Ms, p95Ms, p99Ms] = PERCENTILES.map((p) => percentileCont(parts, p));
  return {
    count,
    sumMs,
    p50Ms: p50Ms ?? null,
    p90Ms: p90Ms ?? null,
    p95Ms: p95Ms ?? null,
    p99Ms: p99Ms ?? null,
    avgMs: sumMs / count,
    maxMs: maxOf(parts),
    hist: toStored(hist),
  };
}

/**
 * Summary from merged histograms (daily rows): count, sum, average and max stay exact; the
 * percentiles are read from the merged histogram (see estimateKth for the error bound).
 */
export function summarizeHistogram(
  hist: DenseHistogram,
  count: number,
  sumMs: number,
  maxMs: number | null,
): LatencySummary {
  if (count === 0 || maxMs === null) return EMPTY;
  const [p50Ms, p90Ms, p95Ms, p99Ms] = PERCENTILES.map((p) =>
    estimatePercentile(hist, count, maxMs, p),
  );
  return {
    count,
    sumMs,
    p50Ms: p50Ms ?? null,
    p90Ms: p90Ms ?? null,
    p95Ms: p95Ms ?? null,
    p99Ms: p99Ms ?? null,
    avgMs: sumMs / count,
    maxMs,
    hist: toStored(hist),
  };
}

/** The histogram of one sorted slice, computed once and shared by every level it belongs to. */
export function histogramOf(sorted: Int32Array): DenseHistogram {
  return addSorted(emptyHistogram(), sorted);
}

const EMPTY: LatencySummary = {
  count: 0,
  sumMs: 0,
  p50Ms: null,
  p90Ms: null,
  p95Ms: null,
  p99Ms: null,
  avgMs: null,
  maxMs: null,
  hist: null,
};
