import type { Platform } from '@switchyard/domain';
import { Counter, Gauge, Histogram } from '@switchyard/telemetry';
import type { Registry } from '@switchyard/telemetry';
import type { ClientFormat } from './errors/index.js';
import {
  AttemptResult,
  statusClass,
  type FailoverReason,
  type SelectOutcome,
} from './metric-labels.js';

// Like the other services' series (scheduler_*, snapshot_builder_*): the service's name first.
const PREFIX = 'gateway_';

// Seconds. A relayed request lasts from milliseconds (count_tokens, a routing refusal) to
// minutes (a long stream); past ten minutes only +Inf tells them apart, which is enough.
const REQUEST_BUCKETS = [
  0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600,
];
// A select answered from the scheduler's memory and stock is 0.1–1 ms; the tail up to the
// select budget (SCHEDULER_TIMEOUT_MS, 1 s by default) shows trouble.
const SELECT_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
];
// Time to first byte of a model's answer: ~0.2 s for a small model, tens of seconds for a
// thinking one; the top bucket is the first-byte timeout's default (300 s).
const FIRST_BYTE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];

/**
 * The gateway's request series on a Prometheus registry (`gateway_*`; README,
 * "Prometheus metrics"). Every call is on a request's path: each records into a prom-client
 * child made once per label combination, so no label object is built per observation.
 */
export class GatewayMetrics {
  readonly #requests: Children<{ inc(): void }>;
  readonly #duration: Children<{ observe(value: number): void }>;
  readonly #select: Children<{ observe(value: number): void }>;
  readonly #firstByte: Children<{ observe(value: number): void }>;
  readonly #attempts: Children<{ inc(): void }>;
  readonly #failovers: Children<{ inc(): void }>;

  /**
   * `keptSlots` reads how many slots the gateway keeps for leased sessions now
   * (LeaseSlotStock), for the `lease_kept_slots` gauge.
   */
  constructor(registry: Registry, keptSlots: () => number = () => 0) {
    const registers = [registry];
    new Gauge({
      name: `${PREFIX}lease_kept_slots`,
      help: "Slots this replica keeps between a leased session's requests (counted against their accounts' concurrency like any slot).",
      registers,
      collect() {
        this.set(keptSlots());
      },
    });
    const requests = new Counter({
      name: `${PREFIX}requests_total`,
      help: 'Client API requests answered, by client format and class of the status the client got (client_closed: it went away first).',
      labelNames: ['format', 'status_class'],
      registers,
    });
    const duration = new Histogram({
      name: `${PREFIX}request_duration_seconds`,
      help: 'Relayed requests, from the route taking the request (key checked, body read) to the end of the response.',
      labelNames: ['format', 'stream'],
      buckets: REQUEST_BUCKETS,
      registers,
    });
    const select = new Histogram({
      name: `${PREFIX}select_duration_seconds`,
      help: 'Scheduler round trip of one select (sched.v1.select), by how it ended; under a session lease no select is made: outcome "lease" is the slot taken in Redis instead, "lease_kept" a slot the replica kept for the session.',
      labelNames: ['outcome'],
      buckets: SELECT_BUCKETS,
      registers,
    });
    const firstByte = new Histogram({
      name: `${PREFIX}upstream_first_byte_seconds`,
      help: 'From sending a request upstream to the first byte of its successful answer.',
      labelNames: ['platform'],
      buckets: FIRST_BYTE_BUCKETS,
      registers,
    });
    const attempts = new Counter({
      name: `${PREFIX}attempts_total`,
      help: 'Attempts on an upstream account, by platform and how they ended.',
      labelNames: ['platform', 'outcome'],
      registers,
    });
    const failovers = new Counter({
      name: `${PREFIX}failovers_total`,
      help: 'Attempts that failed for an account-level reason (attempts_total{outcome="failover"}), by reason.',
      labelNames: ['platform', 'reason'],
      registers,
    });
    this.#requests = new Children((format, cls) => requests.labels(format, cls));
    this.#duration = new Children((format, stream) => duration.labels(format, stream));
    this.#select = new Children((outcome) => select.labels(outcome));
    this.#firstByte = new Children((platform) => firstByte.labels(platform));
    this.#attempts = new Children((platform, outcome) => attempts.labels(platform, outcome));
    this.#failovers = new Children((platform, reason) => failovers.labels(platform, reason));
  }

  /** A request the relay handled ended with `status`; `startedAt` is its performance.now(). */
  relayed(format: ClientFormat, stream: boolean, status: number, startedAt: number): void {
    this.#requests.get(format, statusClass(status)).inc();
    this.#duration
      .get(format, stream ? 'true' : 'false')
      .observe((performance.now() - startedAt) / 1000);
  }

  /** A request answered without the relay: refused key, bad body, an error the relay threw. */
  answered(format: ClientFormat, status: number): void {
    this.#requests.get(format, statusClass(status)).inc();
  }

  /**
   * A select's scheduler round trip (or, outcome "lease", the Redis slot acquire that replaced
   * it), begun at `startedAt` (performance.now()), ended now.
   */
  selected(outcome: SelectOutcome, startedAt: number): void {
    this.#select.get(outcome, '').observe((performance.now() - startedAt) / 1000);
  }

  /** An upstream call sent at `sentAt`; `firstByteAt` null when no answer byte came. */
  firstByte(platform: Platform, sentAt: number, firstByteAt: number | null): void {
    if (firstByteAt === null) return;
    this.#firstByte.get(platform, '').observe(Math.max(0, firstByteAt - sentAt) / 1000);
  }

  /** An attempt that did not fail over (those go through `failover`). */
  attempt(platform: Platform, result: Exclude<AttemptResult, 'failover'>): void {
    this.#attempts.get(platform, result).inc();
  }

  /** An attempt that failed for an account-level reason. */
  failover(platform: Platform, reason: FailoverReason): void {
    this.#attempts.get(platform, AttemptResult.Failover).inc();
    this.#failovers.get(platform, reason).inc();
  }
}

/**
 * A metric's children, made once per label pair (one-label metrics pass '' second): every
 * `labels()` call builds a label object and a bound function, which the hot path should not.
 */
class Children<T> {
  readonly #make: (first: string, second: string) => T;
  readonly #byFirst = new Map<string, Map<string, T>>();

  constructor(make: (first: string, second: string) => T) {
    this.#make = make;
  }

  get(first: string, second: string): T {
    let bySecond = this.#byFirst.get(first);
    if (bySecond === undefined) {
      bySecond = new Map();
      this.#byFirst.set(first, bySecond);
    }
    let child = bySecond.get(second);
    if (child === undefined) {
      child = this.#make(first, second);
      bySecond.set(second, child);
    }
    return child;
  }
}
