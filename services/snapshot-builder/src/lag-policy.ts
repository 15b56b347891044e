import type { EpochMs } from '@switchyard/domain';

/** When falling behind on account events becomes worth a warning or a full rebuild. */
export interface LagThresholds {
  /** Lag from which every check logs a warning. */
  readonly warnMs: number;
  /** Lag that, held for `rebuildChecks` checks in a row, triggers a full rebuild. */
  readonly rebuildMs: number;
  readonly rebuildChecks: number;
  /** More pending events than this triggers a full rebuild at once. */
  readonly backlogRows: number;
}

/** What one look at the durable consumer found. */
export interface LagSample {
  /** Events not yet processed: never delivered plus delivered but not acked. */
  readonly pending: number;
  /** When the stream stored the oldest unprocessed event; null when there is none. */
  readonly oldestPendingAt: EpochMs | null;
  /** Start of the last completed full rebuild (any replica); null when unknown. */
  readonly lastFullRebuildAt: EpochMs | null;
}

/** Carried from one check to the next. */
export interface LagState {
  /** Checks in a row that saw a lag above `rebuildMs`. */
  readonly slowChecks: number;
}

export const LagRebuildReason = {
  Lag: 'lag',
  Backlog: 'backlog',
} as const;
export type LagRebuildReason = (typeof LagRebuildReason)[keyof typeof LagRebuildReason];

export interface LagVerdict {
  readonly state: LagState;
  /** How far behind the snapshots are, as far as events tell. */
  readonly lagMs: number;
  readonly warn: boolean;
  readonly rebuild: LagRebuildReason | null;
}

export const INITIAL_LAG_STATE: LagState = { slowChecks: 0 };

/**
 * One lag check, pure: the clock is `now`, the history is `state`.
 *
 * Lag counts from the oldest unprocessed event, but never from before the last full rebuild:
 * that rebuild read Postgres after those events were committed, so the snapshots already show
 * them and only what came later can be missing. For the same reason no second rebuild is
 * asked for within `rebuildMs` of the last one — the backlog it left behind drains quickly
 * (events older than a rebuild skip the bucket work) and must get the chance to.
 */
export function assessLag(
  state: LagState,
  sample: LagSample,
  thresholds: LagThresholds,
  now: EpochMs,
): LagVerdict {
  const since =
    sample.oldestPendingAt === null
      ? null
      : Math.max(sample.oldestPendingAt, sample.lastFullRebuildAt ?? sample.oldestPendingAt);
  const lagMs = since === null || sample.pending === 0 ? 0 : Math.max(0, now - since);
  const warn = lagMs >= thresholds.warnMs;
  const coolingDown =
    sample.lastFullRebuildAt !== null && now - sample.lastFullRebuildAt < thresholds.rebuildMs;

  const slowChecks = lagMs > thresholds.rebuildMs ? state.slowChecks + 1 : 0;
  if (!coolingDown && sample.pending > thresholds.backlogRows) {
    return { state: INITIAL_LAG_STATE, lagMs, warn, rebuild: LagRebuildReason.Backlog };
  }
  if (!coolingDown && slowChecks >= thresholds.rebuildChecks) {
    return { state: INITIAL_LAG_STATE, lagMs, warn, rebuild: LagRebuildReason.Lag };
  }
  return { state: { slowChecks }, lagMs, warn, rebuild: null };
}
