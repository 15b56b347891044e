import { EscapeReason } from './selection-plan.js';
import type { CandidateStats, PolicyConfig } from './types.js';

/**
 * Why a session-bound account with these statistics should be skipped for one request, or null
 * when it looks healthy (or escapes are disabled, or there are no statistics yet). When both
 * thresholds are crossed the error rate is reported: failures cost the client a retry, slowness
 * only time.
 */
export function stickyEscapeReason(
  stats: CandidateStats | null,
  config: PolicyConfig,
): EscapeReason | null {
  if (!config.stickyEscapeEnabled || stats === null) return null;
  if (stats.errorRate > config.stickyEscapeErrorRate) return EscapeReason.ErrorRate;
  if (stats.ttftMs !== null && stats.ttftMs > config.stickyEscapeTtftMs) return EscapeReason.Ttft;
  return null;
}
