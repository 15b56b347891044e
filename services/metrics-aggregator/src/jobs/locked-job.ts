import type { Logger } from '@switchyard/telemetry';
import type { AggregatorMetrics } from '../aggregator-metrics.js';
import type { PeriodicJob } from './job-scheduler.js';
import { windowOf } from './job-scheduler.js';
import type { JobRunOutcome, LeaderLock } from './leader-lock.js';

/** A periodic job whose ticks go through the leader lock; tick says whether this instance ran. */
export interface LockedJob extends PeriodicJob {
  tick(now: number): Promise<JobRunOutcome>;
}

export type LockedJobSpec = {
  readonly name: string;
  readonly intervalMs: number;
  readonly offsetMs?: number;
  /** The work; its result is logged. */
  readonly run: (now: number) => Promise<unknown>;
};

export type LockedJobDeps = {
  readonly lock: LeaderLock;
  readonly logger: Logger;
  readonly metrics: AggregatorMetrics;
};

/** Wraps a job's work in the leader lock for the window of each tick, with logs and metrics. */
export function lockedJob(spec: LockedJobSpec, deps: LockedJobDeps): LockedJob {
  const job: LockedJob = {
    name: spec.name,
    intervalMs: spec.intervalMs,
    offsetMs: spec.offsetMs ?? 0,
    async tick(now) {
      const startedAt = performance.now();
      let outcome: JobRunOutcome;
      try {
        outcome = await deps.lock.run(spec.name, windowOf(job, now), async () => {
          const result = await spec.run(now);
          deps.logger.info('job ran', { job: spec.name, result });
        });
      } catch (err) {
        deps.metrics.jobRuns.inc({ job: spec.name, outcome: 'failed' });
        throw err;
      }
      if (outcome.ran) {
        deps.metrics.jobRuns.inc({ job: spec.name, outcome: `ran_${outcome.via}` });
        deps.metrics.jobSeconds.observe({ job: spec.name }, (performance.now() - startedAt) / 1000);
      } else {
        deps.metrics.jobRuns.inc({ job: spec.name, outcome: `skipped_${outcome.reason}` });
      }
      return outcome;
    },
  };
  return job;
}
