/** Bucket arithmetic in UTC epoch milliseconds. Hours and days never depend on a time zone. */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** Start of the interval of length `size` that contains `ms` (intervals aligned to the epoch). */
export function floorTo(ms: number, size: number): number {
  return Math.floor(ms / size) * size;
}

export function floorHour(ms: number): number {
  return floorTo(ms, HOUR_MS);
}

export function floorDay(ms: number): number {
  return floorTo(ms, DAY_MS);
}

/** Starts of the buckets of length `size` in [from, to), both already aligned. */
export function bucketStarts(from: number, to: number, size: number): number[] {
  const starts: number[] = [];
  for (let t = from; t < to; t += size) starts.push(t);
  return starts;
}
