import { SelectLayer } from '@switchyard/contracts';
import type { MetricsSnapshot } from '@switchyard/contracts';
import { Counter, Gauge, Histogram } from '@switchyard/telemetry';
import type { Registry } from '@switchyard/telemetry';
import { LatencyWindow } from './latency-window.js';

/** How one select ended, for the counters. */
export const SelectOutcome = {
  Slot: 'slot',
  Wait: 'wait',
  None: 'none',
  Error: 'error',
} as const;
export type SelectOutcome = (typeof SelectOutcome)[keyof typeof SelectOutcome];

export type SelectRecord = {
  readonly outcome: SelectOutcome;
  /** Null when no plan was made (no account, or an error before the policy ran). */
  readonly layer: SelectLayer | null;
  /** The request had a session binding and was served by another account. */
  readonly switched: boolean;
  readonly escapeReason: string | null;
  /** Standard deviation of load rate across the candidates (load-balance decisions only). */
  readonly loadSkew: number | null;
  readonly latencyUs: number;
  /** The answer carried a session lease (see session-lease.ts). */
  readonly leased?: boolean;
};

/** Gauges read at snapshot / scrape time from the replica's state. */
export type MetricsSources = {
  readonly accountsWithStats: () => number;
  readonly bucketsLoaded: () => number;
  readonly accountsLoaded: () => number;
};

// Decision latency buckets (seconds): a select is ~0.1–1 ms; the tail up to 50 ms shows trouble.
const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0015, 0.0025, 0.005, 0.01, 0.025, 0.05];

/**
 * One replica's selection metrics, kept twice over: plain counters for the `sched.v1.metrics`
 * snapshot (since start), and Prometheus series on the service's registry (`/metrics`).
 *
 * Definitions: `selectTotal` counts every select answered, errors included; sticky hits are
 * selects decided by the previous-response or session layer; `switches` are selects whose
 * session was bound to another account than the one answered; `loadSkewAvg` averages over
 * load-balance decisions only (sticky layers do not rank, their skew would read as 0).
 */
export class SchedulerMetrics {
  readonly #replicaId: string;
  readonly #sources: MetricsSources;
  readonly #latency = new LatencyWindow();
  #selectTotal = 0;
  #previousResponseHits = 0;
  #sessionHits = 0;
  #loadBalanceSelects = 0;
  #switches = 0;
  #escapes = 0;
  #skewSum = 0;
  #skewCount = 0;
  readonly #selects: Counter<'layer' | 'outcome'>;
  readonly #switchCounter: Counter;
  readonly #escapeCounter: Counter<'reason'>;
  readonly #leaseCounter: Counter;
  readonly #latencyHistogram: Histogram;

  constructor(replicaId: string, registry: Registry, sources: MetricsSources) {
    this.#replicaId = replicaId;
    this.#sources = sources;
    const registers = [registry];
    this.#selects = new Counter({
      name: 'scheduler_selects_total',
      help: 'Selects answered, by deciding layer (none when no plan) and outcome.',
      labelNames: ['layer', 'outcome'],
      registers,
    });
    this.#switchCounter = new Counter({
      name: 'scheduler_session_switches_total',
      help: 'Selects that served a session-bound request from another account than its binding.',
      registers,
    });
    this.#escapeCounter = new Counter({
      name: 'scheduler_sticky_escapes_total',
      help: 'Session bindings skipped for one request because the account looked unhealthy.',
      labelNames: ['reason'],
      registers,
    });
    this.#leaseCounter = new Counter({
      name: 'scheduler_session_leases_total',
      help: "Answers that carried a session lease: the caller takes the session's next slots itself, without selecting, while it lasts.",
      registers,
    });
    this.#latencyHistogram = new Histogram({
      name: 'scheduler_decision_latency_seconds',
      help: 'Time from receiving a select to having its answer (Redis round trips included).',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    gauge('scheduler_sticky_hit_ratio', 'Sticky hits over selects since start.', () =>
      this.#ratio(this.#previousResponseHits + this.#sessionHits),
    );
    gauge('scheduler_switch_rate', 'Session switches over selects since start.', () =>
      this.#ratio(this.#switches),
    );
    gauge('scheduler_load_skew_avg', 'Mean standard deviation of candidate load rates.', () =>
      this.#skewAvg(),
    );
    gauge(
      'scheduler_accounts_with_stats',
      'Accounts with EWMA statistics.',
      sources.accountsWithStats,
    );
    gauge('scheduler_buckets_loaded', 'Buckets held in memory.', sources.bucketsLoaded);
    gauge('scheduler_accounts_loaded', 'Distinct accounts held in memory.', sources.accountsLoaded);
  }

  record(select: SelectRecord): void {
    this.#selectTotal += 1;
    if (select.layer === SelectLayer.PreviousResponse) this.#previousResponseHits += 1;
    else if (select.layer === SelectLayer.Session) this.#sessionHits += 1;
    else if (select.layer === SelectLayer.LoadBalance) this.#loadBalanceSelects += 1;
    if (select.switched) {
      this.#switches += 1;
      this.#switchCounter.inc();
    }
    if (select.escapeReason !== null) {
      this.#escapes += 1;
      this.#escapeCounter.inc({ reason: select.escapeReason });
    }
    if (select.loadSkew !== null && select.layer === SelectLayer.LoadBalance) {
      this.#skewSum += select.loadSkew;
      this.#skewCount += 1;
    }
    if (select.leased === true) this.#leaseCounter.inc();
    this.#latency.record(select.latencyUs);
    this.#latencyHistogram.observe(select.latencyUs / 1e6);
    this.#selects.inc({ layer: select.layer ?? 'none', outcome: select.outcome });
  }

  snapshot(): MetricsSnapshot {
    return {
      replicaId: this.#replicaId,
      selectTotal: this.#selectTotal,
      previousResponseHits: this.#previousResponseHits,
      sessionHits: this.#sessionHits,
      loadBalanceSelects: this.#loadBalanceSelects,
      switches: this.#switches,
      escapes: this.#escapes,
      decisionLatencyAvgUs: round(this.#latency.mean()),
      decisionLatencyP99Us: round(this.#latency.percentile(99)),
      stickyHitRatio: this.#ratio(this.#previousResponseHits + this.#sessionHits),
      switchRate: this.#ratio(this.#switches),
      loadSkewAvg: this.#skewAvg(),
      accountsWithStats: this.#sources.accountsWithStats(),
    };
  }

  #ratio(count: number): number {
    return this.#selectTotal === 0 ? 0 : count / this.#selectTotal;
  }

  #skewAvg(): number {
    return this.#skewCount === 0 ? 0 : this.#skewSum / this.#skewCount;
  }
}

function round(us: number): number {
  return Math.round(us * 10) / 10;
}
