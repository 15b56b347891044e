import type { CommonConfig } from './common-config.js';
import { commonVariables, httpPortVariable } from './common-config.js';
import type { Env } from './env.js';
import { loadVariables } from './load-variables.js';
import { boolVar, durationMsVar, enumVar, floatVar, intVar } from './variable-kinds.js';

export const SCHEDULER_POLICIES = ['layered'] as const;
export type SchedulerPolicyName = (typeof SCHEDULER_POLICIES)[number];

/** Weights of the load-balancing score, one per signal. */
export interface ScoreWeights {
  /** Weight of the account's priority (`SCHED_WEIGHT_PRIORITY`). */
  readonly priority: number;
  /** Weight of the account's current load (`SCHED_WEIGHT_LOAD`). */
  readonly load: number;
  /** Weight of the requests queued for the account (`SCHED_WEIGHT_QUEUE`). */
  readonly queue: number;
  /** Weight of the account's EWMA error rate (`SCHED_WEIGHT_ERROR_RATE`). */
  readonly errorRate: number;
  /** Weight of the account's EWMA time to first token (`SCHED_WEIGHT_TTFT`). */
  readonly ttft: number;
}

/** Configuration of the scheduler: selection policy, stickiness, slots and waiting. */
export interface SchedulerConfig extends CommonConfig {
  /** Selection policy (`SCHED_POLICY`). */
  readonly policy: SchedulerPolicyName;
  /** Whether an unhealthy sticky account may be skipped for one request (`SCHED_STICKY_ESCAPE_ENABLED`). */
  readonly stickyEscapeEnabled: boolean;
  /** EWMA TTFT above which a sticky account is escaped (`SCHED_STICKY_ESCAPE_TTFT_MS`). */
  readonly stickyEscapeTtftMs: number;
  /** EWMA error rate (0..1) above which a sticky account is escaped (`SCHED_STICKY_ESCAPE_ERROR_RATE`). */
  readonly stickyEscapeErrorRate: number;
  /** Weights of the load-balancing score (`SCHED_WEIGHT_*`). */
  readonly weights: ScoreWeights;
  /** Best-scored candidates kept for the weighted random draw (`SCHED_TOP_K`). */
  readonly topK: number;
  /** Weight of the newest observation in the EWMA statistics, 0 < alpha <= 1 (`SCHED_EWMA_ALPHA`). */
  readonly ewmaAlpha: number;
  /** Lifetime of a session → account binding (`SCHED_STICKY_TTL_SECONDS`). */
  readonly stickyTtlSeconds: number;
  /** Life of a session lease granted with a select (`SCHED_SESSION_LEASE_MS`); 0 grants none. */
  readonly sessionLeaseMs: number;
  /** Lifetime of a concurrency slot whose holder stopped refreshing it (`SCHED_SLOT_TTL_SECONDS`). */
  readonly slotTtlSeconds: number;
  /** Requests that may queue for a busy sticky account (`SCHED_STICKY_MAX_WAITING`). */
  readonly stickyMaxWaiting: number;
  /** How long a request waits for its busy sticky account (`SCHED_STICKY_WAIT_TIMEOUT_MS`). */
  readonly stickyWaitTimeoutMs: number;
  /** Requests that may wait when every candidate is busy (`SCHED_FALLBACK_MAX_WAITING`). */
  readonly fallbackMaxWaiting: number;
  /** How long such a request waits for a slot (`SCHED_FALLBACK_WAIT_TIMEOUT_MS`). */
  readonly fallbackWaitTimeoutMs: number;
  /** Postgres reads per second allowed when a snapshot is missing (`SCHED_DB_FALLBACK_MAX_QPS`). */
  readonly dbFallbackMaxQps: number;
  /** Time allowed for one such Postgres read (`SCHED_DB_FALLBACK_TIMEOUT_MS`). */
  readonly dbFallbackTimeoutMs: number;
  /** Slots a replica keeps taken ahead per account (`SCHED_SLOT_STOCK_MAX`); 0 turns it off. */
  readonly slotStockMax: number;
  /** Accounts with less concurrency are never stocked (`SCHED_SLOT_STOCK_MIN_CONCURRENCY`). */
  readonly slotStockMinConcurrency: number;
}

function weight(name: string, signal: string, fallback: string) {
  return floatVar({
    name,
    description: `Score weight of the account's ${signal}; 0 ignores it.`,
    default: fallback,
    min: 0,
  });
}

