/**
 * The last `capacity` decision latencies, for the average and p99 of the metrics snapshot.
 * A fixed ring: recording is O(1) with no allocation on the hot path; the percentile sorts a
 * copy only when someone asks (a metrics request, a scrape).
 */
export class LatencyWindow {
  readonly #samples: Float64Array;
  #next = 0;
  #count = 0;

  constructor(capacity = 4096) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be >= 1');
    this.#samples = new Float64Array(capacity);
  }

  record(value: number): void {
    this.#samples[this.#next] = value;
    this.#next = (this.#next + 1) % this.#samples.length;
    if (this.#count < this.#samples.length) this.#count += 1;
  }

  get count(): number {
    return this.#count;
  }

  /** Mean of the window; 0 when empty. */
  mean(): number {
    if (this.#count === 0) return 0;
    let sum = 0;
    for (let i = 0; i < this.#count; i++) sum += this.#samples[i]!;
    return sum / this.#count;
  }

  /** Nearest-rank percentile (0 < p <= 100) of the window; 0 when empty. */
  percentile(p: number): number {
    if (this.#count === 0) return 0;
    const sorted = this.#samples.slice(0, this.#count).sort();
    const rank = Math.ceil((p / 100) * sorted.length);
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
  }
}
