import type { NatsConnection } from '@nats-io/transport-node';
import {
  QueueGroups,
  Subjects,
  metricsSnapshotSchema,
  reportSchema,
  selectRequestSchema,
  selectResultSchema,
  validateMessage,
} from '@switchyard/contracts';
import type {
  MetricsSnapshot,
  Report,
  SelectRequest,
  SelectRequestInput,
  SelectResult,
} from '@switchyard/contracts';
import { BusNoRespondersError, BusTimeoutError } from './bus-errors.js';
import { publish } from './publish.js';
import { request } from './request.js';

export interface SchedulerClientOptions {
  /**
   * Overall time a `select` may take, retry included. Default 1000 ms: a healthy select answers
   * in about a millisecond, so a second is only ever spent when a replica died mid-request.
   */
  readonly timeoutMs?: number;
}

export interface SelectOptions {
  /** Gives up early (the client went away); rejects with BusAbortedError. */
  readonly signal?: AbortSignal;
}

/**
 * Calls the scheduler without touching subjects. Errors are the bus's typed errors:
 * - BusRemoteError with `code` `no_available_accounts` (nothing can serve the request now),
 *   `invalid_request`, `unavailable` / `timeout` (a dependency of the scheduler is down; retryable);
 * - BusTimeoutError / BusNoRespondersError when no replica answered, after the retry;
 * - MalformedMessageError (from @switchyard/contracts) when the request itself is invalid,
 *   thrown before anything is sent.
 */
export interface SchedulerClient {
  /**
   * Picks an account and takes its slot (or returns a wait plan). Retried once, on another
   * replica, after no-responders or a timeout: safe because a select is idempotent per
   * `requestId` — a replica that finds the slot taken by the first attempt returns that slot.
   */
  select(req: SelectRequestInput, options?: SelectOptions): Promise<SelectResult>;
  /** Publishes a request outcome to every replica (fire and forget). */
  report(report: Report): void;
  /**
   * A metrics snapshot: of whichever replica answers on `sched.v1.metrics`, or of the replica
   * with this id (`sched.v1.metrics.<replicaId>`, see schedulerMetricsSubject).
   */
  metrics(replicaId?: string): Promise<MetricsSnapshot>;
}

// Default of the overall select budget (see SchedulerClientOptions.timeoutMs).
const DEFAULT_TIMEOUT_MS = 1000;
// The first attempt gets half the budget, so a retry always has the other half.
const FIRST_ATTEMPT_SHARE = 0.5;
// After "no responders" (replicas restarting) a short pause gives one time to subscribe.
const NO_RESPONDERS_PAUSE_MS = 20;

/** Subject on which the replica with this id answers metrics requests on its own. */
export function schedulerMetricsSubject(replicaId: string): string {
  return `${Subjects.schedMetrics}.${schedulerReplicaToken(replicaId)}`;
}

/** A replica id made safe as one NATS subject token (no dots, wildcards or spaces). */
export function schedulerReplicaToken(replicaId: string): string {
  const token = replicaId.replace(/[.*>\s]/g, '_');
  return token.length === 0 ? '_' : token;
}

/** The queue group scheduler replicas share for `sched.v1.select` and `sched.v1.metrics`. */
export const SCHEDULER_QUEUE = QueueGroups.scheduler;

export function createSchedulerClient(
  nc: NatsConnection,
  options: SchedulerClientOptions = {},
): SchedulerClient {
  const budgetMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    async select(req, selectOptions = {}) {
      // Validated here so a caller's bug fails at the caller, not as a remote invalid_request.
      const payload = validateMessage(selectRequestSchema, req);
      const started = performance.now();
      const attempt = (timeoutMs: number, message: SelectRequest = payload) =>
        request(nc, Subjects.schedSelect, message, {
          timeoutMs,
          replySchema: selectResultSchema,
          ...(selectOptions.signal === undefined ? {} : { signal: selectOptions.signal }),
        });
      try {
        return await attempt(Math.max(1, Math.floor(budgetMs * FIRST_ATTEMPT_SHARE)));
      } catch (err) {
        if (!(err instanceof BusTimeoutError || err instanceof BusNoRespondersError)) throw err;
        if (err instanceof BusNoRespondersError) await pause(NO_RESPONDERS_PAUSE_MS);
        const remaining = Math.floor(budgetMs - (performance.now() - started));
        if (remaining < 1) throw err;
        // Marked as a retry: the first try may have taken a slot whose answer was lost.
        return attempt(remaining, { ...payload, attempt: (payload.attempt ?? 1) + 1 });
      }
    },
    report(report) {
      publish(nc, Subjects.schedReport, validateMessage(reportSchema, report));
    },
    metrics(replicaId) {
      const subject =
        replicaId === undefined ? Subjects.schedMetrics : schedulerMetricsSubject(replicaId);
      return request(nc, subject, {}, { timeoutMs: budgetMs, replySchema: metricsSnapshotSchema });
    },
  };
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
