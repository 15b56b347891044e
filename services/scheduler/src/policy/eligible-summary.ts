import { emptyRejectionCounts } from './eligibility.js';
import type { RejectionCounts } from './selection-plan.js';

/** What a load-balance filtering pass learns besides the eligible rows themselves. */
export class EligibleSummary {
  count = 0;
  minPriority = Infinity;
  maxPriority = -Infinity;
  minTtftMs = Infinity;
  loadSum = 0;
  loadSquares = 0;
  readonly rejected: RejectionCounts = emptyRejectionCounts();
}
