export { DEFAULT_POLICY_CONFIG } from './types.js';
export type {
  Candidate,
  CandidateLoad,
  CandidateStats,
  PolicyConfig,
  PolicyInput,
  ScoreWeights,
} from './types.js';
export { EscapeReason, Ineligibility, NoSelectionReason } from './selection-plan.js';
export type {
  NoSelection,
  PlannedSelection,
  RejectionCounts,
  SelectionAttempt,
  SelectionPlan,
  SelectionPolicy,
} from './selection-plan.js';
export { selectLayered } from './select-layered.js';
export { BucketColumns } from './bucket-columns.js';
export { policies, POLICY_NAMES, isPolicyName } from './policies.js';
export type { PolicyName } from './policies.js';

export { supportsTransport } from './supports-transport.js';
export { servesRequestPlatform } from './serves-request-platform.js';
export { eligibilityContext, ineligibility } from './eligibility.js';
export type { EligibilityContext } from './eligibility.js';
export { stickyEscapeReason } from './sticky-escape.js';
export {
  errorFactor,
  loadRate,
  priorityFactor,
  queueFactor,
  scoreBreakdown,
  ttftFactor,
} from './score.js';
export type { ScoreNorms } from './score.js';
export { TopKHeap, compareRanked } from './bounded-heap.js';
export type { RankColumns, RankKey } from './bounded-heap.js';
export { weightedOrder } from './weighted-order.js';
export { requestSeed, seededRng } from './seed.js';

export { BENCH_NOW, benchRequest, makeCandidates, timeSelectLayered } from './bench-support.js';
export type { BenchClock } from './bench-support.js';
