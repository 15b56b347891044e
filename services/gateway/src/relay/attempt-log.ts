import { ErrorOwner, OpsErrorPhase, type OpsError } from '@switchyard/contracts';
import type { Platform } from '@switchyard/domain';
import type { GatewayError } from '../errors/index.js';
import type { UpstreamAccount } from '../credentials/upstream-account.js';
import type { ResponseFacts } from '../upstreams/response-reader.js';
import type { RelayRequest } from './relay-request.js';
import type { RequestEvents } from './usage-events.js';

/** A failed attempt, kept until the request ends (its record carries the final client status). */
export type FailedAttempt = {
  readonly attemptNo: number;
  readonly accountId: number | null;
  readonly platform: Platform;
  readonly phase: OpsErrorPhase;
  readonly upstreamStatus: number | null;
  readonly owner: ErrorOwner;
  readonly businessLimited: boolean;
  /** Ours, never an upstream body (which may echo a prompt). */
  readonly message: string;
  readonly occurredAt: number;
};

/** Where an attempt ran. */
export type AttemptPlace = {
  readonly attemptNo: number;
  readonly accountId: number;
  readonly platform: Platform;
};

/** Whose fault an upstream answer is: its own 4xx about the request is the client's. */
export function ownerOfUpstreamStatus(status: number | null): ErrorOwner {
  if (status === null || status === 401 || status === 403 || status === 429 || status >= 500) {
    return ErrorOwner.Provider;
  }
  return ErrorOwner.Client;
}

export function upstreamFailure(
  place: AttemptPlace,
  phase: 'upstream' | 'response',
  upstreamStatus: number | null,
  message: string,
): FailedAttempt {
  return {
    ...place,
    phase,
    upstreamStatus,
    // A stream the upstream broke off after a 200 is the provider's failure, whatever its status.
    owner: phase === 'response' ? ErrorOwner.Provider : ownerOfUpstreamStatus(upstreamStatus),
    businessLimited: false,
    message,
    occurredAt: Date.now(),
  };
}

export function clientClosed(place: AttemptPlace): FailedAttempt {
  return {
    ...place,
    phase: OpsErrorPhase.Response,
    upstreamStatus: null,
    owner: ErrorOwner.Client,
    businessLimited: false,
    message: 'client closed the request before the answer',
    occurredAt: Date.now(),
  };
}

/**
 * The records of one client request: a usage record when an answer was served, and one error
 * record per failed attempt — published when the request ends, each carrying the status the
 * client finally got (so a 529 that failed over to a 200 is an upstream error, not an SLA one).
 */
export class AttemptLog {
  readonly #req: RelayRequest;
  readonly #events: RequestEvents;
  readonly #failures: FailedAttempt[] = [];

  constructor(req: RelayRequest, events: RequestEvents) {
    this.#req = req;
    this.#events = events;
  }

  failure(attempt: FailedAttempt): void {
    this.#failures.push(attempt);
  }

  lastFailure(): FailedAttempt | undefined {
    return this.#failures.at(-1);
  }

  /** The request failed before reaching any account (no account, scheduler down, queue full). */
  routingFailure(error: GatewayError, attemptNo: number): void {
    this.#failures.push({
      attemptNo,
      accountId: null,
      platform: this.#req.platform,
      phase: OpsErrorPhase.Routing,
      upstreamStatus: null,
      owner: error.businessLimited ? ErrorOwner.Client : ErrorOwner.Platform,
      businessLimited: error.businessLimited,
      message: error.message,
      occurredAt: Date.now(),
    });
  }

  /** The answer that was served (model listings are not metered). */
  usage(
    account: UpstreamAccount,
    upstreamModel: string | undefined,
    facts: ResponseFacts,
    firstByteAt: number,
  ): void {
    const req = this.#req;
    if (req.model === undefined) return;
    const now = performance.now();
    this.#events.usage({
      requestId: req.requestId,
      apiKeyId: req.auth.apiKeyId,
      userId: req.auth.userId,
      groupId: req.auth.groupId,
      accountId: account.id,
      platform: account.platform,
      requestedModel: req.model,
      upstreamModel: upstreamModel ?? req.model,
      ...facts.usage,
      stream: req.stream,
      durationMs: Math.round(now - req.startedAt),
      firstTokenMs: Math.max(0, Math.round(firstByteAt - req.startedAt)),
      isCountTokens: req.endpoint === 'anthropic.count_tokens',
      occurredAt: Date.now(),
    });
  }

  /** Publishes the error records, now that the client's status is known. */
  finish(clientStatus: number): void {
    for (const attempt of this.#failures) this.#events.error(this.#record(attempt, clientStatus));
  }

  #record(attempt: FailedAttempt, clientStatus: number): OpsError {
    const req = this.#req;
    return {
      requestId: req.requestId,
      attemptId: `${req.requestId}:${attempt.attemptNo}`,
      phase: attempt.phase,
      statusCode: clientStatus,
      upstreamStatusCode: attempt.upstreamStatus,
      errorOwner: attempt.owner,
      isBusinessLimited: attempt.businessLimited,
      isCountTokens: req.endpoint === 'anthropic.count_tokens',
      platform: attempt.platform,
      groupId: req.auth.groupId,
      accountId: attempt.accountId,
      apiKeyId: req.auth.apiKeyId,
      retryCount: attempt.attemptNo,
      message: attempt.message.slice(0, 500),
      occurredAt: attempt.occurredAt,
    };
  }
}
