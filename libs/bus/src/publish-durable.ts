import type { JetStreamClient } from '@nats-io/jetstream';
import { BusPublishError } from './bus-errors.js';
import { encodeJson } from './json-codec.js';
import type { HeaderValues } from './trace-headers.js';
import { traceHeaders } from './trace-headers.js';

export interface PublishDurableOptions {
  /**
   * Sent as `Nats-Msg-Id`: the stream drops a second message with the same id inside its
   * duplicate window, so retries (ours, or a caller's replay) store the event once. Use the
   * event's natural key (e.g. the request id).
   */
  readonly msgId: string;
  /** Wait for each PubAck. Default 5 s. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt. Default 3. */
  readonly retries?: number;
  readonly headers?: HeaderValues;
}

export interface DurableAck {
  readonly stream: string;
  readonly seq: number;
  /** True when the stream already had a message with this id (nothing new was stored). */
  readonly duplicate: boolean;
}

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_RETRIES = 3;
// 100 ms doubling, capped at 2 s: rides out a server restart or leader move (sub-second)
// while keeping the worst case (~5 s + timeouts) short enough for the caller's fallback.
const BASE_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 2_000;

/**
 * Publishes `payload` to a JetStream stream and waits for the stream's acknowledgement,
 * retrying with backoff. Throws BusPublishError when every attempt failed; the caller then
 * falls back (e.g. writes the record to Postgres directly).
 */
export async function publishDurable(
  js: JetStreamClient,
  subject: string,
  payload: unknown,
  options: PublishDurableOptions,
): Promise<DurableAck> {
  const data = encodeJson(payload);
  const headers = traceHeaders(options.headers);
  const retries = options.retries ?? DEFAULT_RETRIES;
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let lastError: unknown;
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await sleep(Math.min(BASE_BACKOFF_MS * 2 ** (attempt - 1), MAX_BACKOFF_MS));
    try {
      const ack = await js.publish(subject, data, {
        msgID: options.msgId,
        timeout,
        // Our loop does the retrying, with backoff, for every kind of failure.
        retries: 1,
        ...(headers === undefined ? {} : { headers }),
      });
      return { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
    } catch (err) {
      lastError = err;
    }
  }
  throw new BusPublishError(subject, retries + 1, { cause: lastError });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
