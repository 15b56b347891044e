import type { OpsError, UsageRecorded } from '@switchyard/contracts';
import type { GeneratedEvents } from './generate-events.js';

/**
 * What the metrics rows must hold, computed the plain way from the generated events: filter,
 * sort, read off. Written independently of the aggregator's code, which it checks.
 */
export type ExpectedLatency = {
  count: number;
  sum: number;
  max: number | null;
  /** p50, p90, p95, p99: exact percentile_cont for hourly rows, the histogram method for daily. */
  percentiles: (number | null)[];
  /** Exact percentile_cont, to bound the daily rows' histogram error. */
  exact: (number | null)[];
  /**
   * How far a histogram estimate may be from `exact`: both order statistics percentile_cont
   * reads lie in buckets at most 2 % (or 1 ms) wide — unless the upper one is past the grid's
   * last bound, where the overflow bucket has no width limit (Infinity).
   */
  tolerance: number[];
};

export type ExpectedRow = {
  bucketStart: number;
  platform: string | null;
  groupId: number | null;
  success: number;
  tokens: number;
  errorTotal: number;
  errorSla: number;
  businessLimited: number;
  upstreamOther: number;
  upstream429: number;
  upstream529: number;
  duration: ExpectedLatency;
  ttft: ExpectedLatency;
};

const PS = [0.5, 0.9, 0.95, 0.99];

export function percentileContOf(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** The documented daily method: each sample's grid bucket, the k-th placed inside its bucket. */
function histogramPercentile(
  sorted: readonly number[],
  bounds: readonly number[],
  p: number,
): number | null {
  if (sorted.length === 0) return null;
  const max = sorted[sorted.length - 1]!;
  const bucketOf = (v: number) => {
    const i = bounds.findIndex((b) => b >= v);
    return i === -1 ? bounds.length : i;
  };
  const buckets = sorted.map(bucketOf);
  const kth = (k: number) => {
    const bucket = buckets[k]!;
    const first = buckets.indexOf(bucket);
    const count = buckets.lastIndexOf(bucket) - first + 1;
    const lowest = bucket === 0 ? 0 : bounds[bucket - 1]! + 1;
    const highest = bucket < bounds.length ? bounds[bucket]! : max;
    return Math.min(
      lowest + (Math.max(highest, lowest) - lowest) * ((k - first + 0.5) / count),
      max,
    );
  };
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = kth(lo);
  return hi === lo ? a : a + (kth(hi) - a) * (pos - lo);
}

function latency(values: number[], bounds: readonly number[] | null): ExpectedLatency {
  const sorted = [...values].sort((a, b) => a - b);
  const exact = PS.map((p) => percentileContOf(sorted, p));
  const lastBound = bounds?.[bounds.length - 1] ?? Infinity;
  const tolerance = PS.map((p) => {
    if (sorted.length === 0) return 0;
    const upper = sorted[Math.ceil(p * (sorted.length - 1))]!;
    return upper > lastBound ? Infinity : upper * 0.02 + 1;
  });
  return {
    tolerance,
    count: sorted.length,
    sum: sorted.reduce((s, v) => s + v, 0),
    max: sorted.length === 0 ? null : sorted[sorted.length - 1]!,
    percentiles: bounds === null ? exact : PS.map((p) => histogramPercentile(sorted, bounds, p)),
    exact,
  };
}

type Acc = {
  platform: string | null;
  groupId: number | null;
  usage: UsageRecorded[];
  errors: OpsError[];
};

/**
 * Expected rows for buckets of `size` ms in [from, to): every slice with traffic at the three
 * granularities, and the overall row of every bucket even without traffic. `bounds` null:
 * exact percentiles (hourly); else the histogram method on that grid (daily).
 */
export function expectedRows(
  events: GeneratedEvents,
  from: number,
  to: number,
  size: number,
  bounds: readonly number[] | null,
): ExpectedRow[] {
  const accs = new Map<string, Acc>();
  const acc = (bucket: number, platform: string | null, groupId: number | null) => {
    const id = `${bucket}|${platform}|${groupId}`;
    let a = accs.get(id);
    if (!a) accs.set(id, (a = { platform, groupId, usage: [], errors: [] }));
    return { a, bucket };
  };
  for (let b = from; b < to; b += size) acc(b, null, null);
  const bucketOf = (t: number) => Math.floor(t / size) * size;
  for (const u of events.usage) {
    const b = bucketOf(u.occurredAt);
    if (b < from || b >= to) continue;
    const group = u.groupId ?? 0;
    for (const [p, g] of [
      [null, null],
      [u.platform, null],
      [u.platform, group],
    ] as const) {
      acc(b, p, g).a.usage.push(u);
    }
  }
  for (const e of events.errors) {
    const b = bucketOf(e.occurredAt);
    if (b < from || b >= to || e.isCountTokens) continue;
    const platform = e.platform ?? 'unknown';
    const group = e.groupId ?? 0;
    for (const [p, g] of [
      [null, null],
      [platform, null],
      [platform, group],
    ] as const) {
      acc(b, p, g).a.errors.push(e);
    }
  }
  const rows: ExpectedRow[] = [];
  for (const [id, a] of accs) {
    const bucketStart = Number(id.split('|')[0]);
    const timed = a.usage.filter((u) => !u.isCountTokens);
    rows.push({
      bucketStart,
      platform: a.platform,
      groupId: a.groupId,
      success: a.usage.length,
      tokens: a.usage.reduce(
        (s, u) => s + u.inputTokens + u.outputTokens + u.cacheCreationTokens + u.cacheReadTokens,
        0,
      ),
      errorTotal: a.errors.length,
      errorSla: a.errors.filter((e) => e.statusCode >= 400 && !e.isBusinessLimited).length,
      businessLimited: a.errors.filter((e) => e.isBusinessLimited).length,
      upstreamOther: a.errors.filter(
        (e) =>
          (e.upstreamStatusCode !== null || e.phase === 'upstream') &&
          e.upstreamStatusCode !== 429 &&
          e.upstreamStatusCode !== 529,
      ).length,
      upstream429: a.errors.filter((e) => e.upstreamStatusCode === 429).length,
      upstream529: a.errors.filter((e) => e.upstreamStatusCode === 529).length,
      duration: latency(
        timed.map((u) => u.durationMs),
        bounds,
      ),
      ttft: latency(
        timed.filter((u) => u.firstTokenMs !== null).map((u) => u.firstTokenMs!),
        bounds,
      ),
    });
  }
  return rows;
}

export function rowId(
  bucketStart: number,
  platform: string | null,
  groupId: number | null,
): string {
  return `${bucketStart}|${platform}|${groupId}`;
}
