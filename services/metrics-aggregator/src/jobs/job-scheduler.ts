import type { Logger } from '@switchyard/telemetry';
import { floorTo } from '../aggregation/time-buckets.js';
import type { JobWindow } from './leader-lock.js';

/** A periodic job: `tick` is called once per window, on every instance. */
export interface PeriodicJob {
  readonly name: string;
  readonly intervalMs: number;
  /** Ticks fire at `offsetMs` past each multiple of the interval (epoch-aligned). */
  readonly offsetMs: number;
  tick(now: number): Promise<unknown>;
}

/** The window of `job` that contains `now`. */
export function windowOf(
  job: Pick<PeriodicJob, 'intervalMs' | 'offsetMs'>,
  now: number,
): JobWindow {
  const start = floorTo(now - job.offsetMs, job.intervalMs) + job.offsetMs;
  return { start, end: start + job.intervalMs };
}

/**
 * Fires each job at the same wall-clock instants on every instance (multiples of its interval
 * plus its offset), so that the replicas' ticks for one window meet at the leader lock together.
 * A tick that is still running when the next one is due makes that next one skip.
 */
export class JobScheduler {
  readonly #jobs: readonly PeriodicJob[];
  readonly #clock: () => number;
  readonly #logger: Logger;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #running = new Map<string, Promise<void>>();
  #stopped = true;

  constructor(jobs: readonly PeriodicJob[], clock: () => number, logger: Logger) {
    this.#jobs = jobs;
    this.#clock = clock;
    this.#logger = logger;
  }

  start(): void {
    this.#stopped = false;
    for (const job of this.#jobs) this.#arm(job);
  }

  /** Stops the timers and waits for running ticks to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    await Promise.all(this.#running.values());
  }

  #arm(job: PeriodicJob, notBefore = 0): void {
    if (this.#stopped) return;
    const now = this.#clock();
    const next = windowOf(job, Math.max(now, notBefore)).end;
    this.#timers.set(
      job.name,
      setTimeout(() => this.#fire(job, next), Math.max(0, next - now)),
    );
  }

  #fire(job: PeriodicJob, due: number): void {
    // A timer may fire a hair early; the tick belongs to the window that starts at `due`.
    const now = Math.max(this.#clock(), due);
    this.#arm(job, due);
    if (this.#running.has(job.name)) {
      this.#logger.warn('job still running; skipping this window', { job: job.name });
      return;
    }
    const run = job
      .tick(now)
      .then(
        () => undefined,
        (err: unknown) => this.#logger.error('job failed', { job: job.name, error: err }),
      )
      .finally(() => this.#running.delete(job.name));
    this.#running.set(job.name, run);
  }
}
