import type { EpochMs } from '@switchyard/domain';
import { DEFAULT_EWMA_ALPHA, applySample, type AccountStats, type StatsSample } from './ewma.js';
import { InvalidEwmaAlphaError } from './invalid-ewma-alpha-error.js';

export type AccountStatsTableOptions = {
  /** Weight of the newest sample, in (0, 1]; default DEFAULT_EWMA_ALPHA. */
  alpha?: number;
};

/**
 * Per-account EWMA statistics of one replica, fed by `sched.v1.report` (fan-out, so every
 * replica folds in every report). Entries are replaced, never edited in place, so a value
 * returned by `get` stays a consistent snapshot while later reports arrive.
 */
export class AccountStatsTable {
  readonly #alpha: number;
  readonly #byAccount = new Map<number, AccountStats>();

  constructor(options: AccountStatsTableOptions = {}) {
    const alpha = options.alpha ?? DEFAULT_EWMA_ALPHA;
    if (!(alpha > 0 && alpha <= 1)) throw new InvalidEwmaAlphaError(alpha);
    this.#alpha = alpha;
  }

  get alpha(): number {
    return this.#alpha;
  }

  /** Folds one report in at `now` (the caller's clock) and returns the account's new stats. */
  record(report: StatsSample, now: EpochMs): AccountStats {
    const next = applySample(this.#byAccount.get(report.accountId), report, now, this.#alpha);
    this.#byAccount.set(report.accountId, next);
    return next;
  }

  /** The account's statistics, or null when no report about it has arrived yet. */
  get(accountId: number): AccountStats | null {
    return this.#byAccount.get(accountId) ?? null;
  }

  /** Forgets an account (e.g. deleted); returns whether it had statistics. */
  delete(accountId: number): boolean {
    return this.#byAccount.delete(accountId);
  }

  /** Number of accounts with statistics (the `accountsWithStats` metric). */
  get size(): number {
    return this.#byAccount.size;
  }

  values(): IterableIterator<AccountStats> {
    return this.#byAccount.values();
  }
}
