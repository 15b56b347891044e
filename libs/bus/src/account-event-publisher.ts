import { randomUUID } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';
import { accountEventSchema, accountEventSubject } from '@switchyard/contracts';
import type { AccountEvent } from '@switchyard/contracts';
import { BusMalformedMessageError, BusPublishError } from './bus-errors.js';
import type { BusLogger } from './bus-logger.js';
import { describeError, silentLogger } from './bus-logger.js';
import { publishDurable } from './publish-durable.js';
import { describeSchemaError } from './schema.js';

/** An account event as a producer hands it over: id and time are filled in when absent. */
export type AccountEventInput = AccountEvent extends infer E
  ? E extends AccountEvent
    ? Omit<E, 'eventId' | 'occurredAt'> & { eventId?: string; occurredAt?: number }
    : never
  : never;

/**
 * Called when NATS stayed unreachable through every retry: the caller writes the change to
 * Postgres itself so it is not lost (see `accountEventFallback`). A throw fails the publish.
 */
export type AccountEventFallback = (event: AccountEvent, error: BusPublishError) => Promise<void>;

export interface AccountEventPublisherOptions {
  readonly fallback?: AccountEventFallback;
  /** Wait for each PubAck. Default 2 s. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt. Default 3. */
  readonly retries?: number;
  /** Clock for `occurredAt`; defaults to Date.now. */
  readonly now?: () => number;
  readonly logger?: BusLogger;
}

/** Where an event ended up. */
export type AccountEventOutcome =
  | {
      readonly via: 'stream';
      readonly event: AccountEvent;
      readonly seq: number;
      /** The stream already held this event id (a retry or replay); nothing new was stored. */
      readonly duplicate: boolean;
    }
  | { readonly via: 'fallback'; readonly event: AccountEvent; readonly error: BusPublishError };

// 2 s per attempt: a healthy JetStream acks in well under a millisecond on loopback and a few
// ms across a cluster, so 2 s only expires when the server is really away; with 3 retries and
// backoff the caller falls back after ~7 s instead of holding a request for 20 s.
const DEFAULT_TIMEOUT_MS = 2_000;
const DEFAULT_RETRIES = 3;

/**
 * Publishes account events to `ACCOUNT_EVENTS` durably: `Nats-Msg-Id` = eventId (the stream
 * stores a retried event once), waits for the stream's ack, retries with backoff, and when
 * NATS stays down hands the event to the fallback (a direct Postgres write), so a change is
 * never lost — the next rebuild spreads what the fallback wrote.
 */
export class AccountEventPublisher {
  readonly #js: JetStreamClient;
  readonly #fallback: AccountEventFallback | undefined;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #now: () => number;
  readonly #logger: BusLogger;

  constructor(js: JetStreamClient, options: AccountEventPublisherOptions = {}) {
    this.#js = js;
    this.#fallback = options.fallback;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#retries = options.retries ?? DEFAULT_RETRIES;
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger ?? silentLogger;
  }

  /**
   * Validates and publishes the event. Resolves once the stream acknowledged it or the
   * fallback stored it; rejects with BusMalformedMessageError for an invalid event (a bug in
   * the producer, never retried) and with BusPublishError when publishing failed and there is
   * no fallback, or the fallback failed too (the fallback's error is attached as `cause`).
   */
  async publish(input: AccountEventInput): Promise<AccountEventOutcome> {
    const event = this.#complete(input);
    const subject = accountEventSubject(event);
    try {
      const ack = await publishDurable(this.#js, subject, event, {
        msgId: event.eventId,
        timeoutMs: this.#timeoutMs,
        retries: this.#retries,
      });
      return { via: 'stream', event, seq: ack.seq, duplicate: ack.duplicate };
    } catch (err) {
      if (!(err instanceof BusPublishError) || this.#fallback === undefined) throw err;
      this.#logger.warn('account event not published; writing it to Postgres instead', {
        subject,
        eventId: event.eventId,
        error: describeError(err.cause ?? err),
      });
      try {
        await this.#fallback(event, err);
      } catch (fallbackErr) {
        throw new BusPublishError(subject, err.attempts, {
          cause: new AggregateError([err, fallbackErr], 'publish and fallback both failed'),
        });
      }
      return { via: 'fallback', event, error: err };
    }
  }

  #complete(input: AccountEventInput): AccountEvent {
    const parsed = accountEventSchema.safeParse({
      ...input,
      eventId: input.eventId ?? randomUUID(),
      occurredAt: input.occurredAt ?? this.#now(),
    });
    if (!parsed.success) {
      throw new BusMalformedMessageError(
        `invalid ${String(input.type)} event: ${describeSchemaError(parsed.error)}`,
        { cause: parsed.error },
      );
    }
    return parsed.data;
  }
}
