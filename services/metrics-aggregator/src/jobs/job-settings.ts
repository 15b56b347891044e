import type { RetentionDays } from '@switchyard/config';

/** Timing of the aggregation jobs, in the units the code uses (ms), built from the config. */
export type JobSettings = {
  readonly hourlyIntervalMs: number;
  readonly hourlySafeDelayMs: number;
  /** Hours recomputed on every hourly run in case events arrived after their hour closed. */
  readonly hourlyOverlapHours: number;
  readonly dailyIntervalMs: number;
  readonly retentionIntervalMs: number;
  readonly retentionDays: RetentionDays;
};
