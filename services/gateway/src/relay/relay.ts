import type { Response as ServerResponse } from 'express';
import type { PlatformUrls } from '@switchyard/config';
import type { Report } from '@switchyard/contracts';
import type { SlotClient } from '@switchyard/redis';
import type { Logger } from '@switchyard/telemetry';
import type { AccountStateReporter } from '../accounts/account-state-reporter.js';
import type { AccountStore } from '../credentials/account-store.js';
import type { OAuthRefresher } from '../credentials/oauth-refresher.js';
import type { UpstreamAccount } from '../credentials/upstream-account.js';
import { GatewayError, clientErrorResponse, sendClientError } from '../errors/index.js';
import type { GatewayMetrics } from '../gateway-metrics.js';
import { AttemptResult, FailoverReason, failoverReason } from '../metric-labels.js';
import { readerFor } from '../upstreams/adapters.js';
import { Endpoint } from '../upstreams/endpoint.js';
import type { ResponseFacts } from '../upstreams/response-reader.js';
import type { UpstreamClient } from '../upstreams/upstream-client.js';
import { acquireAccount, type AccountSelector, type AcquiredAccount } from './acquire-account.js';
import {
  AttemptLog,
  clientClosed,
  upstreamFailure,
  type AttemptPlace,
  type FailedAttempt,
} from './attempt-log.js';
import { ClientGone, type ClientSignal } from './client-signal.js';
import { endStream, streamPinger } from './client-stream.js';
import { isFailoverStatus, maxSwitchesFor, type SwitchLimits } from './failover-policy.js';
import { errorForLastFailure, isTimeout } from './final-error.js';
import type { GroupModels } from './group-models.js';
import { prepareCall } from './prepare-call.js';
import { stateForPrepareFailure } from './prepare-failure.js';
import type { RelayRequest } from './relay-request.js';
import { routingError } from './routing-error.js';
import { selectInputFor } from './select-input.js';
import { clientHeaders } from './response-headers.js';
import { SlotLease } from './slot-lease.js';
import { slotKeeper, type LeaseSlotStock } from './lease-slot-stock.js';
import type { SessionLeases } from './session-leases.js';
import { firstByteOf, runAttempt, type AttemptOutcome } from './upstream-attempt.js';
import type { ReportSink } from './report-publisher.js';
import type { RequestEvents } from './usage-events.js';

export type RelayDeps = {
  readonly scheduler: AccountSelector;
  /** Where each attempt's outcome goes (the schedulers' statistics); never throws. */
  readonly reports: ReportSink;
  readonly slots: SlotClient;
  readonly accounts: AccountStore;
  readonly oauth: OAuthRefresher;
  readonly upstream: UpstreamClient;
  readonly states: AccountStateReporter;
  readonly events: RequestEvents;
  readonly groupModels: GroupModels;
  /** Records `responseId → account` (Responses API) before the client can send the next turn. */
  readonly bindResponse: (groupId: number, responseId: string, accountId: number) => Promise<void>;
  /** Marks the account as just used (last-used tie breaks); cheap, batched elsewhere. */
  readonly touch?: (accountId: number) => void;
  /** Session leases the scheduler grants; without them every attempt selects. */
  readonly leases?: SessionLeases;
  /** Slots kept for leased sessions' next requests; without it each takes one in Redis. */
  readonly leaseStock?: LeaseSlotStock;
  readonly baseUrls: PlatformUrls;
  readonly limits: SwitchLimits;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
};

// Status recorded for a request whose client went away before the answer (nginx's convention).
const CLIENT_CLOSED = 499;

/** How one attempt ended, as the relay loop acts on it. */
type Step =
  | { kind: 'done'; clientStatus: number; result: DoneResult; failure?: FailedAttempt }
  | { kind: 'retry'; failure: FailedAttempt; timedOut: boolean; reason: FailoverReason };

type DoneResult = Exclude<AttemptResult, 'failover'>;

/**
 * The relay: for one client request, select an account through the scheduler (honouring wait
 * plans), call upstream with it and pass the answer through. Before the first byte reaches the
 * client, an account-level failure (401, 403, 429, 529, 5xx, no answer) marks the account,
 * excludes it and selects again, up to the platform's switch limit; bytes already streamed are
 * never retried. Every attempt is reported to the schedulers; the request ends as one usage
 * record, plus an error record per failed attempt.
 */
export class Relay {
  readonly #d: RelayDeps;

  constructor(deps: RelayDeps) {
    this.#d = deps;
  }

