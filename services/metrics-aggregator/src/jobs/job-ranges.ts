import { DAY_MS, HOUR_MS, floorDay, floorHour } from '../aggregation/time-buckets.js';

/** A span of whole buckets, epoch ms: [from, to). */
export type BucketRange = { readonly from: number; readonly to: number };

export type HourlyRangeInput = {
  readonly now: number;
  /** An hour is computed only this long after it ended, so late events are in. */
  readonly safeDelayMs: number;
  /** The last hours are recomputed on every run, for events that arrive later still. */
  readonly overlapHours: number;
  /** Start of the newest hourly bucket written, or null. */
  readonly latestWritten: number | null;
  /** Time of the oldest raw record, or null: where a first run starts. */
  readonly earliestRaw: number | null;
  /** Raw records older than this are deleted by retention. */
  readonly rawRetentionMs: number;
};

/**
 * Which hours the hourly job computes now: from the hour after the last one written (catch-up
 * after downtime, however long) or the overlap window, whichever starts earlier, up to the last
 * hour that ended at least `safeDelayMs` ago. Never an hour whose raw records retention may
 * already have thinned: recomputing it would overwrite good rows with partial ones.
 */
export function hourlyRange(input: HourlyRangeInput): BucketRange | null {
  const to = floorHour(input.now - input.safeDelayMs);
  const overlapFrom = to - input.overlapHours * HOUR_MS;
  let from: number;
  if (input.latestWritten !== null) from = Math.min(input.latestWritten + HOUR_MS, overlapFrom);
  else if (input.earliestRaw !== null) from = Math.min(floorHour(input.earliestRaw), overlapFrom);
  else from = overlapFrom;
  from = Math.max(from, ceilTo(input.now - input.rawRetentionMs, HOUR_MS));
  return from < to ? { from, to } : null;
}

export type DailyRangeInput = {
  readonly now: number;
  /** End of the hours the hourly job has closed (its range's `to` at this time). */
  readonly hourlyTo: number;
  /** Start of the newest daily bucket written, or null. */
  readonly latestWritten: number | null;
  /** Start of the oldest hourly bucket, or null: where a first run starts. */
  readonly earliestHourly: number | null;
  /** Hourly rows older than this are deleted by retention. */
  readonly hourlyRetentionMs: number;
};

/**
 * Which days the daily job computes now: from the last day written (it may have been written
 * while still partial) — and at least from yesterday, whose last hours the hourly overlap may
 * have revised after midnight — through the day holding the last closed hour (partial until
 * the day ends). Never a day whose hourly rows retention may already have thinned.
 */
export function dailyRange(input: DailyRangeInput): BucketRange | null {
  const lastDay = floorDay(input.hourlyTo - 1);
  const to = lastDay + DAY_MS;
  const yesterday = lastDay - DAY_MS;
  let from: number;
  if (input.latestWritten !== null) from = Math.min(input.latestWritten, yesterday);
  else if (input.earliestHourly !== null)
    from = Math.min(floorDay(input.earliestHourly), yesterday);
  else from = yesterday;
  from = Math.max(from, ceilTo(input.now - input.hourlyRetentionMs, DAY_MS));
  return from < to ? { from, to } : null;
}

/** Splits a range into consecutive pieces of at most `size` (keeps one run's memory bounded). */
export function chunks(range: BucketRange, size: number): BucketRange[] {
  const pieces: BucketRange[] = [];
  for (let from = range.from; from < range.to; from += size) {
    pieces.push({ from, to: Math.min(from + size, range.to) });
  }
  return pieces;
}

function ceilTo(ms: number, size: number): number {
  return Math.ceil(ms / size) * size;
}
