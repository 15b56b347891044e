import type { ErrorSlice, UsageSlice } from '@switchyard/db';
import { seededRandom } from '@switchyard/domain';
import {
  HOUR_MS,
  HistogramGridError,
  LATENCY_BOUNDS_MS,
  bucketIndex,
  buildDailyRows,
  buildHourlyRows,
  estimatePercentile,
  fromStored,
  kthSmallest,
  percentileCont,
  sortSamples,
  toStored,
} from '../src/index.js';
import { percentileContOf } from './reference-metrics.js';

describe('percentileCont over sorted slices', () => {
  it('equals percentile_cont of the union without sorting the union', () => {
    const random = seededRandom(1);
    for (let round = 0; round < 50; round++) {
      const parts = Array.from({ length: 1 + Math.floor(random() * 5) }, () =>
        Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 5000)),
      );
      const union = parts.flat().sort((a, b) => a - b);
      const sorted = parts.map(sortSamples);
      for (const p of [0, 0.5, 0.9, 0.95, 0.99, 1]) {
        expect(percentileCont(sorted, p)).toBe(percentileContOf(union, p));
      }
      union.forEach((value, k) => expect(kthSmallest(sorted, k)).toBe(value));
    }
  });

  it('is null without samples and the sample itself for one', () => {
    expect(percentileCont([], 0.5)).toBeNull();
    expect(percentileCont([sortSamples([])], 0.99)).toBeNull();
    expect(percentileCont([sortSamples([42])], 0.99)).toBe(42);
  });
});

describe('latency histogram', () => {
  it('has one-millisecond buckets up to 100 ms and buckets at most 2 % wide above', () => {
    expect(LATENCY_BOUNDS_MS.slice(0, 101)).toEqual(Array.from({ length: 101 }, (_, i) => i));
    for (let i = 101; i < LATENCY_BOUNDS_MS.length; i++) {
      const [lo, hi] = [LATENCY_BOUNDS_MS[i - 1]!, LATENCY_BOUNDS_MS[i]!];
      expect(hi - lo).toBeLessThanOrEqual(Math.ceil(lo * 0.02) + 1);
    }
    expect(LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1]).toBeGreaterThanOrEqual(600_000);
    expect(bucketIndex(0)).toBe(0);
    expect(bucketIndex(100)).toBe(100);
    expect(bucketIndex(101)).toBe(101);
    expect(bucketIndex(10_000_000)).toBe(LATENCY_BOUNDS_MS.length);
  });

  it('stores only non-empty buckets and reads them back into the same grid', () => {
    const hist = fromStored({ bounds_ms: [], counts: [0] });
    hist[3] = 2;
    hist[200] = 5;
    hist[LATENCY_BOUNDS_MS.length] = 1;
    const stored = toStored(hist);
    expect(stored).toEqual({ bounds_ms: [3, LATENCY_BOUNDS_MS[200]], counts: [2, 5, 1] });
    expect(Array.from(fromStored(stored))).toEqual(Array.from(hist));
  });

  it('refuses a stored histogram that is not on the grid', () => {
    expect(() => fromStored({ bounds_ms: [101.5], counts: [1, 0] })).toThrow(HistogramGridError);
  });

  it('reads exact percentiles where buckets are one millisecond wide', () => {
    const values = [1, 5, 5, 7, 20, 99, 100];
    const hist = fromStored({ bounds_ms: [], counts: [0] });
    for (const v of values) hist[bucketIndex(v)]! += 1;
    for (const p of [0.5, 0.9, 0.99]) {
      expect(estimatePercentile(hist, values.length, 100, p)).toBeCloseTo(
        percentileContOf(values, p)!,
        9,
      );
    }
  });
});

function usageSlice(
  platform: string,
  groupId: number | null,
  durations: number[],
  ttfts: number[] = [],
): UsageSlice {
  return {
    bucketStart: new Date(0),
    platform,
    groupId,
    requests: durations.length + 1,
    tokens: 10,
    durationsMs: durations,
    ttftsMs: ttfts,
  };
}

function errorSlice(platform: string | null, groupId: number | null, total: number): ErrorSlice {
  return {
    bucketStart: new Date(0),
    platform,
    groupId,
    total,
    sla: total,
    businessLimited: 0,
    upstreamOther: total,
    upstream429: 0,
    upstream529: 0,
  };
}

describe('buildHourlyRows', () => {
  const at = new Date(5 * HOUR_MS);

  it('writes the overall row even for an hour without traffic', () => {
    const rows = buildHourlyRows(at, [], [], at);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      platform: null,
      group_id: null,
      success_count: 0,
      error_count_total: 0,
      duration_p50_ms: null,
      duration_hist: null,
    });
  });

  it('puts errors without platform under unknown and ungrouped traffic under group 0', () => {
    const rows = buildHourlyRows(
      at,
      [usageSlice('openai', null, [10, 20]), usageSlice('openai', 2, [30])],
      [errorSlice(null, null, 4), errorSlice('openai', 2, 1)],
      at,
    );
    const pick = (platform: string | null, group: number | null) =>
      rows.find((r) => r.platform === platform && r.group_id === group)!;
    expect(rows.map((r) => [r.platform, r.group_id])).toEqual([
      [null, null],
      ['openai', null],
      ['unknown', null],
      ['openai', 0],
      ['openai', 2],
      ['unknown', 0],
    ]);
    expect(pick(null, null)).toMatchObject({
      success_count: 5,
      error_count_total: 5,
      duration_count: 3,
      duration_p50_ms: 20,
    });
    expect(pick('openai', null)).toMatchObject({ success_count: 5, error_count_total: 1 });
    expect(pick('unknown', null)).toMatchObject({
      success_count: 0,
      error_count_total: 4,
      duration_count: 0,
    });
    expect(pick('openai', 0)).toMatchObject({
      success_count: 3,
      duration_max_ms: 20,
      duration_avg_ms: 15,
    });
  });
});

describe('buildDailyRows', () => {
  it('sums counters and reads percentiles from the merged hourly histograms', () => {
    const day = new Date(0);
    const hours = [0, 1].map((h) =>
      buildHourlyRows(
        new Date(h * HOUR_MS),
        [usageSlice('gemini', 1, h === 0 ? [1, 2, 3] : [50, 60])],
        [],
        day,
      ),
    );
    const records = hours.flat().map((row, id) => ({ ...row, id, computed_at: day }) as never);
    const rows = buildDailyRows(day, records, day);
    const overall = rows.find((r) => r.platform === null)!;
    expect(overall).toMatchObject({
      success_count: 7,
      duration_count: 5,
      duration_sum_ms: 116,
      duration_max_ms: 60,
      duration_p50_ms: 3,
    });
    expect(overall.duration_p90_ms).toBeCloseTo(percentileContOf([1, 2, 3, 50, 60], 0.9)!, 9);
    expect(rows.map((r) => [r.platform, r.group_id])).toEqual([
      [null, null],
      ['gemini', null],
      ['gemini', 1],
    ]);
  });
});