  async handle(req: RelayRequest, res: ServerResponse): Promise<void> {
    const gone = new ClientGone();
    const onClose = () => {
      if (!res.writableFinished) gone.abort();
    };
    res.once('close', onClose);
    const log = new AttemptLog(req, this.#d.events);
    try {
      const status = await this.#run(req, res, gone, log);
      this.#d.metrics.relayed(req.format, req.stream, status, req.startedAt);
      log.finish(status);
    } finally {
      res.off('close', onClose);
    }
  }

  /** Runs attempts until one ends the request; returns the status the client got. */
  async #run(
    req: RelayRequest,
    res: ServerResponse,
    signal: ClientSignal,
    log: AttemptLog,
  ): Promise<number> {
    const excluded: number[] = [];
    const max = maxSwitchesFor(req.platform, this.#d.limits);
    for (let attemptNo = 0; ; attemptNo++) {
      let acquired: AcquiredAccount;
      try {
        acquired = await acquireAccount(
          this.#d,
          selectInputFor(req, excluded),
          signal,
          streamPinger(req, res),
        );
      } catch (err) {
        if (signal.aborted) return CLIENT_CLOSED;
        const error = await routingError(this.#d.groupModels, req, err, log.lastFailure());
        if (log.lastFailure() === undefined) log.routingFailure(error, attemptNo);
        return this.#sendError(req, res, error);
      }
      const step = await this.#attempt(req, res, acquired, attemptNo, signal, log);
      if (step.failure !== undefined) log.failure(step.failure);
      const platform = acquired.account.platform;
      if (step.kind === 'done') {
        this.#d.metrics.attempt(platform, step.result);
        return step.clientStatus;
      }
      this.#d.metrics.failover(platform, step.reason);
      // Here first, before the account's event comes back: no request of this replica is sent
      // to it under a lease any more.
      this.#d.leases?.forgetAccount(acquired.account.id);
      excluded.push(acquired.account.id);
      if (attemptNo >= max) {
        const last = errorForLastFailure(step.failure.upstreamStatus, step.timedOut);
        return this.#sendError(req, res, last);
      }
    }
  }

  /** One attempt on the acquired account; its slot is released as soon as the attempt ends. */
  async #attempt(
    req: RelayRequest,
    res: ServerResponse,
    acquired: AcquiredAccount,
    attemptNo: number,
    signal: ClientSignal,
    log: AttemptLog,
  ): Promise<Step> {
    const accountId = acquired.account.id;
    const place: AttemptPlace = { attemptNo, accountId, platform: acquired.account.platform };
    const lease = new SlotLease(
      this.#d.slots,
      accountId,
      acquired.token,
      acquired.expiresAt - Date.now(),
      () =>
        this.#d.logger.warn('slot lost under a live request', {
          requestId: req.requestId,
          accountId,
        }),
      slotKeeper(acquired, this.#d.leases, this.#d.leaseStock),
    );
    const startedAt = performance.now();
    let account: UpstreamAccount | undefined;
    try {
      account = await this.#d.accounts.get(accountId);
      const prepared = await prepareCall(this.#d, req, account);
      const bound = account;
      const sentAt = performance.now();
      const outcome = await runAttempt({
        upstream: this.#d.upstream,
        target: prepared.target,
        body: prepared.body,
        stream: req.stream,
        reader: readerFor(req.endpoint, req.stream, req.sse),
        res,
        signal,
        beforeEnd:
          req.endpoint === Endpoint.OpenAIResponses
            ? (facts) => this.#bindResponse(req, facts, bound.id)
            : undefined,
      });
      // The slot is freed before any bookkeeping: an aborted stream's slot is free right away.
      // One that served its session under a lease may be kept for the session's next request.
      void (outcome.kind === 'served' ? lease.finish() : lease.release());
      this.#d.metrics.firstByte(account.platform, sentAt, firstByteOf(outcome));
      return await this.#judge(
        req,
        res,
        account,
        prepared.upstreamModel,
        outcome,
        startedAt,
        place,
        log,
      );
    } catch (err) {
      void lease.release();
      const change = stateForPrepareFailure(err, Date.now());
      if (change !== null) await this.#d.states.publish(accountId, change);
      this.#d.logger.warn('attempt could not be prepared', {
        requestId: req.requestId,
        accountId,
        error: err,
      });
      return {
        kind: 'retry',
        timedOut: false,
        reason: FailoverReason.NotSent,
        failure: upstreamFailure(
          { ...place, platform: account?.platform ?? place.platform },
          'upstream',
          null,
          `not sent: ${describe(err)}`,
        ),
      };
    }
  }

  /** Turns an attempt's outcome into the next step, reporting and marking on the way. */
  async #judge(
    req: RelayRequest,
    res: ServerResponse,
    account: UpstreamAccount,
    upstreamModel: string | undefined,
    outcome: AttemptOutcome,
    startedAt: number,
    place: AttemptPlace,
    log: AttemptLog,
  ): Promise<Step> {
    switch (outcome.kind) {
      case 'served':
        this.#report(req, account.id, true, startedAt, outcome.firstByteAt, outcome.status);
        this.#d.touch?.(account.id);
        log.usage(account, upstreamModel, outcome.facts, outcome.firstByteAt);
        return { kind: 'done', clientStatus: outcome.status, result: AttemptResult.Served };
      case 'aborted':
        if (outcome.firstByteAt !== null && outcome.facts !== null) {
          // Part of the answer was produced (and billed upstream): meter what was read.
          this.#report(req, account.id, true, startedAt, outcome.firstByteAt, 200);
          log.usage(account, upstreamModel, outcome.facts, outcome.firstByteAt);
          return { kind: 'done', clientStatus: 200, result: AttemptResult.Aborted };
        }
        return {
          kind: 'done',
          clientStatus: CLIENT_CLOSED,
          result: AttemptResult.Aborted,
          failure: clientClosed(place),
        };
      case 'broken':
        this.#report(req, account.id, false, startedAt, outcome.firstByteAt, outcome.status);
        endStream(req, res, new GatewayError('upstream_error', 'The upstream stream broke off.'));
        return {
          kind: 'done',
          clientStatus: outcome.status,
          result: AttemptResult.Broken,
          failure: upstreamFailure(
            place,
            'response',
            outcome.status,
            `stream broke off: ${describe(outcome.error)}`,
          ),
        };
      case 'failed': {
        this.#report(req, account.id, false, startedAt, null, undefined);
        const timedOut = isTimeout(outcome.error);
        return {
          kind: 'retry',
          timedOut,
          reason: failoverReason(null, timedOut),
          failure: upstreamFailure(
            place,
            'upstream',
            null,
            `no answer: ${describe(outcome.error)}`,
          ),
        };
      }
      case 'upstream_error':
        return this.#upstreamError(req, res, account, outcome, startedAt, place);
    }
  }

  async #upstreamError(
    req: RelayRequest,
    res: ServerResponse,
    account: UpstreamAccount,
    outcome: Extract<AttemptOutcome, { kind: 'upstream_error' }>,
    startedAt: number,
    place: AttemptPlace,
  ): Promise<Step> {
    const { status, headers, body } = outcome;
    const text = body.toString('utf8');
    if (!isFailoverStatus(status) && !this.#d.states.matchesRule(status, text)) {
      // The request's own fault (400, 404, 413, 422…): the vendor's answer goes back as it is.
      this.#report(req, account.id, true, startedAt, null, status);
      res.writeHead(status, clientHeaders(headers, { 'content-length': body.length }));
      res.end(body);
      return {
        kind: 'done',
        clientStatus: status,
        result: AttemptResult.ClientError,
        failure: upstreamFailure(
          place,
          'upstream',
          status,
          `upstream refused the request (${status})`,
        ),
      };
    }
    this.#report(req, account.id, false, startedAt, null, status);
    const change = await this.#d.states.observe(account, status, headers, text);
    if (change?.refreshCredentials === true) this.#refreshAfter401(account);
    return {
      kind: 'retry',
      timedOut: false,
      reason: failoverReason(status, false),
      failure: upstreamFailure(
        place,
        'upstream',
        status,
        change === null ? `upstream ${status}` : `upstream ${status}: ${change.reason}`,
      ),
    };
  }

  /** Sends `error` in the client's format (in-stream when headers are out); the status the client got. */
  #sendError(req: RelayRequest, res: ServerResponse, error: GatewayError): number {
    if (res.headersSent) {
      endStream(req, res, error);
      return 200;
    }
    if (res.destroyed) return CLIENT_CLOSED;
    sendClientError(res, req.format, error, req.requestId);
    return clientErrorResponse(req.format, error).status;
  }

  #report(
    req: RelayRequest,
    accountId: number,
    success: boolean,
    startedAt: number,
    firstByteAt: number | null,
    statusCode: number | undefined,
  ): void {
    const report: Report = {
      accountId,
      requestId: req.requestId,
      success,
      durationMs: performance.now() - startedAt,
    };
    if (firstByteAt !== null) report.firstTokenMs = Math.max(0, firstByteAt - startedAt);
    if (statusCode !== undefined) report.statusCode = statusCode;
    this.#d.reports.report(report);
  }

  async #bindResponse(req: RelayRequest, facts: ResponseFacts, accountId: number): Promise<void> {
    if (facts.responseId === undefined) return;
    await this.#d
      .bindResponse(req.auth.groupId ?? 0, facts.responseId, accountId)
      .catch((err: unknown) =>
        this.#d.logger.warn('response binding not written', {
          requestId: req.requestId,
          error: err,
        }),
      );
  }

  /** After a 401 the OAuth token is refreshed in the background; a refused refresh is an error state. */
  #refreshAfter401(account: UpstreamAccount): void {
    this.#d.oauth.fresh(account, true).catch(async (err: unknown) => {
      const change = stateForPrepareFailure(err, Date.now());
      if (change !== null) await this.#d.states.publish(account.id, change);
    });
  }
}

/** An error's kind for a record: its name and code, never its message (which may hold a URL). */
function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.name} (${code})` : error.name;
  }
  return 'unknown error';
}