/** The scheduler's own variables (the common ones are in `commonVariables`). */
export const schedulerVariables = {
  httpPort: httpPortVariable(8081),
  policy: enumVar({
    name: 'SCHED_POLICY',
    description:
      'Selection policy. `layered`: previous response, then session sticky, then load balance.',
    default: 'layered',
    values: SCHEDULER_POLICIES,
  }),
  stickyEscapeEnabled: boolVar({
    name: 'SCHED_STICKY_ESCAPE_ENABLED',
    description:
      'Let a request skip its session sticky account when that account looks unhealthy (the two thresholds below); the binding itself is kept.',
    default: 'true',
  }),
  stickyEscapeTtftMs: durationMsVar({
    name: 'SCHED_STICKY_ESCAPE_TTFT_MS',
    description:
      'A sticky account whose EWMA time to first token is above this is escaped. 15 s rides out jitter yet frees a session stuck on a degraded account.',
    default: '15000',
    min: 1,
  }),
  stickyEscapeErrorRate: floatVar({
    name: 'SCHED_STICKY_ESCAPE_ERROR_RATE',
    description: 'A sticky account whose EWMA error rate (0 to 1) is above this is escaped.',
    default: '0.5',
    min: 0,
    max: 1,
  }),
  weightPriority: weight('SCHED_WEIGHT_PRIORITY', 'priority', '1.0'),
  weightLoad: weight('SCHED_WEIGHT_LOAD', 'current load (slots in use over concurrency)', '1.0'),
  weightQueue: weight('SCHED_WEIGHT_QUEUE', 'queue of waiting requests', '0.7'),
  weightErrorRate: weight('SCHED_WEIGHT_ERROR_RATE', 'EWMA error rate', '0.8'),
  weightTtft: weight('SCHED_WEIGHT_TTFT', 'EWMA time to first token', '0.5'),
  topK: intVar({
    name: 'SCHED_TOP_K',
    description:
      'Best-scored candidates kept for the weighted random draw; 1 always picks the best score.',
    default: '7',
    min: 1,
  }),
  ewmaAlpha: floatVar({
    name: 'SCHED_EWMA_ALPHA',
    description:
      'Smoothing of the EWMA error rate and time to first token: the weight of the newest observation.',
    default: '0.2',
    min: 0,
    exclusiveMin: true,
    max: 1,
  }),
  stickyTtlSeconds: intVar({
    name: 'SCHED_STICKY_TTL_SECONDS',
    description: 'Lifetime of a session to account binding in Redis, renewed when used.',
    default: '3600',
    min: 1,
  }),
  sessionLeaseMs: durationMsVar({
    name: 'SCHED_SESSION_LEASE_MS',
    description:
      "How long a caller may reuse a session's bound account without selecting again, taking slots itself: granted only on a healthy bound account and dropped by the caller on any event about it, on a failed attempt and when the account is full. Shortens a sticky conversation's requests by the select round trip; bounds how late an escape can be noticed. 0 grants none.",
    default: '10000',
    min: 0,
  }),
  slotTtlSeconds: intVar({
    name: 'SCHED_SLOT_TTL_SECONDS',
    description:
      'Lifetime of a concurrency slot in Redis: the slot of a crashed holder frees itself after this long, so holders of longer requests refresh it.',
    default: '300',
    min: 1,
  }),
  stickyMaxWaiting: intVar({
    name: 'SCHED_STICKY_MAX_WAITING',
    description:
      'Requests that may queue for a busy sticky account; further ones are load-balanced to other accounts.',
    default: '3',
    min: 0,
  }),
  stickyWaitTimeoutMs: durationMsVar({
    name: 'SCHED_STICKY_WAIT_TIMEOUT_MS',
    description: 'How long a request waits for a slot on its busy sticky account.',
    default: '120000',
  }),
  fallbackMaxWaiting: intVar({
    name: 'SCHED_FALLBACK_MAX_WAITING',
    description:
      'Requests that may wait for a slot when every candidate account is busy; further ones are refused.',
    default: '100',
    min: 0,
  }),
  fallbackWaitTimeoutMs: durationMsVar({
    name: 'SCHED_FALLBACK_WAIT_TIMEOUT_MS',
    description: 'How long such a request waits for a free slot.',
    default: '30000',
  }),
  dbFallbackMaxQps: floatVar({
    name: 'SCHED_DB_FALLBACK_MAX_QPS',
    description:
      'When a bucket snapshot is missing from Redis the scheduler reads Postgres instead, at most this many times per second per replica.',
    default: '10',
    min: 0,
    exclusiveMin: true,
  }),
  dbFallbackTimeoutMs: durationMsVar({
    name: 'SCHED_DB_FALLBACK_TIMEOUT_MS',
    description: 'Time allowed for one such Postgres read.',
    default: '2000',
    min: 1,
  }),
  slotStockMax: intVar({
    name: 'SCHED_SLOT_STOCK_MAX',
    description:
      'Slots a replica takes ahead on each account it serves, so that most selects answer without waiting for Redis; taken only while the account is under three quarters full, and counted against its concurrency like any slot. An account gets at most one per SCHED_SLOT_STOCK_MIN_CONCURRENCY of its concurrency. 0 turns stocking off.',
    default: '8',
    min: 0,
  }),
  slotStockMinConcurrency: intVar({
    name: 'SCHED_SLOT_STOCK_MIN_CONCURRENCY',
    description:
      'Accounts with a lower concurrency are never stocked: on them every slot is acquired in Redis at select time.',
    default: '16',
    min: 1,
  }),
} as const;

/** Reads and validates the scheduler configuration; throws ConfigError naming every bad variable. */
export function loadSchedulerConfig(env: Env = process.env): SchedulerConfig {
  const { weightPriority, weightLoad, weightQueue, weightErrorRate, weightTtft, ...flat } =
    loadVariables(env, { ...commonVariables, ...schedulerVariables });
  return {
    ...flat,
    weights: {
      priority: weightPriority,
      load: weightLoad,
      queue: weightQueue,
      errorRate: weightErrorRate,
      ttft: weightTtft,
    },
  };
}
