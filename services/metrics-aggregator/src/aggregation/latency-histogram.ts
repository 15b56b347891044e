import type { LatencyHistogram } from '@switchyard/db';
import { interpolate } from './sorted-samples.js';

/**
 * The one bucket grid every stored latency histogram uses, so that any two merge by adding
 * counts. Every millisecond up to 100 ms is its own bucket (exact there); above, each bucket is
 * 2 % wider than the previous one up to 10 minutes (the longest streamed response we expect),
 * so a percentile read from merged histograms is within about 1 % of the exact one.
 * ~540 buckets; a stored histogram keeps only the non-empty ones (see toStored).
 */
export const LATENCY_BOUNDS_MS: readonly number[] = buildBounds();

function buildBounds(): number[] {
  const bounds: number[] = [];
  for (let ms = 0; ms <= 100; ms++) bounds.push(ms);
  let ms = 100;
  while (ms < 600_000) {
    ms = Math.max(ms + 1, Math.ceil(ms * 1.02));
    bounds.push(ms);
  }
  return bounds;
}

const BOUND_INDEX = new Map(LATENCY_BOUNDS_MS.map((bound, i) => [bound, i]));

/**
 * Counts per bucket of the grid: `counts[i]` holds samples in (bounds[i-1], bounds[i]], the
 * extra last one samples above the last bound.
 */
export type DenseHistogram = Float64Array;

export function emptyHistogram(): DenseHistogram {
  return new Float64Array(LATENCY_BOUNDS_MS.length + 1);
}

/** Index of the bucket a sample falls in: the first bound >= value. */
export function bucketIndex(value: number): number {
  let lo = 0;
  let hi = LATENCY_BOUNDS_MS.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (LATENCY_BOUNDS_MS[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Adds sorted samples to `into` (one bucket lookup per distinct run of the sorted array). */
export function addSorted(into: DenseHistogram, sorted: Int32Array): DenseHistogram {
  let i = 0;
  while (i < sorted.length) {
    const bucket = bucketIndex(sorted[i]!);
    const upper = bucket < LATENCY_BOUNDS_MS.length ? LATENCY_BOUNDS_MS[bucket]! : Infinity;
    let j = i;
    while (j < sorted.length && sorted[j]! <= upper) j++;
    into[bucket]! += j - i;
    i = j;
  }
  return into;
}

export function addHistogram(into: DenseHistogram, other: DenseHistogram): DenseHistogram {
  for (let i = 0; i < into.length; i++) into[i]! += other[i]!;
  return into;
}

/**
 * The stored (jsonb) form: only the non-empty buckets, each named by its upper bound, plus the
 * overflow count last. Every bound is a bound of the grid, so the reading of the documented
 * `LatencyHistogram` shape (counts[i] in (bounds_ms[i-1], bounds_ms[i]]) stays true, and
 * fromStored can put each count back in its own grid bucket.
 */
export function toStored(hist: DenseHistogram): LatencyHistogram {
  const bounds: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < LATENCY_BOUNDS_MS.length; i++) {
    if (hist[i]! > 0) {
      bounds.push(LATENCY_BOUNDS_MS[i]!);
      counts.push(hist[i]!);
    }
  }
  counts.push(hist[LATENCY_BOUNDS_MS.length]!);
  return { bounds_ms: bounds, counts };
}

/** Error for a stored histogram that is not on the grid (written by something else). */
export class HistogramGridError extends Error {
  readonly code = 'histogram_off_grid';
  readonly retryable = false;

  constructor(bound: number) {
    super(`stored latency histogram has bound ${bound} ms, which is not on the grid`);
    this.name = 'HistogramGridError';
  }
}

export function fromStored(stored: LatencyHistogram): DenseHistogram {
  const hist = emptyHistogram();
  stored.bounds_ms.forEach((bound, i) => {
    const index = BOUND_INDEX.get(bound);
    if (index === undefined) throw new HistogramGridError(bound);
    hist[index]! += stored.counts[i] ?? 0;
  });
  hist[LATENCY_BOUNDS_MS.length]! += stored.counts[stored.bounds_ms.length] ?? 0;
  return hist;
}

/**
 * Estimates the k-th smallest sample (0-based) from the histogram: samples are integers, so a
 * bucket (lower, upper] holds values lower+1 … upper, and the j-th of its c samples is placed
 * at the middle of its share of that range. Exact for one-millisecond buckets; elsewhere off
 * by at most the bucket's width. `max` (exact, stored beside the histogram) bounds the
 * overflow bucket and every estimate.
 */
export function estimateKth(hist: DenseHistogram, k: number, max: number): number {
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    const count = hist[i]!;
    if (seen + count > k) {
      const lowest = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1]! + 1;
      const highest = i < LATENCY_BOUNDS_MS.length ? LATENCY_BOUNDS_MS[i]! : max;
      const within = k - seen;
      const estimate = lowest + (Math.max(highest, lowest) - lowest) * ((within + 0.5) / count);
      return Math.min(estimate, max);
    }
    seen += count;
  }
  return max;
}

/** percentile_cont's definition applied to histogram estimates of the order statistics. */
export function estimatePercentile(
  hist: DenseHistogram,
  count: number,
  max: number,
  p: number,
): number | null {
  if (count === 0) return null;
  return interpolate(p, count, (k) => estimateKth(hist, k, max));
}
