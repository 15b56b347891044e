/**
 * A token bucket: at most `ratePerSec` takes per second on average, bursts of up to `burst`.
 * Pure apart from its own state; the caller passes the clock, so it is tested in virtual time.
 * Guards Postgres when bucket snapshots are missing (SCHED_DB_FALLBACK_MAX_QPS).
 */
export class TokenBucket {
  readonly ratePerSec: number;
  readonly burst: number;
  #tokens: number;
  #updatedAt: number | null = null;

  constructor(options: { ratePerSec: number; burst?: number }) {
    if (!(options.ratePerSec > 0)) throw new RangeError('ratePerSec must be positive');
    this.ratePerSec = options.ratePerSec;
    // Default burst: one second's worth, at least one, so a fractional rate still admits a take.
    this.burst = options.burst ?? Math.max(1, options.ratePerSec);
    if (!(this.burst >= 1)) throw new RangeError('burst must be at least 1');
    this.#tokens = this.burst;
  }

  /** Takes one token if available at `nowMs`; false when the rate is exhausted. */
  tryTake(nowMs: number): boolean {
    this.#refill(nowMs);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Tokens available at `nowMs` (fractional). */
  available(nowMs: number): number {
    this.#refill(nowMs);
    return this.#tokens;
  }

  #refill(nowMs: number): void {
    if (this.#updatedAt !== null && nowMs > this.#updatedAt) {
      const earned = ((nowMs - this.#updatedAt) / 1000) * this.ratePerSec;
      this.#tokens = Math.min(this.burst, this.#tokens + earned);
    }
    // A clock that steps back must not mint tokens later: keep the latest instant seen.
    if (this.#updatedAt === null || nowMs > this.#updatedAt) this.#updatedAt = nowMs;
  }
}
