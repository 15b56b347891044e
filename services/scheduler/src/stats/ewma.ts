import type { Report } from '@switchyard/contracts';
import type { EpochMs } from '@switchyard/domain';

/**
 * Weight of the newest sample. 0.2 gives an effective memory of about 1/α = 5 reports: a run of
 * failures shows within a handful of requests, yet one slow or failed request cannot on its
 * own push an account past the sticky-escape thresholds.
 */
export const DEFAULT_EWMA_ALPHA = 0.2;

/** One account's running statistics, as seen by this replica. */
export type AccountStats = {
  readonly accountId: number;
  /** EWMA of failure (1) / success (0); starts at 0, so a fresh account is presumed healthy. */
  readonly errorRate: number;
  /** EWMA of time to first token in ms; null until a report carried `firstTokenMs`. */
  readonly ttftMs: number | null;
  /** Reports folded into `errorRate`. */
  readonly samples: number;
  /** Reports folded into `ttftMs`. */
  readonly ttftSamples: number;
  /** When the last report was applied (the caller's clock). */
  readonly updatedAt: EpochMs;
};

/** The outcome fields a report contributes to the statistics. */
export type StatsSample = Pick<Report, 'accountId' | 'success' | 'firstTokenMs'>;

/** `previous` moved towards `sample` by `alpha`. */
export function ewma(previous: number, sample: number, alpha: number): number {
  return previous + alpha * (sample - previous);
}

/**
 * The statistics after folding in one report; `previous` is undefined for an account never seen.
 *
 * Error rate starts from 0 rather than from the first outcome: seeding it with a single failure
 * would make a brand-new account look 100 % broken and trip the sticky escape at once.
 * TTFT has no neutral starting value, so the first measurement seeds it. A report without
 * `firstTokenMs` (an error before any token, or a non-streaming call) says nothing about TTFT
 * and leaves it untouched.
 */
export function applySample(
  previous: AccountStats | undefined,
  sample: StatsSample,
  now: EpochMs,
  alpha: number = DEFAULT_EWMA_ALPHA,
): AccountStats {
  const outcome = sample.success ? 0 : 1;
  const errorRate = ewma(previous?.errorRate ?? 0, outcome, alpha);
  let ttftMs = previous?.ttftMs ?? null;
  let ttftSamples = previous?.ttftSamples ?? 0;
  if (sample.firstTokenMs !== undefined) {
    ttftMs = ttftMs === null ? sample.firstTokenMs : ewma(ttftMs, sample.firstTokenMs, alpha);
    ttftSamples += 1;
  }
  return {
    accountId: sample.accountId,
    errorRate,
    ttftMs,
    samples: (previous?.samples ?? 0) + 1,
    ttftSamples,
    updatedAt: now,
  };
}
