import type { Registry } from '@switchyard/telemetry';
import { Counter, Histogram } from '@switchyard/telemetry';

/** The aggregator's own Prometheus metrics. */
export type AggregatorMetrics = {
  /** Events written or skipped as already stored, by kind (`usage`, `error`) and outcome. */
  readonly events: Counter<'kind' | 'outcome'>;
  /** Malformed events parked, by kind. */
  readonly parked: Counter<'kind'>;
  /** Usage records whose model has no price in MODEL_PRICES (stored with cost 0). */
  readonly unpriced: Counter;
  readonly batchSeconds: Histogram<'kind'>;
  /** Job ticks by job and outcome (ran via redis/postgres, skipped, failed). */
  readonly jobRuns: Counter<'job' | 'outcome'>;
  readonly jobSeconds: Histogram<'job'>;
  /** Reports delivered, by report and target (`dir`, `webhook`), and failures. */
  readonly reports: Counter<'report' | 'target' | 'outcome'>;
};

export function createAggregatorMetrics(registry: Registry): AggregatorMetrics {
  const registers = [registry];
  return {
    events: new Counter({
      name: 'metrics_aggregator_events_total',
      help: 'Usage and error events ingested, by kind and outcome (inserted, duplicate).',
      labelNames: ['kind', 'outcome'],
      registers,
    }),
    parked: new Counter({
      name: 'metrics_aggregator_events_parked_total',
      help: 'Malformed events moved to the parked stream, by kind.',
      labelNames: ['kind'],
      registers,
    }),
    unpriced: new Counter({
      name: 'metrics_aggregator_unpriced_usage_total',
      help: 'Usage records whose model has no price in MODEL_PRICES: stored with cost 0, so they count toward no USD quota.',
      registers,
    }),
    batchSeconds: new Histogram({
      name: 'metrics_aggregator_ingest_batch_seconds',
      help: 'Time to write one ingest batch to Postgres.',
      labelNames: ['kind'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    jobRuns: new Counter({
      name: 'metrics_aggregator_job_runs_total',
      help: 'Job ticks by job and outcome.',
      labelNames: ['job', 'outcome'],
      registers,
    }),
    jobSeconds: new Histogram({
      name: 'metrics_aggregator_job_seconds',
      help: 'Duration of the job runs this instance did.',
      labelNames: ['job'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
      registers,
    }),
    reports: new Counter({
      name: 'metrics_aggregator_reports_total',
      help: 'Report deliveries by report, target and outcome.',
      labelNames: ['report', 'target', 'outcome'],
      registers,
    }),
  };
}
