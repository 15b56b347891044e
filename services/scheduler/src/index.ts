// The scheduler's public entry: the in-process replica (main.ts, tests, benches), the pieces a
// test or bench drives directly, and the pure selection policy and statistics.

export { createScheduler, DEFAULT_SCHEDULER_TUNING } from './create-scheduler.js';
export type { CreateSchedulerOptions, Scheduler, SchedulerTuning } from './create-scheduler.js';
export {
  NoAvailableAccountsError,
  SchedulerError,
  SchedulerTimeoutError,
  SchedulerUnavailableError,
} from './scheduler-errors.js';
export { TokenBucket } from './token-bucket.js';
export { LatencyWindow } from './latency-window.js';
export { AccountStateLog } from './account-state-log.js';
export { SessionCache } from './session-cache.js';
export { SchedulerMetrics, SelectOutcome } from './scheduler-metrics.js';
export type { MetricsSources, SelectRecord } from './scheduler-metrics.js';
export { BucketCandidates, BucketSource, FALLBACK_VERSION } from './bucket-candidates.js';
export { liveCandidate } from './live-candidate.js';
export type { LiveCandidate, LiveLoad } from './live-candidate.js';
export { toPolicyConfig } from './policy-config.js';

// The policy and statistics modules keep their own index files; these are the names the
// service, its tests and the benches use from outside.
export {
  BENCH_NOW,
  BucketColumns,
  DEFAULT_POLICY_CONFIG,
  EscapeReason,
  NoSelectionReason,
  benchRequest,
  makeCandidates,
  policies,
  requestSeed,
  seededRng,
  selectLayered,
} from './policy/index.js';
export type {
  Candidate,
  CandidateStats,
  PlannedSelection,
  PolicyConfig,
  PolicyInput,
  SelectionPlan,
  SelectionPolicy,
} from './policy/index.js';
export { AccountStatsTable } from './stats/index.js';
export type { AccountStats } from './stats/index.js';
