import type { SelectResult } from '@switchyard/contracts';
import { NoAvailableAccountsError } from './scheduler-errors.js';
import { SelectOutcome } from './scheduler-metrics.js';
import type { SelectRecord } from './scheduler-metrics.js';

/** What a select saw and decided, filled in as it goes, for the metrics. */
export type SelectTrace = {
  sessionAccountId: number | null;
  escapeReason: string | null;
};

/** One select as the metrics count it: outcome, layer, switch, escape, skew and latency. */
export function selectRecord(
  trace: SelectTrace,
  result: SelectResult | undefined,
  failure: unknown,
  elapsedMs: number,
): SelectRecord {
  let outcome: SelectOutcome;
  if (result !== undefined) {
    outcome = result.slot === undefined ? SelectOutcome.Wait : SelectOutcome.Slot;
  } else {
    outcome =
      failure instanceof NoAvailableAccountsError ? SelectOutcome.None : SelectOutcome.Error;
  }
  return {
    outcome,
    layer: result?.decision.layer ?? null,
    switched:
      result !== undefined &&
      trace.sessionAccountId !== null &&
      result.account.id !== trace.sessionAccountId,
    escapeReason: trace.escapeReason,
    loadSkew: result?.decision.loadSkew ?? null,
    latencyUs: elapsedMs * 1000,
    leased: result?.lease !== undefined,
  };
}
