import type { AccountEventInput, AccountEventPublisher } from '@switchyard/bus';
import { AccountEventType } from '@switchyard/contracts';
import type { Logger } from '@switchyard/telemetry';
import type { UpstreamAccount } from '../credentials/upstream-account.js';
import {
  StateReason,
  decideAccountState,
  type AccountStateChange,
  type AccountStatePolicy,
} from './account-state-decision.js';
import type { UpstreamHeaders } from './rate-limit-reset.js';
import { matchErrorRule } from './upstream-error-rule.js';

/** The part of AccountEventPublisher the reporter uses. */
export type AccountEventSink = Pick<AccountEventPublisher, 'publish'>;

export type AccountStateReporterOptions = {
  readonly events: AccountEventSink;
  readonly policy: AccountStatePolicy;
  readonly logger: Logger;
  readonly now?: () => number;
  /**
   * How long the relay waits for the event's ack before it selects again. Default 100 ms:
   * schedulers apply the event as soon as the stream has it, so waiting for the ack (well under
   * a millisecond when NATS is healthy) makes the very next select already avoid the account,
   * while a NATS outage costs a request at most this much.
   */
  readonly ackWaitMs?: number;
};

// A 401 seen within this window makes the next one "a second 401" (→ error): longer than the
// 10-minute park, so the first request after the park that fails again still counts.
const SECOND_401_WINDOW_MS = 30 * 60_000;
const DEFAULT_ACK_WAIT_MS = 100;

/**
 * Turns upstream errors into `account_state` events (see decideAccountState) and publishes
 * them, so every scheduler replica stops selecting the account within milliseconds.
 */
export class AccountStateReporter {
  readonly #o: AccountStateReporterOptions;
  readonly #now: () => number;
  readonly #ackWaitMs: number;
  readonly #last401 = new Map<number, number>();

  constructor(options: AccountStateReporterOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#ackWaitMs = options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS;
  }

  /**
   * Decides what the upstream error means for the account and publishes it. Resolves with the
   * change (null when the error says nothing about the account) once the event is acknowledged
   * or the ack wait ran out; a publish failure is logged, never thrown.
   */
  async observe(
    account: UpstreamAccount,
    status: number,
    headers: UpstreamHeaders,
    body: string,
  ): Promise<AccountStateChange | null> {
    const now = this.#now();
    const change = decideAccountState(
      {
        status,
        headers,
        body,
        accountType: account.type,
        priorAuthFailure: status === 401 && this.#hadAuthFailure(account, now),
        now,
      },
      this.#o.policy,
    );
    if (status === 401) this.#last401.set(account.id, now);
    if (change === null) return null;
    await this.publish(account.id, change, now);
    return change;
  }

  /** Whether an operator rule claims this answer (then it fails over even when it is a 4xx). */
  matchesRule(status: number, body: string): boolean {
    return matchErrorRule(this.#o.policy.rules, status, body) !== null;
  }

  /** Publishes a change decided elsewhere (e.g. a failed token refresh). */
  async publish(
    accountId: number,
    change: AccountStateChange,
    observedAt = this.#now(),
  ): Promise<void> {
    const state = {
      rateLimitResetAt: change.rateLimitResetAt,
      overloadUntil: change.overloadUntil,
      tempUnschedulableUntil: change.tempUnschedulableUntil,
      tempUnschedulableReason: change.tempUnschedulableReason,
      status: change.status,
    };
    const event: AccountEventInput = {
      type: AccountEventType.AccountState,
      accountId,
      ...definedOnly(state),
      observedAt,
    };
    this.#o.logger.warn('upstream error changes account state', {
      accountId,
      reason: change.reason,
      ...definedOnly(state),
    });
    const publishing = this.#o.events.publish(event).then(
      () => undefined,
      (err: unknown) =>
        this.#o.logger.error('account state event not published', { accountId, error: err }),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      publishing,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.#ackWaitMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
  }

  #hadAuthFailure(account: UpstreamAccount, now: number): boolean {
    const local = this.#last401.get(account.id);
    if (local !== undefined && now - local < SECOND_401_WINDOW_MS) return true;
    return (
      account.tempUnschedulableReason === StateReason.Unauthorized &&
      account.tempUnschedulableUntil !== null &&
      now - account.tempUnschedulableUntil < SECOND_401_WINDOW_MS
    );
  }
}

/** The fields that are set: an event field left out means "unchanged". */
function definedOnly<T extends Record<string, unknown>>(fields: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(fields) as (keyof T)[]) {
    if (fields[key] !== undefined) out[key] = fields[key];
  }
  return out;
}
