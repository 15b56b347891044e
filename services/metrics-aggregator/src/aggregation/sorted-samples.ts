/**
 * Exact order statistics over latency samples (integer milliseconds) kept as sorted Int32Arrays.
 * A slice is sorted once; a coarser level (a platform, everything) is the union of several
 * slices and is never sorted again: its k-th smallest value is found by binary search over the
 * value range, counting in each slice. That is what makes the hourly roll-up cheaper than
 * sorting every level the way GROUPING SETS + percentile_cont does.
 */

/** Sorts raw samples into the form the functions below take. */
export function sortSamples(values: readonly number[]): Int32Array {
  const sorted = Int32Array.from(values);
  sorted.sort();
  return sorted;
}

/** Number of elements of `sorted` that are <= value. */
export function countAtMost(sorted: Int32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function totalCount(parts: readonly Int32Array[]): number {
  let n = 0;
  for (const part of parts) n += part.length;
  return n;
}

/** The k-th smallest sample (0-based) of the union of `parts`; k must be < the total count. */
export function kthSmallest(parts: readonly Int32Array[], k: number): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const part of parts) {
    if (part.length === 0) continue;
    lo = Math.min(lo, part[0]!);
    hi = Math.max(hi, part[part.length - 1]!);
  }
  // Smallest integer v with more than k samples <= v: samples are integers, so this
  // terminates after log2(range) rounds.
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    let atMost = 0;
    for (const part of parts) atMost += countAtMost(part, mid);
    if (atMost > k) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Continuous percentile exactly as Postgres `percentile_cont(p)` computes it: the value at
 * position p·(n−1) of the sorted samples, interpolating linearly between its neighbours.
 * Null when there are no samples.
 */
export function percentileCont(parts: readonly Int32Array[], p: number): number | null {
  const n = totalCount(parts);
  if (n === 0) return null;
  return interpolate(p, n, (k) => kthSmallest(parts, k));
}

/** percentile_cont's interpolation, given a way to read the k-th smallest (0-based) value. */
export function interpolate(p: number, n: number, kth: (k: number) => number): number {
  const position = p * (n - 1);
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const first = kth(below);
  if (above === below) return first;
  const second = kth(above);
  return first + (second - first) * (position - below);
}

export function sumOf(parts: readonly Int32Array[]): number {
  let sum = 0;
  for (const part of parts) for (let i = 0; i < part.length; i++) sum += part[i]!;
  return sum;
}

export function maxOf(parts: readonly Int32Array[]): number | null {
  let max: number | null = null;
  for (const part of parts) {
    if (part.length > 0 && (max === null || part[part.length - 1]! > max)) {
      max = part[part.length - 1]!;
    }
  }
  return max;
}
